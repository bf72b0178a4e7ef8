import { formatUrn } from '@dictamesh/events';

/** Entity types the Chatwoot adapter emits. */
export type ChatwootEntityType = 'contact' | 'conversation' | 'message' | 'inbox' | 'agent' | 'agent_bot' | 'team';

/** Source system name in URNs and CloudEvent sources. */
export const CHATWOOT_SOURCE = 'chatwoot';

/** Catalog domain of Chatwoot entities. */
export const CHATWOOT_DOMAIN = 'support';

/**
 * URN of a Chatwoot record. Chatwoot ids are per account (conversation ids are the
 * per-account `display_id`), so the account is part of the URN:
 * `dictamesh:chatwoot:account/12:conversation:214`.
 */
export function chatwootUrn(accountId: number, type: ChatwootEntityType, id: number | string): string {
  return formatUrn({ source: CHATWOOT_SOURCE, scope: `account/${accountId}`, type, sourceId: String(id) });
}

/** CloudEvent `source` of one Chatwoot account's events. */
export function chatwootEventSource(accountId: number): string {
  return `/dictamesh/adapters/chatwoot/accounts/${accountId}`;
}

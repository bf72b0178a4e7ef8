import { withStateEventId } from '@dictamesh/adapter-sdk';
import type { EntityChange } from '@dictamesh/events';
import type { ChatwootRecord, ContactList, ConversationList, RestMessage } from '../api/types';
import {
  chatwootChange,
  contactChange,
  conversationChange,
  conversationTime,
  messageChange,
  pushMessageFields,
  type EntityContext,
} from '../model/entities';
import { toIso, latestIso } from '../time';

/** A change with its deterministic event id: the same record state always gets the same id. */
export function withEventId(change: EntityChange): { id: string; change: EntityChange } {
  return withStateEventId('chatwoot-sync', change);
}

/** An agent from `GET /agents` (full record; no timestamps, so the sync time is used). */
export function agentChange(ctx: EntityContext, a: ChatwootRecord): EntityChange {
  const { id: _id, account_id: _a, ...attributes } = a;
  return chatwootChange(ctx, 'agent', a.id, {
    operation: 'updated',
    displayName: (a.available_name as string | undefined) ?? (a.name as string | undefined) ?? `agent ${a.id}`,
    attributes,
    searchText: ['agent', a.name, a.email, a.role].filter(Boolean).join(' '),
  });
}

/** A team from `GET /teams` (`is_member` is about the token's user, so it is not stored). */
export function teamChange(ctx: EntityContext, t: ChatwootRecord): EntityChange {
  const { id: _id, account_id: _a, is_member: _m, ...attributes } = t;
  return chatwootChange(ctx, 'team', t.id, {
    operation: 'updated',
    displayName: (t.name as string | undefined) ?? `team ${t.id}`,
    attributes,
    searchText: ['team', t.name, t.description].filter(Boolean).join(' '),
  });
}

/** An inbox from `GET /inboxes`, without its widget script (it embeds the website token). */
export function inboxChange(ctx: EntityContext, i: ChatwootRecord): EntityChange {
  const { id: _id, web_widget_script: _script, ...attributes } = i;
  return chatwootChange(ctx, 'inbox', i.id, {
    operation: 'updated',
    displayName: (i.name as string | undefined) ?? `inbox ${i.id}`,
    attributes,
    searchText: ['inbox', i.name, i.channel_type, i.website_url].filter(Boolean).join(' '),
  });
}

/** A contact of `GET /contacts`; source time = its last activity (or creation). */
export function restContactChange(accountId: number, c: ContactList['payload'][number], now: string): EntityChange {
  const { contact_inboxes: _ci, created_at, last_activity_at, ...rest } = c;
  const occurredAt = latestIso([toIso(last_activity_at), toIso(created_at)], now);
  const change = contactChange({ accountId, occurredAt }, rest, { operation: 'updated' });
  return { ...change, attributes: { ...change.attributes, created_at: toIso(created_at), last_activity_at: toIso(last_activity_at) } };
}

/** A conversation of `GET /conversations` (the embedded last message is dropped: messages are read on their own). */
export function restConversationChange(accountId: number, c: ConversationList['data']['payload'][number], now: string): EntityChange {
  const { last_non_activity_message: _last, ...rest } = c;
  return conversationChange({ accountId, occurredAt: conversationTime(c, now) }, { ...rest, messages: [] }, { operation: 'updated' });
}

/** A message of `GET /conversations/{id}/messages` (integer `message_type`, Unix `created_at`). */
export function restMessageChange(accountId: number, m: RestMessage, now: string): EntityChange {
  const fields = pushMessageFields(accountId, { ...m, sender: m.sender ?? null } as Parameters<typeof pushMessageFields>[1]);
  return messageChange({ accountId, occurredAt: toIso(m.created_at) ?? now }, fields, { operation: 'updated' });
}

import type { EntityChange } from '@dictamesh/events';

/** What a webhook adapter gets besides the parsed body. */
export interface WebhookContext {
  /** Raw request bytes (for signature checks; never re-serialise JSON to verify). */
  rawBody: Buffer;
  /** URL parameters of the route, e.g. `{ accountId: '12' }`. */
  params: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  /** When the request arrived. */
  receivedAt: Date;
}

/** A webhook body turned into entity changes, ready to be published. */
export interface ParsedWebhook {
  /** CloudEvent `source` of the resulting events, e.g. `/dictamesh/adapters/chatwoot/accounts/12`. */
  source: string;
  /** Organisation the events belong to (CloudEvent extension `orgid`): that of the adapter registration; default organisation when absent. */
  org?: string;
  /** Source event name, for logs and lineage (`conversation_created`). */
  sourceEvent: string;
  /** Each change with its deterministic CloudEvent id. */
  changes: Array<{ id: string; change: EntityChange }>;
}

/** The body was understood but carries nothing to ingest (typing events, unknown events). */
export interface IgnoredWebhook {
  ignored: true;
  sourceEvent: string;
  reason: string;
}

/**
 * A source adapter's webhook side: verifies one delivery (signature or URL token, when the
 * source supports it) and turns it into entity changes. Implementations throw DictaMeshError
 * (`WEBHOOK_*`) for deliveries they reject: `WEBHOOK_SIGNATURE_INVALID` / `WEBHOOK_TOKEN_INVALID`
 * / `WEBHOOK_UNVERIFIED` (401) before anything is published.
 */
export interface WebhookAdapter {
  /** Adapter id, used in the route: `/webhooks/<id>`. */
  readonly id: string;
  /** Extra route suffixes with parameters, e.g. `['/accounts/:accountId']`. */
  readonly routes: readonly string[];
  /** Verifies, then parses. Async because verification may look the delivery's credentials up. */
  parse(body: unknown, context: WebhookContext): Promise<ParsedWebhook | IgnoredWebhook>;
}

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

/**
 * A registration of one adapter kind as its webhook side reads it: whose it is and its whole
 * configuration, secret fields decrypted (the webhook secret or URL token that verify its
 * deliveries). Never to be returned through an API.
 */
export interface WebhookRegistration {
  /** Adapter id (registration id). */
  id: string;
  /** Organisation that registered it: the events of its deliveries belong to it. */
  org: string;
  /** Its configuration with the secret fields put back. */
  config: Record<string, unknown>;
}

/**
 * Where a webhook adapter reads the registrations of its own kind: the adapter runtime's
 * registry (the `dictamesh_adapter_registrations` table, secrets opened with the runtime's
 * key, cached a few seconds and cleared on every registration change).
 */
export interface WebhookRegistrations {
  /** The registrations of this kind whose stored (non-secret) configuration has `equals` at top-level key `field`, in id order. */
  where(field: string, equals: string | number): Promise<WebhookRegistration[]>;
  /** The registration `id` when it is of this kind, else null. */
  byId(id: string): Promise<WebhookRegistration | null>;
}

/** What the adapter runtime gives {@link WebhookFactory}: the kind's registrations and the verification policy. */
export interface WebhookFactoryContext {
  registrations: WebhookRegistrations;
  /** Refuse every delivery no registration's credentials verify (`WEBHOOK_UNVERIFIED`); on with `NODE_ENV=production`. */
  requireVerification: boolean;
  /** `NODE_ENV` is not `production` (a source may then accept deliveries it cannot verify on legacy routes). */
  development: boolean;
}

/**
 * The optional webhook side of an adapter kind (`AdapterDefinition.webhooks`): the adapter
 * runtime calls it once at start-up and serves the returned adapter under `/webhooks/<id>`.
 */
export type WebhookFactory = (context: WebhookFactoryContext) => WebhookAdapter;

import type { EntityChange } from '@dictamesh/events';
import type { Logger } from '@dictamesh/runtime';
import type { z } from 'zod';
import type { OutboundPolicy } from '../net/address-policy';
import type { WebhookFactory } from '../webhook-adapter';

/** What an adapter can do (the seed design's capability list). */
export type AdapterCapability = 'read' | 'write' | 'stream' | 'webhooks' | 'batch' | 'search' | 'pagination';

/** Result of {@link Adapter.health}. */
export interface AdapterHealth {
  healthy: boolean;
  /** Why it is unhealthy, or a short status. */
  message?: string;
  /** Round trip of the check, ms. */
  latencyMs?: number;
}

/** A source adapter instance: one configured connection to one source system. */
export interface Adapter {
  /** Registration id, `[a-z0-9-]`, unique per deployment (`chatwoot-eu`). */
  readonly id: string;
  /** Adapter kind (`chatwoot`, `rest-json`, `postgres-table`). */
  readonly kind: string;
  /** Semver of the adapter implementation. */
  readonly version: string;
  readonly capabilities: readonly AdapterCapability[];
  /** Opens connections and checks the configuration against the source. @throws on unusable configuration */
  initialize(): Promise<void>;
  /** Cheap reachability check of the source; never throws. */
  health(): Promise<AdapterHealth>;
  /** Closes connections; called once, after which the instance is dropped. */
  shutdown(): Promise<void>;
  /**
   * Releases what the adapter holds *at the source* (a replication slot, a webhook
   * subscription); called before {@link shutdown} only when the registration is removed, not
   * when it is paused or the service stops. Optional.
   */
  dispose?(): Promise<void>;
}

/** A position in a source's change history; JSON, opaque to everybody but the adapter. */
export type Checkpoint = { [key: string]: unknown };

/** Entity changes read from a source, with the checkpoint to resume after them. */
export interface ChangeBatch {
  /** Each change with a deterministic CloudEvent id (the same source state → the same id). */
  changes: Array<{ id: string; change: EntityChange }>;
  /** Where to resume once these changes are published. */
  checkpoint: Checkpoint;
  /** Resource these changes came from, for progress reports. */
  resource?: string;
  /**
   * How many changes the whole run publishes, as the source says (a list response's total
   * count), for progress reports; absent or null when the source does not say.
   */
  total?: number | null;
}

/** How a sync reads: everything (`backfill`) or what changed since the last checkpoint. */
export type SyncMode = 'backfill' | 'incremental';

/**
 * An adapter that reads changes in order from a checkpoint: a backfill that pages through
 * every resource, a re-sync from a watermark, or a change stream (logical replication,
 * polling). Batches are yielded only as fast as they are published (pull), and the caller
 * stores each batch's checkpoint after publishing it, so a crash replays at most one batch.
 */
export interface StreamingAdapter extends Adapter {
  /**
   * @param from where the previous run stopped (null: from the start)
   * @param signal aborted when the adapter is paused or removed; stop yielding then
   */
  changes(from: Checkpoint | null, options: { mode: SyncMode; signal: AbortSignal }): AsyncIterable<ChangeBatch>;
}

/** One page of a list. */
export interface Page<T> {
  items: T[];
  /** Cursor of the next page; null on the last page. */
  nextCursor: string | null;
  /** How many records the whole list holds, when the source says (a `total` field); absent otherwise. */
  total?: number;
}

/** Create/read/update/delete access to a source's resources, with cursor or page pagination. */
export interface ResourceAdapter<T = Record<string, unknown>> extends Adapter {
  /** Resource names this adapter serves (`contacts`, `conversations`). */
  readonly resources: readonly string[];
  /** @param cursor from the previous page's `nextCursor`; absent for the first page */
  list(resource: string, page?: { cursor?: string | null; filter?: Record<string, unknown> }): Promise<Page<T>>;
  /** @returns null when the source has no such record */
  get(resource: string, id: string): Promise<T | null>;
  create?(resource: string, input: Record<string, unknown>): Promise<T>;
  update?(resource: string, id: string, input: Record<string, unknown>): Promise<T>;
  delete?(resource: string, id: string): Promise<void>;
}

/** What the host gives an adapter instance. */
export interface AdapterContext {
  log: Logger;
  /**
   * Which source addresses the adapter may connect to (the SSRF guard: pass it to `HttpClient`
   * and to any other client that opens connections). Absent: public addresses only.
   */
  outbound?: OutboundPolicy;
}

/**
 * An installable adapter kind: its configuration schema (zod; also published as JSON Schema),
 * which configuration fields are secrets (stored encrypted, never returned by the API), and
 * a factory for instances, and optionally of its webhook side. Each adapter package's
 * `src/definition.ts` default-exports one (named by `"dictamesh": { "adapter": … }` in its
 * `package.json`); the adapter runtime discovers sync and webhook adapters alike from it.
 */
export interface AdapterDefinition<Config = unknown> {
  kind: string;
  version: string;
  description: string;
  capabilities: readonly AdapterCapability[];
  configSchema: z.ZodType<Config>;
  /** Dotted paths of secret configuration fields (`auth.clientSecret`). */
  secretFields: readonly string[];
  create(id: string, config: Config, context: AdapterContext): Adapter;
  /**
   * The kind's webhook receiver, for kinds whose source pushes changes (capability `webhooks`):
   * served by the adapter runtime at `/webhooks/<WebhookAdapter.id>[<route>]`, reading the
   * kind's registrations from the runtime's registry. Absent: the kind has no webhook endpoint.
   */
  webhooks?: WebhookFactory;
}

/** Type guard: the adapter can read changes from a checkpoint. */
export function isStreaming(adapter: Adapter): adapter is StreamingAdapter {
  return typeof (adapter as Partial<StreamingAdapter>).changes === 'function';
}

/**
 * Runs a cheap source probe and reports it as {@link AdapterHealth}: healthy with the probe's
 * message, or unhealthy with the error's message; `latencyMs` is the probe's duration. Never throws.
 * @param probe resolves when the source answers (optionally with a status message)
 */
export async function probeHealth(probe: () => Promise<string | void>): Promise<AdapterHealth> {
  const started = performance.now();
  try {
    const message = await probe();
    return { healthy: true, latencyMs: performance.now() - started, ...(message ? { message } : {}) };
  } catch (error) {
    return { healthy: false, latencyMs: performance.now() - started, message: (error as Error).message };
  }
}

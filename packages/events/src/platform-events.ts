/**
 * The data of a `dictamesh.schema.changed` CloudEvent: a new version of a schema stored in
 * the catalog's schema registry. JSON Schema: `schemas/events/schema-changed.v1.schema.json`.
 */
export interface SchemaChanged {
  /** What the schema describes: `entity:<source>:<entityType>`, `adapter-config:<kind>`, … */
  subject: string;
  /** 1 for the first version of the subject, +1 per distinct definition. */
  version: number;
  previousVersion?: number | null;
  format: 'JSON_SCHEMA' | 'GRAPHQL' | 'AVRO' | 'PROTOBUF';
  /** SHA-256 of the canonical definition, 64 hex characters. */
  fingerprint: string;
  /** A JSON Schema object, or SDL / Avro / Protobuf text. */
  definition: unknown;
  change: 'created' | 'updated' | 'deleted';
  /** Adapter id or principal that registered the version. */
  changedBy?: string;
  /** ISO-8601. */
  occurredAt: string;
}

/** Lifecycle, sync and health events of a source adapter. */
export type AdapterEventName =
  | 'registered'
  | 'updated'
  | 'paused'
  | 'resumed'
  | 'removed'
  | 'sync.started'
  | 'sync.progressed'
  | 'sync.completed'
  | 'sync.failed'
  | 'sync.cancelled'
  | 'health.changed';

/** Where a sync run is: `started`, `running`, then one of `completed`, `failed`, `cancelled` (paused, removed, restarted). */
export type AdapterSyncPhase = 'started' | 'running' | 'completed' | 'failed' | 'cancelled';

/** Where one sync run stands (`AdapterEvent.progress`). */
export interface AdapterSyncProgress {
  /** Id of the sync run (a UUID). */
  syncId: string;
  phase: AdapterSyncPhase;
  /** Pages (batches) read so far. */
  pages: number;
  /** Entity changes published so far. */
  entities: number;
  /** Entity changes the run publishes in all, when the source says; else null. */
  entitiesTotal: number | null;
  /** Entities per second over a sliding window; null before it can be measured. */
  entitiesPerSecond: number | null;
  /** Seconds until completion at that rate when the total is known (0 once completed); else null. */
  etaSeconds: number | null;
  /** ISO-8601: when the run started. */
  startedAt: string;
}

/** Run state of a registered adapter. */
export type AdapterStatus = 'STARTING' | 'RUNNING' | 'PAUSED' | 'FAILED' | 'STOPPED';

/**
 * The data of a `dictamesh.adapter.event` CloudEvent. JSON Schema:
 * `schemas/events/adapter-event.v1.schema.json`.
 */
export interface AdapterEvent {
  adapterId: string;
  /** Adapter kind: `chatwoot`, `rest-json`, `postgres-table`, … */
  kind: string;
  event: AdapterEventName;
  status: AdapterStatus;
  health?: { healthy: boolean; message?: string | null; latencyMs?: number | null };
  sync?: {
    mode: 'backfill' | 'incremental' | 'stream';
    resource?: string | null;
    /** Entity changes published by this sync so far. */
    entities?: number;
    pages?: number;
    /** Milliseconds since the sync started. */
    durationMs?: number;
    /** Opaque position the next sync resumes from. */
    checkpoint?: unknown;
  };
  /** Where the sync run stands (events `sync.*` of runs that report progress). */
  progress?: AdapterSyncProgress;
  error?: string | null;
  /** ISO-8601. */
  occurredAt: string;
}

/**
 * The data of a `dictamesh.usage.operation` CloudEvent: one GraphQL operation the gateway
 * answered, metered for billing. JSON Schema: `schemas/events/operation-usage.v1.schema.json`.
 */
export interface OperationUsage {
  /** Organisation billed: the caller's, or `default`. */
  org: string;
  /** User, `api-key:<id>` or `anonymous`. */
  subject: string;
  /** `apollographql-client-name` header. */
  clientName?: string | null;
  operationName: string | null;
  operationType: 'query' | 'mutation' | 'subscription' | 'unknown';
  /** SHA-256 hex of the operation text. */
  operationId?: string | null;
  /** Estimated cost, cost spec units (0 when not estimated). */
  cost: number;
  /** Milliseconds from the request reaching Apollo Server to the response. */
  durationMs: number;
  /** `ok` data without errors, `partial` data and errors, `error` no data, `refused` before execution. */
  result: 'ok' | 'partial' | 'error' | 'refused';
  errorCount: number;
  /** Distinct `extensions.code` values of the errors (at most 20). */
  errorCodes?: string[];
  /** ISO-8601: when the operation started. */
  occurredAt: string;
}

/**
 * The data of a `dictamesh.usage.storage` CloudEvent: the catalog storage of one organisation,
 * measured by the catalog subgraph (its entity rows and its event log). JSON Schema:
 * `schemas/events/storage-usage.v1.schema.json`.
 */
export interface StorageUsage {
  /** Organisation measured. */
  org: string;
  /** Bytes of its rows (`pg_column_size` of each row, summed). */
  bytes: number;
  /** ISO-8601: when it was measured. */
  measuredAt: string;
}

import type { ConfigChanged } from '@dictamesh/events';

/** The columns of a version (`dictamesh_config_versions`) a change event or a history entry needs. */
export interface VersionRow {
  orgId: string | null;
  environment: string;
  service: string;
  component: string;
  key: string;
  version: number;
  revision: bigint;
  operation: ConfigChanged['operation'];
  kind: ConfigChanged['kind'];
  value: unknown;
  hasValue: boolean;
  rollbackOf: number | null;
  author: string;
  reason: string | null;
  requestId: string | null;
  createdAt: Date;
}

/**
 * The `dictamesh.config.changed` data of one version (schema
 * `schemas/events/config-changed.v1.schema.json`): a secret's value is withheld (`value` null,
 * `redacted` true), a delete carries no value. The same shape feeds the `configChanges` history,
 * so history and live events agree.
 */
export function changeOf(row: VersionRow): ConfigChanged {
  const secret = row.kind === 'SECRET';
  return {
    revision: row.revision.toString(),
    operation: row.operation,
    kind: row.kind,
    key: row.key,
    scope: { orgId: row.orgId, environment: row.environment, service: row.service, component: row.component },
    version: row.version,
    hasValue: row.hasValue,
    value: secret || !row.hasValue ? null : (row.value ?? null),
    redacted: secret,
    rollbackOf: row.rollbackOf,
    // the event schema's bounds (the store's are tighter; this keeps a bad row from stalling the relay)
    author: row.author.slice(0, 300),
    reason: row.reason === null ? null : row.reason.slice(0, 1000),
    requestId: row.requestId === null ? null : row.requestId.slice(0, 200),
    occurredAt: row.createdAt.toISOString(),
  };
}

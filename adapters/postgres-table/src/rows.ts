import { deterministicEventId, formatUrn, type EntityChange, type EntityOperation, type RelationshipRef } from '@dictamesh/events';
import type { PostgresTableConfig, TableConfig } from './config';

/** A row as node-postgres parses it (snapshot query or pgoutput text tuple: the same type parsers). */
export type Row = Record<string, unknown>;

/**
 * A column value as JSON: `timestamp[tz]`/`date` (parsed to Date) → ISO-8601, `bytea` → `\x…`
 * hex (PostgreSQL's own text form), `int8`/`numeric` stay strings (no precision lost), json /
 * arrays as parsed. `undefined` (an unchanged TOASTed value the WAL did not carry) stays
 * undefined so the caller can drop it.
 */
export function jsonValue(value: unknown): unknown {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? String(value) : value.toISOString();
  if (value instanceof Uint8Array) return `\\x${Buffer.from(value).toString('hex')}`;
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(jsonValue);
  return value;
}

/**
 * The URN source id of a row: its key column values, each percent-encoded (so `:` and spaces
 * cannot break the URN), joined by `,` in key column order.
 * @returns null when a key column is null or missing
 */
export function rowSourceId(row: Row, keyColumns: readonly string[]): string | null {
  const parts: string[] = [];
  for (const column of keyColumns) {
    const value = jsonValue(row[column]);
    if (value === null || value === undefined) return null;
    parts.push(encodeURIComponent(String(value)));
  }
  return parts.join(',');
}

/** Where a row change comes from: a snapshot page, or a WAL record with its LSN and commit time. */
export interface RowOrigin {
  operation: EntityOperation;
  /** Source time, ISO-8601: commit time (WAL) or the snapshot statement's `now()`. */
  occurredAt: string;
  /** Makes the CloudEvent id unique and replay-stable: the WAL record's LSN, or `snapshot`. */
  position: string;
}

/**
 * One row change as an entity change: URN `dictamesh:<source>:<entityType>:<key>`, the row's
 * columns (minus excluded ones) as attributes, configured reference columns as relationships.
 * A row whose WAL tuple lacks unchanged TOASTed values is marked `partial` (merged, not replaced).
 * @returns null when the row has no usable key (logged by the caller)
 */
export function rowChange(
  config: PostgresTableConfig,
  table: TableConfig,
  keyColumns: readonly string[],
  row: Row,
  origin: RowOrigin,
): { id: string; change: EntityChange } | null {
  const sourceId = rowSourceId(row, keyColumns);
  if (sourceId === null) return null;
  const attributes: Record<string, unknown> = {};
  let partial = false;
  for (const [column, value] of Object.entries(row)) {
    if (table.excludeColumns.includes(column)) continue;
    if (value === undefined) partial = true;
    else attributes[column] = jsonValue(value);
  }
  const relationships: RelationshipRef[] = [];
  for (const r of table.relationships) {
    const target = rowSourceId(row, [r.column]);
    if (target !== null) {
      relationships.push({
        type: r.type,
        toUrn: formatUrn({ source: config.source, type: r.entityType, sourceId: target }),
        cardinality: r.cardinality,
        confidence: 1,
      });
    }
  }
  const name = table.displayNameColumn ? jsonValue(row[table.displayNameColumn]) : undefined;
  const urn = formatUrn({ source: config.source, type: table.entityType, sourceId });
  const change: EntityChange = {
    urn,
    source: config.source,
    entityType: table.entityType,
    sourceId,
    domain: config.domain,
    operation: origin.operation,
    ...(partial ? { partial: true } : {}),
    displayName: typeof name === 'string' || typeof name === 'number' ? String(name) : null,
    attributes,
    occurredAt: origin.occurredAt,
    relationships,
  };
  return { id: deterministicEventId('postgres-table', urn, origin.position, origin.operation, JSON.stringify(attributes)), change };
}

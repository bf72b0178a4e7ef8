import { withStateEventId } from '@dictamesh/adapter-sdk';
import { formatUrn, type EntityChange, type RelationshipRef } from '@dictamesh/events';
import type { RestJsonConfig, RestResource } from './config';
import { readPath, toIsoTime } from './fields';

/** A record turned into an entity change, or why it could not be. */
export type RecordResult = { ok: true; id: string; change: EntityChange } | { ok: false; reason: string };

const ID = /^[^:\s]+$/;

/**
 * Turns one source record into an entity change: URN `dictamesh:<source>:<entityType>:<id>`,
 * the whole record as attributes, source time from `updatedAtField` (else `now`), `deleted`
 * when `deletedField` is truthy, and one relationship per configured reference field. The
 * CloudEvent id is derived from the URN, time and attributes, so re-reading an unchanged record
 * yields the same id (consumers deduplicate by it).
 * @param now ISO-8601 read time, used when the record has no usable source time
 */
export function recordChange(config: RestJsonConfig, resource: RestResource, record: unknown, now: string): RecordResult {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) return { ok: false, reason: 'not a JSON object' };
  const rawId = readPath(record, resource.idField);
  const sourceId = typeof rawId === 'number' || typeof rawId === 'string' ? String(rawId) : '';
  if (!ID.test(sourceId)) return { ok: false, reason: `${resource.idField} is missing or holds ':' / whitespace` };
  const occurredAt = (resource.updatedAtField && toIsoTime(readPath(record, resource.updatedAtField))) || now;
  const name = resource.displayNameField ? readPath(record, resource.displayNameField) : undefined;
  const relationships: RelationshipRef[] = [];
  for (const r of resource.relationships) {
    const target = readPath(record, r.field);
    if ((typeof target !== 'string' && typeof target !== 'number') || !ID.test(String(target))) continue;
    relationships.push({
      type: r.type,
      toUrn: formatUrn({ source: config.source, type: r.entityType, sourceId: String(target) }),
      cardinality: r.cardinality,
      confidence: 1,
    });
  }
  const attributes = record as Record<string, unknown>;
  const change: EntityChange = {
    urn: formatUrn({ source: config.source, type: resource.entityType, sourceId }),
    source: config.source,
    entityType: resource.entityType,
    sourceId,
    domain: config.domain,
    operation: resource.deletedField && readPath(record, resource.deletedField) ? 'deleted' : 'updated',
    displayName: typeof name === 'string' || typeof name === 'number' ? String(name) : null,
    attributes,
    occurredAt,
    relationships,
  };
  return { ok: true, ...withStateEventId('rest-json', change) };
}

import { deterministicEventId, type EntityChange } from '@dictamesh/events';

/**
 * A change read by a sync with the CloudEvent id of the record's state: derived from the
 * namespace, URN, source time and attributes, so re-reading an unchanged record yields the same
 * id (consumers deduplicate by it) and any change of state a new one.
 * @param namespace the adapter's id space, e.g. `rest-json`
 */
export function withStateEventId(namespace: string, change: EntityChange): { id: string; change: EntityChange } {
  return { id: deterministicEventId(namespace, change.urn, change.occurredAt, JSON.stringify(change.attributes)), change };
}

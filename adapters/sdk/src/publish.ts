import { entityTopic, toEntityChangeEvent, type EventBus, type OutgoingRecord } from '@dictamesh/events';
import { err } from '@dictamesh/runtime';
import type { ParsedWebhook } from './webhook-adapter';

/** One published event, as reported to the webhook caller. */
export interface PublishedEvent {
  id: string;
  type: string;
  subject: string;
}

/**
 * Validates each change against the EntityChange JSON Schema, wraps it in a CloudEvent and
 * publishes it on its topic with the URN as record key. Resolves once the bus holds every
 * record. The check of {@link toEntityChangeEvent} is the only one in this process: the bus
 * does not check the event again on publish or on in-process delivery.
 *
 * @throws DictaMeshError `BAD_USER_INPUT` when a change breaks the schema (nothing is
 *   published then); `EVENT_BUS_UNAVAILABLE` when the bus rejects the records
 */
export async function publishChanges(bus: EventBus, parsed: ParsedWebhook, traceparent?: string): Promise<PublishedEvent[]> {
  const byTopic = new Map<string, OutgoingRecord[]>();
  const published: PublishedEvent[] = [];
  for (const { id, change } of parsed.changes) {
    const event = toEntityChangeEvent(change, {
      id,
      source: parsed.source,
      ...(parsed.org ? { org: parsed.org } : {}),
      ...(traceparent ? { traceparent } : {}),
    });
    const topic = entityTopic(change.operation);
    const records = byTopic.get(topic) ?? [];
    records.push({ key: change.urn, event });
    byTopic.set(topic, records);
    published.push({ id, type: event.type, subject: change.urn });
  }
  try {
    await Promise.all([...byTopic].map(([topic, records]) => bus.publish(topic, records)));
  } catch (cause) {
    throw err('EVENT_BUS_UNAVAILABLE', undefined, {}, cause);
  }
  return published;
}

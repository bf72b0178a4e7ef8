import { createHash } from 'node:crypto';
import { CloudEvent } from 'cloudevents';
import type { EntityChange } from './entity-change';
import { entityTopic } from './topics';

/** A CloudEvents 1.0 event whose data is an {@link EntityChange}. */
export type EntityChangeEvent = CloudEvent<EntityChange>;

/** Options of {@link toEntityChangeEvent}. */
export interface EnvelopeOptions {
  /** CloudEvent `source`: the adapter stream, e.g. `/dictamesh/adapters/chatwoot/accounts/12`. */
  source: string;
  /** CloudEvent `id`. Deterministic ids make redelivered source events idempotent. */
  id: string;
  /** W3C `traceparent` of the request that produced the change (distributed tracing extension). */
  traceparent?: string;
}

/**
 * Wraps an entity change in a CloudEvents 1.0 envelope: `type` is the topic
 * (`dictamesh.entity.created|updated|deleted`), `subject` the entity URN, `time` the source
 * time, `datacontenttype` `application/json`. The cloudevents SDK validates the attributes.
 *
 * @throws the SDK's ValidationError when an attribute breaks the CloudEvents 1.0 spec
 */
export function toEntityChangeEvent(change: EntityChange, options: EnvelopeOptions): EntityChangeEvent {
  return new CloudEvent<EntityChange>({
    specversion: '1.0',
    id: options.id,
    source: options.source,
    type: entityTopic(change.operation),
    subject: change.urn,
    time: change.occurredAt,
    datacontenttype: 'application/json',
    dataschema: 'urn:dictamesh:schema:entity-change:1',
    data: change,
    ...(options.traceparent ? { traceparent: options.traceparent } : {}),
  });
}

/**
 * A stable event id: SHA-256 over the parts, hex, 32 characters. The same source event
 * always gets the same id, so a webhook delivered twice is applied once.
 */
export function deterministicEventId(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}

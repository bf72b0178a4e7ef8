import { createHash } from 'node:crypto';
import { CloudEvent } from 'cloudevents';
import type { EntityChange } from './entity-change';
import { entityTopic } from './topics';
import { assertEntityChange, EVENT_SCHEMAS, rememberValid, type EventDataOf, type EventType } from './validate';

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
  /** Organisation the event belongs to: CloudEvent extension attribute `orgid`. */
  org?: string;
}

/**
 * Checks an entity change against its JSON Schema and wraps it in a CloudEvents 1.0 envelope:
 * `type` is the topic (`dictamesh.entity.created|updated|deleted`), `subject` the entity URN,
 * `time` the source time, `datacontenttype` `application/json`. The cloudevents SDK validates
 * the attributes. This is the producer's one schema check of the change: the event is known
 * valid in this process, so publishing it and delivering it in-process check nothing again.
 *
 * @throws DictaMeshError `BAD_USER_INPUT` (not retryable) when the change breaks
 *   `schemas/events/entity-change.v1.schema.json`, listing every violation (`details.problems`)
 * @throws the SDK's ValidationError when an attribute breaks the CloudEvents 1.0 spec
 */
export function toEntityChangeEvent(change: EntityChange, options: EnvelopeOptions): EntityChangeEvent {
  assertEntityChange(change);
  const event = toDictaMeshEvent(entityTopic(change.operation), change, { ...options, subject: change.urn, time: change.occurredAt });
  rememberValid(event);
  return event;
}

/**
 * Wraps the data of any DictaMesh event type in a CloudEvents 1.0 envelope with the type's
 * `dataschema` (see {@link EVENT_SCHEMAS}) and `datacontenttype` `application/json`. The data
 * is validated when the event is published, not here.
 *
 * @param options.subject what the event is about (entity URN, schema subject, adapter id)
 * @param options.time ISO-8601; defaults to now
 * @throws the SDK's ValidationError when an attribute breaks the CloudEvents 1.0 spec
 */
export function toDictaMeshEvent<T extends EventType>(
  type: T,
  data: EventDataOf[T],
  options: EnvelopeOptions & { subject?: string; time?: string },
): CloudEvent<EventDataOf[T]> {
  return new CloudEvent<EventDataOf[T]>({
    specversion: '1.0',
    id: options.id,
    source: options.source,
    type,
    ...(options.subject ? { subject: options.subject } : {}),
    time: options.time ?? new Date().toISOString(),
    datacontenttype: 'application/json',
    dataschema: EVENT_SCHEMAS[type],
    data,
    ...(options.traceparent ? { traceparent: options.traceparent } : {}),
    ...(options.org ? { orgid: options.org } : {}),
  });
}

/**
 * A stable event id: SHA-256 over the parts, hex, 32 characters. The same source event
 * always gets the same id, so a webhook delivered twice is applied once.
 */
export function deterministicEventId(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}

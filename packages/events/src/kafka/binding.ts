import { Kafka as KafkaBinding, type CloudEvent } from 'cloudevents';
import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import type { BusRecord, OutgoingRecord } from '../bus';

/**
 * CloudEvents 1.0 Kafka protocol binding, binary content mode: attributes travel as `ce_*`
 * headers (`ce_id`, `ce_source`, `ce_type`, `ce_subject`, `ce_time`, extensions such as
 * `ce_traceparent`), `content-type` carries `datacontenttype`, the value is the JSON data and
 * the record key the partition key (the entity URN). Extra bus headers (DLQ details) travel
 * as plain headers. Serialisation and parsing use the cloudevents SDK.
 */
export function toKafkaMessage(record: OutgoingRecord, partition?: number): Message {
  const binary = KafkaBinding.binary(record.event.cloneWith({ partitionkey: record.key } as never, false));
  const headers: IHeaders = {};
  // the value is always JSON-encoded data, so the content type says so
  for (const [name, value] of Object.entries({ ...binary.headers, 'content-type': 'application/json', ...record.headers })) {
    if (value !== undefined && value !== null) headers[name] = String(value);
  }
  return {
    key: record.key,
    value: JSON.stringify(record.event.data ?? null),
    headers,
    ...(partition === undefined ? {} : { partition }),
  };
}

/** Header values of a consumed Kafka message as strings. */
export function headersToStrings(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (last !== undefined) out[name] = Buffer.isBuffer(last) ? last.toString('utf8') : String(last);
  }
  return out;
}

/**
 * Reads a consumed Kafka message as a bus record.
 * @throws the SDK's ValidationError (or a SyntaxError) when the message is not a binary-mode
 *   CloudEvent with JSON data
 */
export function fromKafkaMessage(topic: string, partition: number, message: KafkaMessage): BusRecord {
  const headers = headersToStrings(message.headers);
  const key = message.key?.toString('utf8') ?? '';
  const value = message.value?.toString('utf8');
  const event = KafkaBinding.toEvent({ key, value: value ?? '', headers, body: value } as Parameters<
    typeof KafkaBinding.toEvent
  >[0]) as CloudEvent<unknown>;
  const extra = Object.fromEntries(Object.entries(headers).filter(([name]) => !name.startsWith('ce_') && name !== 'content-type'));
  return {
    topic,
    partition,
    offset: Number(message.offset),
    key,
    event, // carries the record key as the `partitionkey` extension (CloudEvents Kafka binding §3.1)
    headers: extra,
    timestamp: Number(message.timestamp),
  };
}

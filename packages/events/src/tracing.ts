import { ROOT_CONTEXT, trace, type Link } from '@opentelemetry/api';
import { extractContext, injectContext, inSpan, SpanKind } from '@dictamesh/runtime';
import type { BusRecord, OutgoingRecord } from './bus';

const SYSTEM = { 'messaging.system': 'kafka' };

/**
 * Publishes in a producer span (`<topic> publish`, OpenTelemetry messaging conventions) and
 * adds its W3C trace context (`traceparent`, `tracestate`) to every record's headers, so the
 * consumers' spans continue the trace. Headers a record already has win. Without a tracer
 * provider it adds nothing and costs nothing.
 */
export function publishTraced<T>(
  topic: string,
  records: readonly OutgoingRecord[],
  send: (records: OutgoingRecord[]) => Promise<T>,
): Promise<T> {
  return inSpan(
    `${topic} publish`,
    {
      kind: SpanKind.PRODUCER,
      attributes: {
        ...SYSTEM,
        'messaging.operation.type': 'send',
        'messaging.destination.name': topic,
        'messaging.batch.message_count': records.length,
      },
    },
    () => {
      const trace = injectContext({}); // the producer span's context, the same for every record of the call
      return send(records.map((record) => ({ ...record, headers: { ...trace, ...record.headers } })));
    },
  );
}

/**
 * Runs a consumer's handler in a consumer span (`<topic> process`): a child of the trace of the
 * first record that carries one (Kafka header `traceparent`, else the CloudEvent's `traceparent`
 * extension from the request that caused it), linked to the traces of all of them.
 */
export function consumeTraced<T>(groupId: string, records: readonly BusRecord[], work: () => Promise<T>): Promise<T> {
  const contexts = records.map((record) => {
    const traceparent = record.headers.traceparent ?? (typeof record.event.traceparent === 'string' ? record.event.traceparent : undefined);
    return traceparent ? extractContext({ ...record.headers, traceparent }) : ROOT_CONTEXT;
  });
  const links: Link[] = contexts.flatMap((c) => {
    const span = trace.getSpanContext(c);
    return span ? [{ context: span }] : [];
  });
  const parent = contexts.find((c) => trace.getSpanContext(c)) ?? ROOT_CONTEXT;
  const topic = records[0]?.topic ?? 'unknown';
  return inSpan(
    `${topic} process`,
    {
      kind: SpanKind.CONSUMER,
      parent,
      links,
      attributes: {
        ...SYSTEM,
        'messaging.operation.type': 'process',
        'messaging.destination.name': topic,
        'messaging.consumer.group.name': groupId,
        'messaging.batch.message_count': records.length,
      },
    },
    work,
  );
}

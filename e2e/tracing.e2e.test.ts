import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { KafkaEventBus, toEntityChangeEvent, TOPICS, type BusRecord } from '@dictamesh/events';
import { createLogger, inSpan } from '@dictamesh/runtime';
import { FIXTURES, startTestStack, tempDataDir, type FullStack } from './harness/harness';

// One trace from the caller through the gateway, the catalog subgraph and its database, and one
// from a webhook through the event bus into the catalog's ingest — spans recorded in memory.
const exporter = new InMemorySpanExporter();
const dataDir = tempDataDir();
let stack: FullStack;
const TRACE = '0af7651916cd43dd8448eb211c80319c';
const traceparent = (span: string) => `00-${TRACE}-${span}-01`;

beforeAll(async () => {
  stack = await startTestStack(dataDir, { traceExporter: exporter });
});
afterAll(async () => {
  await stack?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const spansOf = (trace: string) => exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === trace);
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
const byName = (spans: ReadableSpan[], pattern: RegExp) => spans.filter((s) => pattern.test(s.name));

describe('OpenTelemetry traces with W3C trace context', () => {
  it('follows a webhook into the bus and the catalog ingest, down to the database', async () => {
    const response = await fetch(`${stack.urls.webhooks}/chatwoot/accounts/12`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: traceparent('b7ad6b7169203331') },
      body: readFileSync(join(FIXTURES, 'contact_created.json')),
    });
    expect(response.status).toBe(202);
    expect(await stack.drained(10_000)).toBe(true);
    const ingestSpan = () =>
      byName(spansOf(TRACE), /^dictamesh\.entity\.created process$/).find(
        (s) => s.attributes['messaging.consumer.group.name'] === 'dictamesh-catalog',
      );
    await expect.poll(ingestSpan, { timeout: 5_000 }).toBeDefined();
    const spans = spansOf(TRACE);
    const [server] = byName(spans, /^POST \/webhooks\/chatwoot\/accounts\/:accountId$/);
    const [publish] = byName(spans, /^dictamesh\.entity\.created publish$/);
    const processing = ingestSpan();
    expect(parentOf(server!)).toBe('b7ad6b7169203331'); // the caller's span
    expect(parentOf(publish!)).toBe(server!.spanContext().spanId);
    expect(parentOf(processing!)).toBe(publish!.spanContext().spanId); // through the record's headers
    expect(processing!.attributes).toMatchObject({
      'messaging.consumer.group.name': 'dictamesh-catalog',
      'messaging.operation.type': 'process',
    });
    // the catalog's writes are database spans inside the consumer span
    const database = spans.filter((s) => s.name.startsWith('prisma:') && s.spanContext().traceId === TRACE);
    expect(database.length).toBeGreaterThan(0);
  });

  it('follows a query from the caller through the gateway into the catalog subgraph and its database', async () => {
    exporter.reset();
    const response = await fetch(stack.urls.gateway, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: traceparent('00f067aa0ba902b7') },
      body: JSON.stringify({ query: '{ entity(urn: "dictamesh:chatwoot:account/12:contact:1190") { displayName } }' }),
    });
    expect(((await response.json()) as { data: unknown }).data).toEqual({ entity: { displayName: expect.any(String) } });
    await expect.poll(() => byName(spansOf(TRACE), /^gateway\.request$/).length, { timeout: 5_000 }).toBe(1);
    const spans = spansOf(TRACE);
    const servers = byName(spans, /^POST \/graphql$/);
    expect(servers).toHaveLength(2); // the gateway's and the catalog's
    const gateway = servers.find((s) => parentOf(s) === '00f067aa0ba902b7')!;
    const [fetchSpan] = byName(spans, /^gateway\.fetch$/);
    const catalog = servers.find((s) => s !== gateway)!;
    expect(gateway).toBeDefined();
    expect(byName(spans, /^gateway\.plan$/)).toHaveLength(1);
    expect(parentOf(catalog)).toBe(fetchSpan!.spanContext().spanId); // traceparent sent on the subgraph request
    const database = spans.filter((s) => s.name.startsWith('prisma:'));
    expect(database.length).toBeGreaterThan(0);
  });

  it('carries the trace context in Kafka record headers', async () => {
    const topic = TOPICS.entityUpdated;
    const bus = new KafkaEventBus({
      brokers: [inject('kafkaBrokers')],
      clientId: 'tracing-test',
      log: createLogger('test', 'silent'),
      topics: { names: [topic], partitions: 1, replicationFactor: 1, retentionMs: 3_600_000 },
    });
    const received: BusRecord[] = [];
    try {
      await bus.subscribe({
        groupId: `tracing-${Date.now()}`,
        topics: [topic],
        fromBeginning: true,
        eachMessage: async (r) => void received.push(r),
      });
      const change = {
        urn: 'dictamesh:test:contact:traced',
        source: 'test',
        entityType: 'contact',
        sourceId: 'traced',
        domain: 'support',
        operation: 'updated' as const,
        attributes: {},
        occurredAt: new Date().toISOString(),
        relationships: [],
      };
      let publishSpan = '';
      // this run's record (a broker kept across runs holds earlier ones of the same URN)
      const id = `traced-${randomUUID()}`;
      await inSpan('test root', {}, async () => {
        await bus.publish(topic, [{ key: change.urn, event: toEntityChangeEvent(change, { id, source: '/test' }) }]);
        publishSpan = byName(exporter.getFinishedSpans(), new RegExp(`^${topic} publish$`))
          .at(-1)!
          .spanContext().spanId;
      });
      await expect.poll(() => received.find((r) => r.event.id === id), { timeout: 20_000 }).toBeDefined();
      const record = received.find((r) => r.event.id === id)!;
      expect(record.headers.traceparent).toMatch(new RegExp(`^00-[0-9a-f]{32}-${publishSpan}-01$`));
    } finally {
      await bus.close();
    }
  });
});

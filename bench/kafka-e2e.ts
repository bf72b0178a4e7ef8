// End to end on a real Kafka broker: webhook POST → Kafka → catalog row, and POST →
// GraphQL subscription delivery.
//
//   npm run bench:kafka -- [--deliveries 2000] [--concurrency 16] [--latency-samples 200] [--rate 20]
//
// Uses KAFKA_BROKERS when set; otherwise starts a private broker with scripts/kafka.sh
// (127.0.0.1:19492) and stops it at the end. The stack runs on the embedded PGlite.
// 1. Throughput: N synthetic message_created webhooks (4 entity changes each) at the given
//    concurrency; events/s from the first POST until the catalog committed every event.
// 2. Latency: a graphql-ws client subscribes to contact changes; contact_created webhooks are
//    posted one by one at `rate`/s; for each, the time from POST to the subscription message.
// Loopback only; bounded loops. Figures go to stdout and bench/out/kafka-e2e.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { postAll, postWebhook, startBenchStack } from './bench-stack';
import { privateBroker } from '../test/kafka-broker';
import { syntheticMessageWebhooks } from './synthetic-webhooks';

const { values } = parseArgs({
  options: {
    deliveries: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '16' },
    'latency-samples': { type: 'string', default: '200' },
    rate: { type: 'string', default: '20' },
  },
});
const deliveries = Number(values.deliveries);
const concurrency = Number(values.concurrency);
const samples = Number(values['latency-samples']);
const interval = 1000 / Number(values.rate);

const broker = process.env.KAFKA_BROKERS ? undefined : privateBroker('bench', 19492);
await broker?.up();
const brokers = process.env.KAFKA_BROKERS ?? broker!.brokers;
const bench = await startBenchStack({ KAFKA_BROKERS: brokers });
const t0 = performance.now();
const { events, rejected, ms: acceptedMs } = await postAll(bench.webhook, syntheticMessageWebhooks(deliveries), concurrency);
const drained = await bench.stack.drained(600_000);
const ingestedMs = performance.now() - t0;

// 2. latency POST → subscription delivery
const client = createClient({ url: bench.gateway.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
const sentAt = new Map<string, number>();
const latencies: number[] = [];
let allDelivered!: () => void;
const delivered = new Promise<void>((resolve) => (allDelivered = resolve));
const unsubscribe = client.subscribe(
  { query: 'subscription { entityChanged(filter: { types: ["contact"], operations: [CREATED] }) { urn entity { displayName } } }' },
  {
    next: (message) => {
      const urn = (message.data as { entityChanged: { urn: string } }).entityChanged.urn;
      const start = sentAt.get(urn);
      if (start !== undefined) latencies.push(performance.now() - start);
      if (latencies.length >= samples) allDelivered();
    },
    error: (error) => console.error('subscription error', error),
    complete: () => undefined,
  },
);
await new Promise((resolve) => setTimeout(resolve, 1_000));
for (let i = 0; i < samples; i++) {
  const id = 800_000 + i;
  sentAt.set(`dictamesh:chatwoot:account/12:contact:${id}`, performance.now());
  void postWebhook(bench.webhook, JSON.stringify({ event: 'contact_created', id, name: `Latency ${id}`, account: { id: 12 } }));
  await new Promise((resolve) => setTimeout(resolve, interval));
}
await Promise.race([delivered, new Promise((resolve) => setTimeout(resolve, 60_000))]);
unsubscribe();
await client.dispose();

latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
const report = {
  brokers,
  throughput: {
    deliveries,
    concurrency,
    rejected,
    events,
    drained,
    acceptSeconds: acceptedMs / 1000,
    endToEndSeconds: ingestedMs / 1000,
    endToEndEventsPerSecond: events / (ingestedMs / 1000),
  },
  subscriptionLatencyMs: {
    samples,
    received: latencies.length,
    p50: pct(50),
    p95: pct(95),
    p99: pct(99),
    max: latencies[latencies.length - 1],
  },
};
console.log('\nWebhook POST → Kafka → catalog row (embedded PGlite)');
console.log(`  ${deliveries} deliveries, ${events} events, concurrency ${concurrency}, ${rejected} rejected, drained: ${drained}`);
console.log(
  `  ${report.throughput.endToEndEventsPerSecond.toFixed(0)} events/s end to end (${report.throughput.endToEndSeconds.toFixed(2)} s)`,
);
console.log(`Webhook POST → subscription message (${latencies.length}/${samples} received, ${values.rate}/s)`);
console.log(`  p50 ${pct(50).toFixed(1)} ms  p95 ${pct(95).toFixed(1)} ms  p99 ${pct(99).toFixed(1)} ms`);
mkdirSync(new URL('./out', import.meta.url), { recursive: true });
writeFileSync(new URL('./out/kafka-e2e.json', import.meta.url), JSON.stringify(report, null, 2));
await bench.close();
await broker?.down();

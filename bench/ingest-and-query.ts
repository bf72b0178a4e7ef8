// Ingest rate and query latency of DictaMesh on its embedded default (PGlite + in-process bus).
//
//   npm run bench -- [--deliveries 2000] [--concurrency 16] [--queries 300]   (env BUS_PARTITIONS to vary the bus)
//
// 1. Starts the whole stack on loopback with a fresh data directory.
// 2. POSTs N synthetic Chatwoot message_created webhooks (each → 4 entity change events).
//    Reports webhook acceptance (deliveries/s, events/s) and the end-to-end ingest rate:
//    events/s from the first POST until the catalog has committed every event.
// 3. Sends the README's federated contact → conversations → messages query and a search
//    query through the gateway, sequentially, and reports p50/p95/p99 latency in ms.
// Figures go to stdout and bench/out/ingest-and-query.json. Loopback only; bounded loops.
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { postAll, startBenchStack } from './bench-stack';
import { syntheticMessageWebhooks } from './synthetic-webhooks';

const { values } = parseArgs({
  options: {
    deliveries: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '16' },
    queries: { type: 'string', default: '300' },
  },
});
const deliveries = Number(values.deliveries);
const concurrency = Number(values.concurrency);
const queries = Number(values.queries);

const bench = await startBenchStack(process.env.BUS_PARTITIONS ? { BUS_PARTITIONS: process.env.BUS_PARTITIONS } : {});
const { db } = bench;
const t0 = performance.now();
const { events, rejected, ms: accepted } = await postAll(bench.webhook, syntheticMessageWebhooks(deliveries), concurrency);
const drained = await bench.stack.drained(600_000);
const ingested = performance.now() - t0;
const rows = await db.prisma.eventLog.count();

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
async function latency(name: string, query: string, variables: Record<string, unknown>) {
  const times: number[] = [];
  for (let i = 0; i < queries; i++) {
    const start = performance.now();
    const response = await fetch(bench.gateway, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    const result = (await response.json()) as { errors?: unknown };
    if (result.errors) throw new Error(`${name} failed: ${JSON.stringify(result.errors)}`);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { name, runs: queries, p50: percentile(times, 50), p95: percentile(times, 95), p99: percentile(times, 99) };
}
const contactQuery = `query ($urn: ID!) { entity(urn: $urn) { urn displayName
  conversations: related(type: "WITH_CONTACT", direction: INCOMING) { urn attributes
    messages: related(type: "PART_OF", direction: INCOMING) { urn attributes } } } }`;
const results = [
  await latency('contact → conversations → messages', contactQuery, { urn: 'dictamesh:chatwoot:account/12:contact:90007' }),
  await latency('search(k: 10)', `query ($t: String!) { search(text: $t, k: 10) { score entity { urn displayName } } }`, {
    t: 'torn tent fly refund',
  }),
];

const report = {
  machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
  ingest: {
    deliveries,
    concurrency,
    rejected,
    events,
    eventLogRows: rows,
    drained,
    acceptSeconds: accepted / 1000,
    acceptDeliveriesPerSecond: deliveries / (accepted / 1000),
    endToEndSeconds: ingested / 1000,
    endToEndEventsPerSecond: events / (ingested / 1000),
  },
  queries: results,
  rssMiB: process.memoryUsage().rss / 2 ** 20,
};
console.log('\nIngest (webhook POST → catalog row, embedded default)');
console.log(`  ${deliveries} deliveries, ${events} events, concurrency ${concurrency}, ${rejected} rejected, drained: ${drained}`);
console.log(
  `  accepted in ${report.ingest.acceptSeconds.toFixed(2)} s (${report.ingest.acceptDeliveriesPerSecond.toFixed(0)} deliveries/s)`,
);
console.log(
  `  ingested in ${report.ingest.endToEndSeconds.toFixed(2)} s: ${report.ingest.endToEndEventsPerSecond.toFixed(0)} events/s end to end`,
);
console.log('Query latency through the gateway (sequential, ms)');
for (const r of results)
  console.log(`  ${r.name.padEnd(38)} p50 ${r.p50.toFixed(2)}  p95 ${r.p95.toFixed(2)}  p99 ${r.p99.toFixed(2)}  (${r.runs} runs)`);
console.log(`RSS ${report.rssMiB.toFixed(0)} MiB`);
mkdirSync(new URL('./out', import.meta.url), { recursive: true });
writeFileSync(new URL('./out/ingest-and-query.json', import.meta.url), JSON.stringify(report, null, 2));
await bench.close();

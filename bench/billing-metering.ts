// Billing metering throughput on the embedded default (PGlite), without the event bus:
//
//   npm run bench:billing-metering -- [--events 50000] [--orgs 100] [--batch 500]
//
// 1. Opens a fresh in-memory PGlite database with the schema and `orgs` organisations.
// 2. Pushes `events` dictamesh.usage.operation CloudEvents (spread over the organisations and
//    over March 2026) through recordUsage in batches of `batch` (one transaction each) and
//    reports events/s.
// 3. Replays the first 10 batches (all duplicates) and reports that rate.
// 4. Times aggregateUsage of one organisation over March (all metrics), 20 runs: p50 and max.
// Figures go to stdout and bench/out/billing-metering.json. Bounded loops only.
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { openDatabase } from '@dictamesh/db';
import { TOPICS, toDictaMeshEvent, type BusRecord } from '@dictamesh/events';
import { aggregateUsage } from '../subgraphs/billing/src/metering/aggregate';
import { recordUsage } from '../subgraphs/billing/src/metering/record-usage';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '50000' },
    orgs: { type: 'string', default: '100' },
    batch: { type: 'string', default: '500' },
  },
});
const events = Number(values.events);
const orgs = Number(values.orgs);
const batchSize = Number(values.batch);
const MARCH = { from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-04-01T00:00:00Z') };
const monthMs = MARCH.to.getTime() - MARCH.from.getTime();
const org = (i: number) => `org-${String(i % orgs).padStart(3, '0')}`;

function usageRecord(i: number): BusRecord {
  const occurredAt = new Date(MARCH.from.getTime() + Math.floor((i / events) * monthMs)).toISOString();
  const event = toDictaMeshEvent(
    TOPICS.operationUsage,
    {
      org: org(i),
      subject: `user-${i % 1_000}`,
      operationName: 'Contacts',
      operationType: 'query',
      cost: (i % 7) + 0.5,
      durationMs: 4,
      result: 'ok',
      errorCount: 0,
      occurredAt,
    },
    { id: `op-${i}`, source: '/dictamesh/gateway/bench', subject: org(i) },
  );
  return { topic: TOPICS.operationUsage, partition: 0, offset: i, key: org(i), event, headers: {}, timestamp: Date.parse(occurredAt) };
}

const db = await openDatabase({ dataDir: 'memory://' });
await db.prisma.organization.createMany({ data: Array.from({ length: orgs }, (_, i) => ({ id: org(i), name: org(i) })) });
const options = { now: () => new Date() };

// building (and schema-checking) the events is not metering: done before the clock starts
const batches: BusRecord[][] = [];
for (let from = 0; from < events; from += batchSize) {
  batches.push(Array.from({ length: Math.min(batchSize, events - from) }, (_, j) => usageRecord(from + j)));
}
let recorded = 0;
const t0 = performance.now();
for (const batch of batches) recorded += (await recordUsage(db.prisma, batch, options)).recorded;
const meterMs = performance.now() - t0;

const replayBatches = batches.slice(0, 10);
let duplicates = 0;
const t1 = performance.now();
for (const batch of replayBatches) duplicates += (await recordUsage(db.prisma, batch, options)).duplicates;
const replayMs = performance.now() - t1;

const times: number[] = [];
let usage: Record<string, string> = {};
for (let run = 0; run < 20; run++) {
  const start = performance.now();
  usage = await aggregateUsage(db.prisma, { orgId: org(0), ...MARCH });
  times.push(performance.now() - start);
}
times.sort((a, b) => a - b);
await db.close();

const round = (n: number) => Math.round(n * 10) / 10;
const result = {
  events,
  organisations: orgs,
  batchSize,
  recorded,
  usageRows: recorded * 2,
  meterMs: Math.round(meterMs),
  eventsPerSecond: Math.round((recorded / meterMs) * 1_000),
  replay: { events: duplicates, eventsPerSecond: Math.round((duplicates / replayMs) * 1_000) },
  aggregateOneOrgMonth: { runs: times.length, p50Ms: round(times[Math.floor(times.length / 2)]!), maxMs: round(times.at(-1)!), usage },
};
if (recorded !== events) throw new Error(`metered ${recorded} of ${events} events`);
console.log(JSON.stringify(result, null, 2));
mkdirSync(new URL('out/', import.meta.url), { recursive: true });
writeFileSync(new URL('out/billing-metering.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`);

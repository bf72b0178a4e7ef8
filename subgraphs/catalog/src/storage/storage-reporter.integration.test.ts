import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Database } from '@dictamesh/db';
import { deterministicEventId, InProcessEventBus, TOPICS, type BusRecord } from '@dictamesh/events';
import { createLogger } from '@dictamesh/runtime';
import { change, openCountingCatalog } from '../../test/catalog-db';
import { HashingEmbedder } from '../embeddings/hashing-embedder';
import { applyChanges } from '../ingest/apply-change';
import { startStorageReporter, type ReporterTimer } from './storage-reporter';

let db: Database;
const log = createLogger('catalog-test', 'silent');

beforeAll(async () => {
  ({ db } = await openCountingCatalog());
  const item = (org: string, n: number) => ({
    change: change({ urn: `dictamesh:crm:a/1:contact:${n}`, attributes: { name: `Contact ${n}`, note: 'x'.repeat(40 * n) } }),
    envelope: { id: `${org}-${n}`, type: 'dictamesh.entity.updated', source: '/crm', org },
  });
  // acme: 3 entities, globex: 1
  await applyChanges(db.prisma, new HashingEmbedder(), [item('acme', 1), item('acme', 2), item('acme', 3), item('globex', 1)]);
});
afterAll(() => db.close());

it('publishes the bytes of each organisation at start and at every interval, keyed by organisation', async () => {
  const bus = new InProcessEventBus({ partitions: 2, log });
  const received: BusRecord[] = [];
  const consumer = await bus.subscribe({
    groupId: 'storage-test',
    topics: [TOPICS.storageUsage],
    eachMessage: async (r) => void received.push(r),
  });
  const ticks: Array<() => void> = [];
  const timer: ReporterTimer = { setInterval: (cb) => ticks.push(cb), clearInterval: () => undefined };
  let clock = new Date('2026-03-10T12:00:00.000Z');
  const reporter = await startStorageReporter({ prisma: db.prisma, bus, log, now: () => clock, timer, intervalMs: 60_000 });

  const expected = await db.runner.query<{ org_id: string; bytes: string }>(
    `SELECT org_id, sum(b)::text AS bytes FROM (
       SELECT org_id, pg_column_size(c.*) AS b FROM dictamesh_entity_catalog c
       UNION ALL SELECT org_id, pg_column_size(l.*) FROM dictamesh_event_log l) s GROUP BY org_id ORDER BY org_id`,
  );
  const bytes = Object.fromEntries(expected.map((r) => [r.org_id, Number(r.bytes)]));
  expect(Object.keys(bytes)).toEqual(['acme', 'globex']);
  expect(bytes.acme).toBeGreaterThan(bytes.globex!);
  expect(bytes.globex).toBeGreaterThan(0);

  await waitFor(() => received.length === 3);
  const measuredAt = '2026-03-10T12:00:00.000Z';
  const byOrg = (records: BusRecord[]) => Object.fromEntries(records.map((r) => [r.key, r.event]));
  const first = byOrg(received);
  // `default` (an organisation without catalog rows) is reported with 0 bytes
  expect(Object.keys(first).sort()).toEqual(['acme', 'default', 'globex']);
  for (const org of ['acme', 'default', 'globex']) {
    expect(first[org]).toMatchObject({
      type: 'dictamesh.usage.storage',
      source: 'dictamesh:catalog',
      id: deterministicEventId('storage', org, measuredAt),
      subject: org,
      orgid: org,
      time: measuredAt,
      dataschema: 'urn:dictamesh:schema:storage-usage:1',
      data: { org, bytes: bytes[org] ?? 0, measuredAt },
    });
  }

  // next interval: a new measurement with its own ids
  clock = new Date('2026-03-10T13:00:00.000Z');
  expect(ticks).toHaveLength(1);
  ticks[0]!();
  await waitFor(() => received.length === 6);
  const second = byOrg(received.slice(3));
  expect(second.acme?.id).toBe(deterministicEventId('storage', 'acme', '2026-03-10T13:00:00.000Z'));
  expect(second.acme?.data).toEqual({ org: 'acme', bytes: bytes.acme, measuredAt: '2026-03-10T13:00:00.000Z' });

  await reporter.stop();
  await consumer.stop();
  await bus.close();
});

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

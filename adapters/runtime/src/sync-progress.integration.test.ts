import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { openDatabase, type Database } from '@dictamesh/db';
import { InProcessEventBus, TOPICS, type AdapterEvent, type Consumer } from '@dictamesh/events';
import { Keyring, LocalMasterKey } from '@dictamesh/secrets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startLocalServer, type LocalServer } from '../../../test/local-server';
import { AdapterHost } from './host';
import { AdapterKinds } from './kinds';

// A backfill of a rest-json source of 4 pages of 25 items (offset pagination saying its total)
// through the adapter runtime: its progress is recorded in `lastSync` and published as
// `sync.*` adapter events, in order. Time is the test's clock, moved 2 s by the source for every
// page it serves, so every page is reported and rate and ETA are exact.
const ADAPTERS = fileURLToPath(new URL('../..', import.meta.url));
const log = pino({ level: 'silent' });
const PAGE = 25;
const TOTAL = 100;
const START = Date.UTC(2026, 11, 1, 8, 0, 0);
let time = START;
let db: Database;
let source: LocalServer;
let host: AdapterHost;
let options: ConstructorParameters<typeof AdapterHost>[0];
let consumer: Consumer;
let failPage: number | null = null;
const bus = new InProcessEventBus({ partitions: 1 });
const events: AdapterEvent[] = [];

beforeAll(async () => {
  db = await openDatabase({ dataDir: 'memory://' });
  source = await startLocalServer();
  source.handle((req, res) => {
    const url = new URL(req.url ?? '/', source.url);
    const offset = url.searchParams.get('offset');
    if (offset === null) return json(res, 200, { items: [], total: TOTAL }); // initialize / health
    time += 2_000;
    if (failPage !== null && Number(offset) / PAGE + 1 === failPage) return json(res, 422, { error: 'boom' });
    const items = Array.from({ length: Math.max(0, Math.min(PAGE, TOTAL - Number(offset))) }, (_, i) => ({
      id: Number(offset) + i + 1,
      name: `item ${Number(offset) + i + 1}`,
    }));
    json(res, 200, { items, total: TOTAL });
  });
  consumer = await bus.subscribe({
    groupId: 'test',
    topics: [TOPICS.adapterEvent],
    fromBeginning: true,
    eachBatch: async (records) => void events.push(...records.map((r) => r.event.data as AdapterEvent)),
  });
  options = {
    prisma: db.prisma,
    bus,
    kinds: new AdapterKinds([ADAPTERS], log),
    secrets: { sealer: await Keyring.open(db.prisma, [LocalMasterKey.fromBase64(randomBytes(32).toString('base64'))]) },
    log,
    healthIntervalMs: 3_600_000,
    syncIntervalMs: 0,
    clock: () => time,
    outbound: { allowedHosts: ['127.0.0.1'] },
  };
  host = new AdapterHost(options);
});
afterAll(async () => {
  await host?.close();
  await consumer?.stop();
  await source?.close();
  await db?.close();
});

const config = () => ({
  baseUrl: source.url,
  source: 'inventory',
  timeoutMs: 5_000,
  resources: [
    {
      name: 'items',
      entityType: 'item',
      path: '/items',
      itemsPath: 'items',
      pagination: { style: 'offset', limit: PAGE, totalPath: 'total' },
    },
  ],
});
const syncEvents = (id: string) => events.filter((e) => e.adapterId === id && e.event.startsWith('sync.'));
const ended = (id: string) => syncEvents(id).some((e) => ['sync.completed', 'sync.failed', 'sync.cancelled'].includes(e.event));

describe('sync progress of the adapter runtime', () => {
  it('publishes a multi-page backfill: started, each page with entities, total, rate and ETA, then completed; lastSync holds the end', async () => {
    await host.register({ id: 'inv', kind: 'rest-json', config: config(), org: 'acme' });
    await expect.poll(() => ended('inv'), { timeout: 30_000 }).toBe(true);
    const seen = syncEvents('inv').map((e) => ({ event: e.event, ...e.progress }));
    const syncId = seen[0]!.syncId!;
    expect(syncId).toMatch(/^[0-9a-f-]{36}$/);
    const startedAt = new Date(START).toISOString();
    expect(seen).toEqual([
      {
        event: 'sync.started',
        syncId,
        phase: 'started',
        pages: 0,
        entities: 0,
        entitiesTotal: null,
        entitiesPerSecond: null,
        etaSeconds: null,
        startedAt,
      },
      // 25 entities per 2 s page: 12.5/s; ETA (100 - done) / 12.5
      ...[1, 2, 3, 4].map((page) => ({
        event: 'sync.progressed',
        syncId,
        phase: 'running',
        pages: page,
        entities: page * PAGE,
        entitiesTotal: TOTAL,
        entitiesPerSecond: 12.5,
        etaSeconds: (TOTAL - page * PAGE) / 12.5,
        startedAt,
      })),
      {
        event: 'sync.completed',
        syncId,
        phase: 'completed',
        pages: 4,
        entities: TOTAL,
        entitiesTotal: TOTAL,
        entitiesPerSecond: 12.5,
        etaSeconds: 0,
        startedAt,
      },
    ]);
    expect(syncEvents('inv').at(-1)!.sync).toEqual({ mode: 'backfill', resource: 'items', entities: TOTAL, pages: 4, durationMs: 8_000 });
    const row = (await db.prisma.adapterRegistration.findUnique({ where: { id: 'inv' } }))!;
    expect(row.lastSync).toMatchObject({
      syncId,
      phase: 'completed',
      mode: 'backfill',
      pages: 4,
      entities: TOTAL,
      entitiesTotal: TOTAL,
      durationMs: 8_000,
    });
    expect(row.lastSyncAt).not.toBeNull();
  });

  it('records a triggered sync as started before triggerSync returns, and a failing page as failed with its error', async () => {
    failPage = 3;
    const before = syncEvents('inv').length;
    await host.triggerSync('inv', 'backfill');
    const started = (await db.prisma.adapterRegistration.findUnique({ where: { id: 'inv' } }))!.lastSync as {
      syncId: string;
      phase: string;
    };
    expect(started.phase).toBe('started');
    await expect
      .poll(
        () =>
          syncEvents('inv')
            .slice(before)
            .some((e) => e.event === 'sync.failed'),
        { timeout: 30_000 },
      )
      .toBe(true);
    const run = syncEvents('inv').slice(before);
    expect(run.map((e) => [e.event, e.progress?.syncId, e.progress?.pages])).toEqual([
      ['sync.started', started.syncId, 0],
      ['sync.progressed', started.syncId, 1],
      ['sync.progressed', started.syncId, 2],
      ['sync.failed', started.syncId, 2],
    ]);
    expect(run.at(-1)!.error).toMatch(/422/);
    const row = (await db.prisma.adapterRegistration.findUnique({ where: { id: 'inv' } }))!;
    expect(row.lastSync).toMatchObject({ syncId: started.syncId, phase: 'failed', pages: 2, entities: 2 * PAGE });
    expect((row.lastSync as { error: string }).error).toMatch(/422/);
  });

  it('cancels a sync requested through another instance when the adapter is paused before it ran', async () => {
    const other = new AdapterHost({ ...options, instanceId: 'other-instance' });
    try {
      const before = syncEvents('inv').length;
      const requested = await other.triggerSync('inv', 'incremental'); // not run here: recorded as requested
      const pending = requested.lastSync as { syncId: string; phase: string; pages: number };
      expect([requested.syncRequested, pending.phase, pending.pages]).toEqual(['incremental', 'started', 0]);
      await other.pause('inv');
      const row = (await db.prisma.adapterRegistration.findUnique({ where: { id: 'inv' } }))!;
      expect([row.syncRequested, (row.lastSync as { phase: string }).phase]).toEqual([null, 'cancelled']);
      await expect
        .poll(
          () =>
            syncEvents('inv')
              .slice(before)
              .map((e) => [e.event, e.progress?.syncId]),
          { timeout: 10_000 },
        )
        .toEqual([['sync.cancelled', pending.syncId]]);
    } finally {
      await other.close();
    }
  });
});

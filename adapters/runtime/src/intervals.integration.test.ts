import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { openDatabase, type Database } from '@dictamesh/db';
import { InProcessEventBus } from '@dictamesh/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startLocalServer, type LocalServer } from '../../../test/local-server';
import { AdapterHost } from './host';
import { AdapterKinds } from './kinds';
import { Keyring, LocalMasterKey } from '@dictamesh/secrets';

// The health check and re-sync periods of a running host change without a restart (DictaMesh's
// `health.intervalMs` / `sync.intervalMs` settings, applied by the config client).
const ADAPTERS = fileURLToPath(new URL('../..', import.meta.url));
const WAIT = { timeout: 30_000 };
let db: Database;
let source: LocalServer;
let host: AdapterHost;
const bus = new InProcessEventBus();

beforeAll(async () => {
  db = await openDatabase({ dataDir: 'memory://' });
  source = await startLocalServer();
  source.handle((_req, res) => json(res, 200, [{ id: 1, name: 'item' }]));
  host = new AdapterHost({
    prisma: db.prisma,
    bus,
    kinds: new AdapterKinds([ADAPTERS], pino({ level: 'silent' })),
    secrets: { sealer: await Keyring.open(db.prisma, [LocalMasterKey.fromBase64(randomBytes(32).toString('base64'))]) },
    log: pino({ level: 'silent' }),
    healthIntervalMs: 3_600_000,
    syncIntervalMs: 0,
    outbound: { allowedHosts: ['127.0.0.1'] },
  });
});
afterAll(async () => {
  await host?.close();
  await source?.close();
  await db?.close();
  await bus.close();
});

const reads = () => source.requests.filter((r) => r.url === '/items').length;
const registration = () => db.prisma.adapterRegistration.findUniqueOrThrow({ where: { id: 'inv' } });

describe('adapter host intervals', () => {
  it('re-syncs on a sync period set while it runs, and checks health on a new health period', async () => {
    await host.register({
      id: 'inv',
      kind: 'rest-json',
      config: { baseUrl: source.url, source: 'inventory', resources: [{ name: 'items', entityType: 'item', path: '/items' }] },
    });
    await expect.poll(async () => (await registration()).lastSyncAt, WAIT).not.toBeNull(); // the backfill, then no periodic sync
    const afterBackfill = reads();
    expect(host.currentIntervals).toEqual({ healthIntervalMs: 3_600_000, syncIntervalMs: 0 });

    host.updateIntervals({ syncIntervalMs: 100 });
    expect(host.currentIntervals).toEqual({ healthIntervalMs: 3_600_000, syncIntervalMs: 100 });
    await expect.poll(reads, WAIT).toBeGreaterThanOrEqual(afterBackfill + 2);

    const checkedAt = (await registration()).checkedAt!.getTime();
    host.updateIntervals({ healthIntervalMs: 100, syncIntervalMs: 0 });
    await expect.poll(async () => (await registration()).checkedAt!.getTime(), WAIT).toBeGreaterThan(checkedAt);

    expect(() => host.updateIntervals({ healthIntervalMs: 50 })).toThrow(RangeError);
    expect(() => host.updateIntervals({ syncIntervalMs: -1 })).toThrow(RangeError);
    expect(host.currentIntervals).toEqual({ healthIntervalMs: 100, syncIntervalMs: 0 });
  });
});

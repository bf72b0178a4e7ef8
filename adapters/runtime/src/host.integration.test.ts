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
import type { AdapterSecretKeys } from './adapter-secrets';

// Two adapter runtime instances (two hosts) on one database: each adapter runs in exactly one of them.
const ADAPTERS = fileURLToPath(new URL('../..', import.meta.url));
const log = pino({ level: 'silent' });
// Leases expire on this test's clock, which moves only when the test moves it, and they are long
// besides: no lease decision depends on how fast a busy machine runs the test (a 600 ms lease on
// the wall clock once expired mid-test in CI). No reconciliation timer runs (no `startAll`): each
// round is the test's own `reconcile()`; health checks and periodic syncs are out of reach.
const LEASE_MS = 30_000;
/** Bound of each wait on something a sync does (it talks HTTP to the loopback source). */
const SYNC_WAIT = { timeout: 30_000 };
let time = Date.now();
const clock = () => time;
let db: Database;
let source: LocalServer;
const bus = new InProcessEventBus();
let secrets: AdapterSecretKeys;
const hosts: AdapterHost[] = [];

const host = (instanceId: string) => {
  const created = new AdapterHost({
    prisma: db.prisma,
    bus,
    kinds: new AdapterKinds([ADAPTERS], log),
    secrets,
    log,
    healthIntervalMs: 3_600_000,
    syncIntervalMs: 0,
    leaseMs: LEASE_MS,
    instanceId,
    clock,
    outbound: { allowedHosts: ['127.0.0.1'] }, // the source stands in on loopback
  });
  hosts.push(created);
  return created;
};
const config = (path: string) => ({
  baseUrl: source.url,
  source: 'inventory',
  resources: [{ name: 'items', entityType: 'item', path }],
});
const requestsTo = (path: string) => source.requests.filter((r) => r.url === path).length;
const owner = async (id: string) => (await db.prisma.adapterRegistration.findUnique({ where: { id } }))?.leaseOwner ?? null;

beforeAll(async () => {
  db = await openDatabase({ dataDir: 'memory://' });
  secrets = { sealer: await Keyring.open(db.prisma, [LocalMasterKey.fromBase64(randomBytes(32).toString('base64'))]) };
  source = await startLocalServer();
  source.handle((req, res) => json(res, 200, [{ id: 1, name: `item from ${req.url}` }]));
});
afterAll(async () => {
  for (const h of hosts) await h.close();
  await source.close();
  await db.close();
});

describe('adapter leases across runtime instances', () => {
  it('runs a registration on one instance; pause, update, sync requests and resume made on another reach it', async () => {
    const a = host('instance-a');
    const b = host('instance-b');
    await a.reconcile();
    await b.reconcile();

    await a.register({ id: 'inv', kind: 'rest-json', config: config('/items') });
    await b.reconcile();
    expect([a.runsHere('inv'), b.runsHere('inv')]).toEqual([true, false]);
    expect(await owner('inv')).toBe('instance-a');

    // a configuration change through B: A restarts with it on its next round
    await b.update('inv', config('/items-v2'));
    expect(b.runsHere('inv')).toBe(false);
    await a.reconcile();
    expect(a.runsHere('inv')).toBe(true);
    await expect.poll(() => requestsTo('/items-v2'), SYNC_WAIT).toBeGreaterThan(0); // the restart's backfill reads the new path
    // a sync asked for through B runs on A
    const before = requestsTo('/items-v2');
    await b.triggerSync('inv', 'incremental');
    await a.reconcile();
    await expect.poll(() => requestsTo('/items-v2'), SYNC_WAIT).toBeGreaterThan(before);

    // paused through B: A stops on its next round; resumed through B: B takes it
    await b.pause('inv');
    await a.reconcile();
    expect(a.runsHere('inv')).toBe(false);
    await b.resume('inv');
    await a.reconcile();
    expect([a.runsHere('inv'), b.runsHere('inv')]).toEqual([false, true]);
    expect(await owner('inv')).toBe('instance-b');
  });

  it('hands an adapter over at once on shutdown, and after the lease expires when its owner died', async () => {
    const [a, b] = hosts as [AdapterHost, AdapterHost];
    await b.close(); // releases its leases
    await a.reconcile();
    expect(a.runsHere('inv')).toBe(true);

    // an owner that died without releasing: nobody runs the adapter until its lease runs out
    await a.close();
    await db.prisma.adapterRegistration.update({
      where: { id: 'inv' },
      data: { leaseOwner: 'crashed-instance', leaseExpiresAt: new Date(time + LEASE_MS) },
    });
    const c = host('instance-c');
    await c.reconcile();
    expect(c.runsHere('inv')).toBe(false);
    time += LEASE_MS + 1;
    await c.reconcile();
    expect(c.runsHere('inv')).toBe(true);
    expect(await owner('inv')).toBe('instance-c');

    // removed through another instance: the owner stops it
    const d = host('instance-d');
    await d.remove('inv');
    await c.reconcile();
    expect(c.runsHere('inv')).toBe(false);
  });
});

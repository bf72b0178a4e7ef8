import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { openDatabase, type Database } from '@dictamesh/db';
import { InProcessEventBus } from '@dictamesh/events';
import { composeSupergraph, createGatewayService, type GatewayService } from '@dictamesh/gateway';
import { createLogger, DictaMeshError, GatewayTokens, type Principal } from '@dictamesh/runtime';
import type { SecretSealer } from '@dictamesh/secrets';
import { createConfigService, type ConfigService } from '@dictamesh/subgraph-config';
import { writeConfig, type WriteActor } from '../subgraphs/config/src/store/write';

// The config subgraph behind a gateway on the in-process bus: `configChanged` over graphql-ws
// (history through the supergraph as the subscriber, then live changes from the relay's events).
const logger = createLogger('test', 'silent');
const tokens = new GatewayTokens(randomBytes(32).toString('base64'));
const CONFIG_SDL = fileURLToPath(new URL('../schemas/subgraphs/config.graphql', import.meta.url));
/** The catalog's SDL (the gateway's own `entityChanged` needs its Entity); nothing listens at its URL, no test asks it. */
const CATALOG_SDL = fileURLToPath(new URL('../schemas/subgraphs/catalog.graphql', import.meta.url));
const principals: Record<string, Principal> = {
  acme: { subject: 'ann@acme', org: 'acme', scopes: ['config:read'], method: 'jwt' },
  globex: { subject: 'gus@globex', org: 'globex', scopes: ['config:read'], method: 'jwt' },
  nobody: { subject: 'eve@acme', org: 'acme', scopes: [], method: 'jwt' },
};
const actor: WriteActor = { subject: 'ops', method: 'jwt', requestId: null, ip: null, userAgent: null };
const sealer: SecretSealer = {
  seal: () => Promise.reject(new Error('no secrets here')),
  open: () => Promise.reject(new Error('no secrets here')),
};

let db: Database;
let bus: InProcessEventBus;
let config: ConfigService;
let gateway: GatewayService;
let gatewayUrl: string;
const clients: Client[] = [];

beforeAll(async () => {
  db = await openDatabase({ dataDir: 'memory://' });
  bus = new InProcessEventBus();
  config = await createConfigService({
    db,
    bus,
    logger,
    introspection: false,
    gatewayTokens: tokens,
    secrets: sealer,
    historyKeepVersions: 2,
    compactionIntervalMs: 0,
    watcherPurgeIntervalMs: 0,
  });
  await config.app.listen({ host: '127.0.0.1', port: 0 });
  const subgraphs = [
    { name: 'catalog', url: 'http://127.0.0.1:9/graphql', sdlPath: CATALOG_SDL },
    { name: 'config', url: `http://127.0.0.1:${(config.app.server.address() as AddressInfo).port}/graphql`, sdlPath: CONFIG_SDL },
  ];
  gateway = await createGatewayService({
    supergraphSdl: composeSupergraph(subgraphs),
    subgraphs,
    logger,
    introspection: false,
    subscriptions: { bus, appliedByGroup: 'catalog', groupId: 'gateway-config-test' },
    auth: {
      authenticate: async (headers) => {
        const principal = principals[String(headers['x-test-principal'])];
        if (!principal) throw new DictaMeshError('UNAUTHENTICATED');
        return principal;
      },
      tokens,
    },
  });
  await gateway.app.listen({ host: '127.0.0.1', port: 0 });
  gatewayUrl = `ws://127.0.0.1:${(gateway.app.server.address() as AddressInfo).port}/graphql`;
});
afterAll(async () => {
  for (const client of clients) await client.dispose();
  await gateway?.close();
  await config?.close();
  await bus?.close();
  await db?.close();
});

const scope = (orgId: string | null) => ({ orgId, environment: '', service: '', component: '' });
/** Sets a value the way `setConfig` does; returns its revision. */
async function set(orgId: string | null, key: string, value: unknown): Promise<string> {
  const entry = await writeConfig(config.services, actor, { scope: scope(orgId), key, operation: 'SET', value });
  return entry.revision.toString();
}

interface Change {
  revision: string;
  type: string;
  key: string | null;
  value: unknown;
  scope: { path: string } | null;
}
const SUBSCRIPTION = /* GraphQL */ `
  subscription ($scope: ConfigScopeInput, $prefix: String, $after: ID) {
    configChanged(scope: $scope, prefix: $prefix, afterRevision: $after) {
      revision
      type
      key
      value
      scope {
        path
      }
    }
  }
`;

/** One subscription: what it received, its error (the GraphQL errors it failed with), and its end. */
function subscribe(who: string, variables: Record<string, unknown>) {
  const client = createClient({
    url: gatewayUrl,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: { 'x-test-principal': who },
  });
  clients.push(client);
  const received: Change[] = [];
  const state: { errors?: { message: string; extensions?: { code?: string } }[]; done: boolean } = { done: false };
  const stop = client.subscribe(
    { query: SUBSCRIPTION, variables },
    {
      next: (message) => {
        if (message.errors) state.errors = message.errors as typeof state.errors;
        if (message.data) received.push((message.data as { configChanged: Change }).configChanged);
      },
      error: (error) => {
        state.errors = Array.isArray(error)
          ? error
          : [{ message: String((error as { code?: number; reason?: string }).code) + ' ' + String((error as { reason?: string }).reason) }];
        state.done = true;
      },
      complete: () => void (state.done = true),
    },
  );
  return { received, state, stop };
}

/** The log's current revision, as a watcher reads it before subscribing. */
async function currentRevision(): Promise<string> {
  const rows = await db.prisma.configVersion.aggregate({ _max: { revision: true } });
  return (rows._max.revision ?? 0n).toString();
}

/** Waits (bounded) until the gateway counts `count` open subscriptions. */
async function subscriptionsOpen(count: number) {
  const url = gatewayUrl.replace(/^ws/, 'http').replace(/\/graphql$/, '/metrics');
  await expect
    .poll(async () => Number(/^dictamesh_gateway_subscriptions (\d+)$/m.exec(await (await fetch(url)).text())?.[1]), { timeout: 10_000 })
    .toBe(count);
}

/** Lets anything that must NOT arrive have the chance to (after what must arrive did). */
const settle = async () => {
  await config.relay.flush();
  await new Promise((resolve) => setTimeout(resolve, 300));
};

describe('configChanged through the gateway', () => {
  it('gives a subscriber that disconnected exactly the three changes it missed, in order, when it resumes', async () => {
    const start = await currentRevision();
    const first = subscribe('acme', { prefix: 'app.', after: start });
    await subscriptionsOpen(1);
    const r1 = await set('acme', 'app.mode', 'one');
    await expect.poll(() => first.received.map((c) => c.revision), { timeout: 10_000 }).toEqual([r1]);
    first.stop();
    await subscriptionsOpen(0);

    const missed = [await set('acme', 'app.mode', 'two'), await set('acme', 'app.limit', 3), await set('acme', 'app.mode', 'four')];
    await set('acme', 'other.key', 'not under the prefix');
    await set('globex', 'app.mode', 'another organisation');
    await config.relay.flush();

    const resumed = subscribe('acme', { prefix: 'app.', after: r1 });
    await expect.poll(() => resumed.received.length, { timeout: 10_000 }).toBe(3);
    expect(resumed.received).toEqual([
      { revision: missed[0], type: 'SET', key: 'app.mode', value: 'two', scope: { path: 'org:acme' } },
      { revision: missed[1], type: 'SET', key: 'app.limit', value: 3, scope: { path: 'org:acme' } },
      { revision: missed[2], type: 'SET', key: 'app.mode', value: 'four', scope: { path: 'org:acme' } },
    ]);
    // then live, each change once (history and the live event of the same revision are one)
    const r5 = await set('acme', 'app.limit', 5);
    await expect.poll(() => resumed.received.length, { timeout: 10_000 }).toBe(4);
    await settle();
    expect(resumed.received.map((c) => c.revision)).toEqual([...missed, r5]);
    expect(resumed.received[3]).toMatchObject({ key: 'app.limit', value: 5 });
    resumed.stop();
    await subscriptionsOpen(0);
  });

  it("never shows one organisation's changes to another's subscriber; both see the platform's", async () => {
    const start = await currentRevision();
    const acme = subscribe('acme', { after: start });
    const globex = subscribe('globex', { after: start });
    await subscriptionsOpen(2);
    const a = await set('acme', 'tenant.secretish', 'acme only');
    const g = await set('globex', 'tenant.secretish', 'globex only');
    const p = await set(null, 'platform.banner', 'hello');
    await expect.poll(() => acme.received.length + globex.received.length, { timeout: 10_000 }).toBe(4);
    await settle();
    // the organisation's and the platform's changes travel under different bus keys: compare in revision order
    const byRevision = (changes: Change[]) => [...changes].sort((x, y) => Number(x.revision) - Number(y.revision));
    expect(byRevision(acme.received).map((c) => [c.revision, c.scope?.path, c.value])).toEqual([
      [a, 'org:acme', 'acme only'],
      [p, 'platform', 'hello'],
    ]);
    expect(byRevision(globex.received).map((c) => [c.revision, c.scope?.path, c.value])).toEqual([
      [g, 'org:globex', 'globex only'],
      [p, 'platform', 'hello'],
    ]);
    // the history a late subscriber of globex reads is filtered the same way
    const late = subscribe('globex', { after: start });
    await expect.poll(() => late.received.length, { timeout: 10_000 }).toBe(2);
    expect(late.received.map((c) => c.revision)).toEqual([g, p]);
    for (const s of [acme, globex, late]) s.stop();
    await subscriptionsOpen(0);
  });

  it('tells a subscriber resuming from before compacted history to re-read (RESYNC), then goes on live', async () => {
    const before = await currentRevision();
    for (const value of [1, 2, 3]) await set('acme', 'compact.me', value);
    await config.relay.flush();
    const compaction = await config.compactHistory(); // keeps 2 versions per entry
    expect(compaction.compactedRevision).toBeGreaterThan(BigInt(before));
    const current = await currentRevision();
    const watcher = subscribe('acme', { after: before });
    await expect.poll(() => watcher.received.length, { timeout: 10_000 }).toBe(1);
    expect(watcher.received[0]).toEqual({ revision: current, type: 'RESYNC', key: null, value: null, scope: null });
    const next = await set('acme', 'compact.me', 4);
    await expect.poll(() => watcher.received.map((c) => c.revision), { timeout: 10_000 }).toEqual([current, next]);
    watcher.stop();
    await subscriptionsOpen(0);
  });

  it('fails the subscription with the history’s coded error: a future revision, the platform scope, a missing scope', async () => {
    const future = subscribe('acme', { after: '999999' });
    await expect.poll(() => future.state.errors, { timeout: 10_000 }).toBeDefined();
    expect(future.state.errors!.map((e) => e.extensions?.code)).toEqual(['CONFIG_REVISION_FUTURE']);
    const platform = subscribe('acme', { scope: { platform: true } });
    await expect.poll(() => platform.state.errors, { timeout: 10_000 }).toBeDefined();
    expect(platform.state.errors!.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    const unscoped = subscribe('nobody', {});
    await expect.poll(() => unscoped.state.errors, { timeout: 10_000 }).toBeDefined();
    expect(unscoped.state.errors!.map((e) => e.extensions?.code)).toEqual(['UNAUTHORIZED']);
    expect(future.received.length + platform.received.length + unscoped.received.length).toBe(0);
    await subscriptionsOpen(0); // a failed subscription leaves no listener behind
  });
});

import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createClient, type Client } from 'graphql-sse';
import { createClient as createWsClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapterCommand } from '../cli/src/commands/adapter';
import { isCommanderStop } from '../cli/src/shell/command';
import type { CliIo } from '../cli/src/shell/io';
import { json, startLocalServer, type LocalServer } from '../test/local-server';
import { startTestStack, tempDataDir, type FullStack } from './harness/harness';
import { orgToken } from './harness/identities';

// Backfill progress through the gateway, on the embedded stack: a rest-json adapter of acme reads
// a loopback source of 4 pages of 25 items (offset pagination saying its total). The test holds
// each page until it has seen the previous one reported, so every page shows in
// `adapterSyncProgress` (graphql-sse) with growing pages and entities, then the run completes
// with the source's totals. Another organisation subscribing to the adapter is told NOT_FOUND.
// `dictamesh adapter sync` then runs a backfill to its end (exit 0) and one that fails (exit 1).
const SECRET = 'test-jwt-secret-adapter-sync-progress-0123456789';
const ADAPTERS_DIR = fileURLToPath(new URL('../adapters', import.meta.url));
const PAGE = 25;
const TOTAL = 100;
const dataDir = tempDataDir();
let stack: FullStack;
let source: LocalServer;
const clients: Array<Pick<Client, 'dispose'>> = [];

/** The source: empty until `paged`; then pages 1…`released` are served at once, later ones wait to be released. */
const serving = { paged: false, released: 1, failPage: null as number | null, waiting: [] as Array<() => void> };
const release = (upTo: number) => {
  serving.released = Math.max(serving.released, upTo);
  for (const resume of serving.waiting.splice(0)) resume();
};

interface Progress {
  adapterId: string;
  syncId: string | null;
  mode: string;
  phase: string;
  pages: number;
  entities: number;
  entitiesTotal: number | null;
  entitiesPerSecond: number | null;
  etaSeconds: number | null;
  error: string | null;
}
const FIELDS = 'adapterId syncId mode phase pages entities entitiesTotal entitiesPerSecond etaSeconds error';

/** Runs an operation through the gateway as an administrator of `org` (or with `scope`). */
async function as<T>(org: string, query: string, variables: Record<string, unknown> = {}, scope = 'dictamesh:admin') {
  const response = await fetch(stack.urls.gateway, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await orgToken(SECRET, org, scope)}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: T | null; errors?: Array<{ message: string; extensions?: { code?: string } }> };
}

/** `adapterSyncProgress(id)` over graphql-sse as a reader of `org`: the messages, errors, and whether it completed. */
function follow(org: string, id: string, onMessage: (p: Progress) => void = () => undefined) {
  const state = { received: [] as Progress[], errors: [] as string[], completed: false };
  const client = createClient({
    url: `${stack.urls.gateway}/stream`,
    retryAttempts: 0,
    headers: async () => ({ authorization: `Bearer ${await orgToken(SECRET, org, 'adapters:read')}` }),
  });
  clients.push(client);
  client.subscribe<{ adapterSyncProgress: Progress }>(
    { query: `subscription ($id: ID!) { adapterSyncProgress(id: $id) { ${FIELDS} } }`, variables: { id } },
    {
      next: (message) => {
        for (const error of message.errors ?? []) state.errors.push(String(error.extensions?.['code'] ?? error.message));
        if (message.data) {
          state.received.push(message.data.adapterSyncProgress);
          onMessage(message.data.adapterSyncProgress);
        }
      },
      error: (error) => void state.errors.push(String(error)),
      complete: () => void (state.completed = true),
    },
  );
  return state;
}

/** `adapterSyncProgress(id)` over graphql-ws as a reader of `org`, as {@link follow} reports it. */
function followWs(org: string, id: string) {
  const state = { received: [] as Progress[], errors: [] as string[], completed: false };
  const client = createWsClient({
    url: stack.urls.gateway.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: async () => ({ authorization: `Bearer ${await orgToken(SECRET, org, 'adapters:read')}` }),
  });
  clients.push(client);
  client.subscribe<{ adapterSyncProgress: Progress }>(
    { query: `subscription ($id: ID!) { adapterSyncProgress(id: $id) { ${FIELDS} } }`, variables: { id } },
    {
      next: (message) => {
        for (const error of message.errors ?? []) state.errors.push(String(error.extensions?.['code'] ?? error.message));
        if (message.data) state.received.push(message.data.adapterSyncProgress);
      },
      error: (error) => void state.errors.push(Array.isArray(error) ? String(error[0]?.extensions?.code) : String(error)),
      complete: () => void (state.completed = true),
    },
  );
  return state;
}

/** Runs `dictamesh adapter sync <args>` in-process as an administrator of `org`, output captured. */
async function cli(org: string, args: string[]) {
  const run = { code: undefined as number | undefined, out: '', err: '' };
  const io: CliIo = {
    out: (text) => void (run.out += text),
    err: (text) => void (run.err += text),
    readFile: () => {
      throw new Error('no files');
    },
    exit: (code) => void (run.code = code),
  };
  const token = await orgToken(SECRET, org, 'dictamesh:admin');
  await adapterCommand(io)
    .parseAsync(['sync', ...args, '--gateway', stack.urls.gateway, '--token', token], { from: 'user' })
    .catch((error: unknown) => {
      if (!isCommanderStop(error)) throw error;
    });
  return run;
}

const lastSync = async (id: string) =>
  (
    await as<{ adapter: { lastSync: { syncId: string; phase: string; entities: number } | null } | null }>(
      'acme',
      'query ($id: ID!) { adapter(id: $id) { lastSync { syncId phase entities } } }',
      { id },
    )
  ).data?.adapter?.lastSync ?? null;

beforeAll(async () => {
  source = await startLocalServer();
  source.handle(async (req, res) => {
    const offset = new URL(req.url ?? '/', source.url).searchParams.get('offset');
    if (!serving.paged || offset === null) return json(res, 200, { items: [], total: 0 }); // the first backfill, health checks
    const page = Number(offset) / PAGE + 1;
    while (page > serving.released) await new Promise<void>((resume) => serving.waiting.push(resume));
    if (page === serving.failPage) return json(res, 422, { error: 'page refused' });
    const items = Array.from({ length: Math.max(0, Math.min(PAGE, TOTAL - Number(offset))) }, (_, i) => ({
      id: Number(offset) + i + 1,
      name: `item ${Number(offset) + i + 1}`,
    }));
    json(res, 200, { items, total: TOTAL });
  });
  stack = await startTestStack(
    dataDir,
    {},
    {
      JWT_SECRET: SECRET,
      AUTH_ANONYMOUS_SCOPES: '',
      DICTAMESH_ADAPTER_DIRS: ADAPTERS_DIR,
      ADAPTER_ALLOWED_HOSTS: '127.0.0.1',
      ADAPTER_SYNC_INTERVAL_MS: '0',
    },
  );
});
afterAll(async () => {
  for (const client of clients) client.dispose();
  release(Number.POSITIVE_INFINITY);
  await stack?.close();
  await source?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('adapterSyncProgress through the gateway (graphql-sse)', () => {
  it('registers a rest-json adapter of acme whose first backfill (of the source still empty) completes', async () => {
    const registered = await as('acme', 'mutation ($input: RegisterAdapterInput!) { registerAdapter(input: $input) { id } }', {
      input: {
        id: 'inv',
        kind: 'rest-json',
        config: {
          baseUrl: source.url,
          source: 'inventory',
          timeoutMs: 30_000,
          resources: [
            {
              name: 'items',
              entityType: 'item',
              path: '/items',
              itemsPath: 'items',
              pagination: { style: 'offset', limit: PAGE, totalPath: 'total' },
            },
          ],
        },
      },
    });
    expect(registered.errors).toBeUndefined();
    // the backfill that follows registration reads the empty source and completes
    await expect.poll(async () => (await lastSync('inv'))?.phase, { timeout: 30_000 }).toBe('COMPLETED');
    serving.paged = true;
  });

  it('follows a triggered BACKFILL page by page to its completion with the source totals', async () => {
    const triggered = await as<{ triggerSync: { lastSync: { syncId: string; phase: string } } }>(
      'acme',
      'mutation { triggerSync(id: "inv", mode: BACKFILL) { lastSync { syncId phase } } }',
    );
    expect(triggered.errors).toBeUndefined();
    const { syncId } = triggered.data!.triggerSync.lastSync;
    // each page is let through once the one before it was reported
    const state = follow('acme', 'inv', (p) => release(p.pages + 1));
    await expect.poll(() => state.completed, { timeout: 60_000 }).toBe(true);
    expect(state.errors).toEqual([]);
    const { received } = state;
    expect(received.every((p) => p.adapterId === 'inv' && p.syncId === syncId && p.mode === 'BACKFILL')).toBe(true);
    const running = received.filter((p) => p.phase === 'RUNNING');
    // pages 1 to 3 each reported before the next was let through; page 4's report may be overtaken by the end (at most one a second)
    expect(running.map((p) => p.pages).slice(0, 3)).toEqual([1, 2, 3]);
    expect(running.length).toBeLessThanOrEqual(4);
    expect(received.map((p) => p.pages)).toEqual([...received.map((p) => p.pages)].sort((x, y) => x - y));
    for (const p of running) expect([p.entities, p.entitiesTotal]).toEqual([p.pages * PAGE, TOTAL]);
    for (const p of running) {
      expect(p.entitiesPerSecond).toBeGreaterThan(0);
      expect(p.etaSeconds).toBeGreaterThanOrEqual(0);
    }
    expect(received.at(-1)).toMatchObject({
      phase: 'COMPLETED',
      pages: 4,
      entities: TOTAL,
      entitiesTotal: TOTAL,
      etaSeconds: 0,
      error: null,
    });
    expect(received.filter((p) => p.phase === 'COMPLETED')).toHaveLength(1);
  });

  it("refuses another organisation's adapter and an unknown one with NOT_FOUND", async () => {
    const other = follow('globex', 'inv');
    const unknown = follow('acme', 'no-such-adapter');
    await expect.poll(() => [other.errors, unknown.errors], { timeout: 15_000 }).toEqual([['NOT_FOUND'], ['NOT_FOUND']]);
    expect([other.received, unknown.received]).toEqual([[], []]);
  });

  it('a late subscriber gets where the latest run ended, then the subscription completes (graphql-sse and graphql-ws)', async () => {
    const late = follow('acme', 'inv');
    const overWs = followWs('acme', 'inv');
    const otherOverWs = followWs('globex', 'inv');
    await expect.poll(() => [late.completed, overWs.completed], { timeout: 15_000 }).toEqual([true, true]);
    expect(late.received.map((p) => [p.phase, p.pages, p.entities])).toEqual([['COMPLETED', 4, TOTAL]]);
    expect(overWs.received).toEqual(late.received);
    await expect.poll(() => otherOverWs.errors, { timeout: 15_000 }).toEqual(['NOT_FOUND']);
    expect(otherOverWs.received).toEqual([]);
  });
});

describe('dictamesh adapter sync against the stack', () => {
  it('follows a backfill to its end and exits 0 with a summary; a failing one exits 1 with its error line', async () => {
    release(Number.POSITIVE_INFINITY);
    const done = await cli('acme', ['inv', '--mode', 'BACKFILL']);
    // standard error is no terminal here: one line per message, the last the end
    expect(done.err.trim().split('\n').at(-1)).toMatch(/^inv completed: 100\/100 entities \(100%\) · 4 pages · [\d.]+\/s · ETA 0s$/);
    expect(done.out).toMatch(/^inv: backfill sync completed: 100 entities, 4 pages in \d+s\n$/);
    expect(done.code).toBe(0);

    serving.failPage = 3;
    const failed = await cli('acme', ['inv', '--mode', 'BACKFILL']);
    expect(failed.code).toBe(1);
    expect(failed.err.trim().split('\n').at(-1)).toMatch(/^error SYNC_FAILED: inv: .*422/);
    expect(await lastSync('inv')).toMatchObject({ phase: 'FAILED', entities: 2 * PAGE });

    const refused = await cli('globex', ['inv']);
    expect(refused.code).toBe(1);
    expect(refused.err.split('\n')[0]).toBe('error NOT_FOUND: No adapter "inv"');
  });
});

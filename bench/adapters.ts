// Source adapter throughput, without the event bus (publish = count), on loopback:
//
//   npm run bench:adapters -- [--rows 50000] [--updates 20000] [--records 20000] [--batch 1000]
//
// 1. postgres-table against a real PostgreSQL (POSTGRES_URL: a superuser on a server with
//    wal_level=logical; otherwise a private one from scripts/postgres.sh on 127.0.0.1:55492):
//    snapshot of `rows` rows (keyset pages of `batch`), then `updates` row updates in 20
//    transactions streamed from the replication slot (peek, decode, map, acknowledge).
// 2. rest-json against a loopback JSON API with cursor pagination (100 per page): backfill of
//    `records` records.
// Figures (rows/s, ms, peak RSS) go to stdout and bench/out/adapters.json. Bounded loops only.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { MemoryCheckpointStore, parseAdapterConfig, runSync, type StreamingAdapter } from '@dictamesh/adapter-sdk';
import postgresTable from '../adapters/postgres-table/src/definition';
import restJson from '../adapters/rest-json/src/definition';
import { json, startLocalServer } from '../test/local-server';
import { createScratchDatabase } from '../test/postgres-database';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '50000' },
    updates: { type: 'string', default: '20000' },
    records: { type: 'string', default: '20000' },
    batch: { type: 'string', default: '1000' },
  },
});
const rows = Number(values.rows);
const updates = Math.min(Number(values.updates), rows);
const records = Number(values.records);
const batchSize = Number(values.batch);
const log = pino({ level: 'silent' });
// the benchmark's sources run on loopback, which adapters refuse outside development (SSRF guard)
const LOOPBACK_SOURCES = { allowedHosts: ['127.0.0.0/8', '::1'] };
let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);

/** Runs one sync to the end; returns changes published and ms. */
async function timed(adapter: StreamingAdapter, store: MemoryCheckpointStore, mode: 'backfill' | 'incremental') {
  let changes = 0;
  const started = performance.now();
  await runSync(adapter, {
    mode,
    checkpoints: store,
    signal: new AbortController().signal,
    publish: async (b) => void (changes += b.changes.length),
  });
  return { changes, ms: performance.now() - started };
}
const rate = (n: number, ms: number) => Math.round((n / ms) * 1_000);

// --- postgres-table -------------------------------------------------------------------------
const script = fileURLToPath(new URL('../scripts/postgres.sh', import.meta.url));
const privateServer = !process.env.POSTGRES_URL;
const pgEnv = { ...process.env, PG_PORT: '55492' };
const url = new URL(
  process.env.POSTGRES_URL ?? execFileSync('bash', [script, 'up'], { env: pgEnv, encoding: 'utf8' }).match(/postgres:\/\/\S+/)![0],
);
const database = `dictamesh_bench_${process.pid}`;
const scratch = await createScratchDatabase(url, database);
const source = scratch.client;
await source.query(`CREATE TABLE orders (id bigint PRIMARY KEY, customer text NOT NULL, total numeric(12, 2), status text,
  lines jsonb, updated_at timestamptz NOT NULL DEFAULT now())`);
await source.query(`INSERT INTO orders SELECT i, 'customer-' || (i % 5000), i * 0.37, 'open',
  jsonb_build_array(jsonb_build_object('sku', 'sku-' || (i % 300), 'qty', 1 + i % 4)) FROM generate_series(1, ${rows}) i`);

const adapter = postgresTable.create(
  'bench-pg',
  parseAdapterConfig(postgresTable, {
    ...scratch.connection,
    source: 'shop',
    tables: [{ table: 'orders', entityType: 'order', displayNameColumn: 'customer' }],
    batchSize,
    follow: false,
  }),
  { log, outbound: LOOPBACK_SOURCES },
) as StreamingAdapter;
await adapter.initialize();
const store = new MemoryCheckpointStore();
const snapshot = await timed(adapter, store, 'backfill');
const perTransaction = Math.ceil(updates / 20);
for (let from = 1; from <= updates; from += perTransaction) {
  await source.query(`UPDATE orders SET status = 'shipped', updated_at = now() WHERE id BETWEEN $1 AND $2`, [
    from,
    Math.min(updates, from + perTransaction - 1),
  ]);
}
const stream = await timed(adapter, store, 'incremental');
await adapter.dispose?.();
await adapter.shutdown();
await scratch.drop();
if (privateServer) execFileSync('bash', [script, 'down'], { env: pgEnv });

// --- rest-json ------------------------------------------------------------------------------
const api = await startLocalServer();
const all = Array.from({ length: records }, (_, i) => ({
  id: `rec_${i}`,
  name: `Record ${i}`,
  updated_at: new Date(Date.UTC(2026, 0, 1) + i * 1_000).toISOString(),
  owner_id: i % 97,
}));
api.handle((req, res) => {
  const query = new URL(req.url ?? '/', api.url).searchParams;
  const start = Number(query.get('cursor') ?? 0);
  const next = start + 100 < all.length ? String(start + 100) : null;
  json(res, 200, { data: all.slice(start, start + 100), next });
});
const rest = restJson.create(
  'bench-rest',
  parseAdapterConfig(restJson, {
    baseUrl: api.url,
    source: 'bench',
    resources: [
      {
        name: 'records',
        entityType: 'record',
        path: '/records',
        itemsPath: 'data',
        updatedAtField: 'updated_at',
        displayNameField: 'name',
        pagination: { style: 'cursor', nextCursorPath: 'next' },
        relationships: [{ field: 'owner_id', type: 'OWNED_BY', entityType: 'owner' }],
      },
    ],
  }),
  { log, outbound: LOOPBACK_SOURCES },
) as StreamingAdapter;
const restRun = await timed(rest, new MemoryCheckpointStore(), 'backfill');
await rest.shutdown();
await api.close();
clearInterval(sampler);

const figures = {
  postgresTable: {
    snapshot: { rows: snapshot.changes, ms: Math.round(snapshot.ms), rowsPerSecond: rate(snapshot.changes, snapshot.ms) },
    stream: { changes: stream.changes, transactions: 20, ms: Math.round(stream.ms), changesPerSecond: rate(stream.changes, stream.ms) },
  },
  restJson: {
    records: restRun.changes,
    pages: Math.ceil(records / 100),
    ms: Math.round(restRun.ms),
    recordsPerSecond: rate(restRun.changes, restRun.ms),
  },
  peakRssMb: Math.round(peakRss / 1024 / 1024),
  batchSize,
};
console.log(JSON.stringify(figures, null, 2));
mkdirSync(fileURLToPath(new URL('./out', import.meta.url)), { recursive: true });
writeFileSync(fileURLToPath(new URL('./out/adapters.json', import.meta.url)), JSON.stringify(figures, null, 2));
if (snapshot.changes !== rows || stream.changes !== updates || restRun.changes !== records) {
  console.error(`expected ${rows} snapshot rows, ${updates} streamed changes and ${records} records`);
  process.exitCode = 1;
}

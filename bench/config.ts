// Config subgraph through the gateway, on the embedded default (PGlite, in-process bus):
//
//   npm run bench:config -- [--keys 200] [--connections 10] [--seconds 10] [--changes 200]
//
// 1. Starts DictaMesh on loopback (free ports, a fresh data directory, HS256 JWTs, rate limits off).
// 2. Imports `keys` keys spread evenly over four levels — platform (operator), organisation
//    `acme`, its environment `production`, its service `production/gateway` — each key set at
//    its own level, plus 10 keys set at every level (overridden three times).
// 3. Checks one resolvedConfig(environment: "production", service: "gateway") answer (every key,
//    the most specific source wins), then loads it with autocannon for `seconds` on
//    `connections` connections: reads/s and latency p50/p99.
// 4. Opens a graphql-ws subscriber of configChanged (scope production/gateway, prefix `bench.`)
//    and makes `changes` setConfig calls one after the other; each latency is from the start of
//    the mutation to the subscriber receiving that value (bounded wait of 10 s each): p50/p99/max.
//    Skipped (said so) when the gateway has no configChanged.
// Figures go to stdout and bench/out/config.json. Exit 1 when a check fails.
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { createClient } from 'graphql-ws';
import { SignJWT } from 'jose';
import WebSocket from 'ws';
import { startBenchStack } from './bench-stack';

const { values: args } = parseArgs({
  options: {
    keys: { type: 'string', default: '200' },
    connections: { type: 'string', default: '10' },
    seconds: { type: 'string', default: '10' },
    changes: { type: 'string', default: '200' },
  },
});
const keys = Number(args.keys);
const connections = Number(args.connections);
const seconds = Number(args.seconds);
const changes = Number(args.changes);
const SECRET = 'bench-config-jwt-secret-0123456789abcdef-0123';

const token = (org: string, scope: string) =>
  new SignJWT({ org, scope })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(`bench@${org}`)
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(SECRET));

const bench = await startBenchStack({ JWT_SECRET: SECRET, AUTH_ANONYMOUS_SCOPES: '', RATE_LIMIT: 'off', ADAPTER_SYNC_INTERVAL_MS: '0' });
const failures: string[] = [];
const check = (ok: boolean, what: string) => {
  if (!ok) failures.push(what);
};
try {
  const operator = `Bearer ${await token('platform', 'dictamesh:platform')}`;
  const tenant = `Bearer ${await token('acme', 'config:read config:write')}`;
  const gql = async <T>(authorization: string, query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    const response = await fetch(bench.gateway, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization },
      body: JSON.stringify({ query, variables }),
    });
    const answer = (await response.json()) as { data?: T; errors?: Array<{ message: string; extensions?: { code?: string } }> };
    if (answer.errors?.length) throw new Error(`${answer.errors[0]!.extensions?.code}: ${answer.errors[0]!.message}`);
    return answer.data!;
  };

  // 2. seed: key i lives at level i % 4; `shared.*` keys at every level
  const LEVELS = [{ platform: true }, {}, { environment: 'production' }, { environment: 'production', service: 'gateway' }] as const;
  const entries = Array.from({ length: keys }, (_, i) => ({
    scope: LEVELS[i % 4]!,
    key: `bench.k${String(i).padStart(4, '0')}`,
    value: { level: i % 4, i },
  }));
  for (let s = 0; s < 10; s++) LEVELS.forEach((scope, level) => entries.push({ scope, key: `shared.s${s}`, value: { level, i: s } }));
  const IMPORT = `mutation ($entries: [ConfigImportEntryInput!]!) { importConfig(entries: $entries, apply: true) { applied items { action } } }`;
  const platformEntries = entries.filter((e) => 'platform' in e.scope);
  const orgEntries = entries.filter((e) => !('platform' in e.scope));
  const t0 = performance.now();
  for (const [authorization, list] of [
    [operator, platformEntries],
    [tenant, orgEntries],
  ] as const) {
    const { importConfig } = await gql<{ importConfig: { applied: boolean; items: Array<{ action: string }> } }>(authorization, IMPORT, {
      entries: list,
    });
    check(importConfig.applied && importConfig.items.every((item) => item.action === 'CREATE'), 'import: every entry created');
  }
  const seedMs = performance.now() - t0;

  // 3. resolved reads
  const RESOLVED = `query Resolved { resolvedConfig(environment: "production", service: "gateway") { revision values { key value source { path } version } } }`;
  const { resolvedConfig } = await gql<{
    resolvedConfig: { values: Array<{ key: string; value: { level: number }; source: { path: string } }> };
  }>(tenant, RESOLVED);
  check(resolvedConfig.values.length === keys + 10, `resolvedConfig: ${keys + 10} values (got ${resolvedConfig.values.length})`);
  const PATHS = ['platform', 'org:acme', 'org:acme/production', 'org:acme/production/gateway'];
  check(
    resolvedConfig.values.every((v) => v.source.path === PATHS[v.value.level]) &&
      resolvedConfig.values.filter((v) => v.key.startsWith('shared.')).every((v) => v.value.level === 3),
    'resolvedConfig: each value from its own level, shared keys from the service',
  );
  const body = JSON.stringify({ query: RESOLVED });
  const load = await new Promise<autocannon.Result>((resolve, reject) =>
    autocannon(
      {
        url: bench.gateway,
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: tenant },
        body,
        connections,
        duration: seconds,
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    ),
  );
  check(load.non2xx === 0 && load.errors === 0, `autocannon: no errors (non2xx ${load.non2xx}, errors ${load.errors})`);

  // 4. change-to-subscriber latency
  let latency: Record<string, number> | string;
  const client = createClient({
    url: bench.gateway.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: { authorization: tenant },
    retryAttempts: 0,
    lazy: true,
  });
  try {
    const received = new Map<number, number>();
    let failed: unknown;
    // the time is taken when the message arrives; the loop below only waits for it
    const unsubscribe = client.subscribe<{ configChanged: { revision: string; key: string | null; value: unknown } }>(
      {
        query: `subscription { configChanged(scope: { environment: "production", service: "gateway" }, prefix: "latency.") { revision key value } }`,
      },
      {
        next: (message) => {
          if (message.errors) failed = message.errors;
          const value = message.data?.configChanged.value;
          if (typeof value === 'number') received.set(value, performance.now());
        },
        error: (error) => (failed = error),
        complete: () => undefined,
      },
    );
    const SET = `mutation ($value: JSON) { setConfig(input: { scope: { environment: "production", service: "gateway" }, key: "latency.probe", value: $value }) { revision } }`;
    // warm-up: the subscription is live once a change reaches it (bounded: 50 changes, 200 ms each)
    for (let k = 1; k <= 50 && failed === undefined && ![...received.keys()].some((v) => v < 0); k++) {
      await gql(tenant, SET, { value: -k });
      for (const deadline = Date.now() + 200; ![...received.keys()].some((v) => v < 0) && Date.now() < deadline;)
        await new Promise((r) => setTimeout(r, 1));
    }
    const samples: number[] = [];
    for (let i = 0; i < changes && failed === undefined; i++) {
      const start = performance.now();
      await gql(tenant, SET, { value: i });
      for (const deadline = Date.now() + 10_000; !received.has(i) && failed === undefined && Date.now() < deadline;)
        await new Promise((r) => setTimeout(r, 1));
      if (!received.has(i)) {
        failed ??= `change ${i} not received within 10 s`;
        break;
      }
      samples.push(received.get(i)! - start);
    }
    unsubscribe();
    if (failed !== undefined) {
      latency = `configChanged not measured: ${JSON.stringify(failed instanceof Error ? failed.message : failed).slice(0, 300)}`;
    } else {
      samples.sort((a, b) => a - b);
      const at = (q: number) => Math.round(samples[Math.min(samples.length - 1, Math.ceil(q * samples.length) - 1)]! * 100) / 100;
      latency = { changes: samples.length, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: at(1) };
    }
  } finally {
    await client.dispose();
  }

  const result = {
    keys: keys + 10,
    levels: PATHS,
    seedMs: Math.round(seedMs),
    resolvedConfig: {
      connections,
      seconds,
      requests: load.requests.total,
      readsPerSecond: Math.round(load.requests.average),
      latencyP50Ms: load.latency.p50,
      latencyP99Ms: load.latency.p99,
    },
    changeToSubscriber: latency,
  };
  console.log(JSON.stringify(result, null, 2));
  mkdirSync(new URL('out/', import.meta.url), { recursive: true });
  writeFileSync(new URL('out/config.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
} finally {
  await bench.close();
}
if (failures.length > 0) {
  console.error(`checks failed:\n${failures.join('\n')}`);
  process.exit(1);
}

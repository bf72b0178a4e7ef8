import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { startEmbeddedProcess, type EmbeddedProcess } from './harness/embedded-process';
import { tempDataDir } from './harness/harness';

// Issue 16, "Must be shown": the production bootstrap. On an empty database `dictamesh apikey
// create` (a child process, as an operator runs it) makes the first admin key; the stack then
// runs with NODE_ENV=production AUTH_MODE=required (no anonymous access) and that key
// administers its organisation through the gateway. And `dictamesh doctor` FAILs `kafka` when
// the brokers are down, with passing lines for what is up.
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const dataDir = tempDataDir();
const keys = { SUBGRAPH_TOKEN_KEY: randomBytes(32).toString('base64'), DICTAMESH_MASTER_KEY: randomBytes(32).toString('base64') };
const production = { NODE_ENV: 'production', AUTH_MODE: 'required', ...keys };
let stack: EmbeddedProcess | undefined;

afterAll(async () => {
  if (stack && stack.child.exitCode === null) {
    const exited = new Promise((resolve) => stack!.child.once('exit', resolve));
    stack.child.kill('SIGTERM');
    await exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
});

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `dictamesh <args>` from the TypeScript sources (as `npm run dictamesh --` does) with only the variables given. */
function dictamesh(args: string[], env: Record<string, string>): Promise<CliRun> {
  const inherited = { ...process.env };
  for (const name of ['KAFKA_BROKERS', 'DATABASE_URL', 'REDIS_URL', 'NODE_ENV', 'DICTAMESH_SERVICES']) delete inherited[name];
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--conditions=@dictamesh/source', '--import', 'tsx', 'cli/src/index.ts', ...args],
      { cwd: ROOT, env: { ...inherited, DICTAMESH_DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...env }, timeout: 240_000 },
      (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

async function gateway(query: string, headers: Record<string, string> = {}, variables: Record<string, unknown> = {}) {
  const response = await fetch(stack!.gateway, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as { data?: Record<string, unknown> | null; errors?: unknown[] } };
}

/** A loopback port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The port of a service line `dictamesh start` printed (`  catalog subgraph  http://127.0.0.1:41234/graphql`). */
function printedPort(output: string, label: string): string {
  const match = new RegExp(`${label}\\s+http://127\\.0\\.0\\.1:(\\d+)/`).exec(output);
  if (!match) throw new Error(`dictamesh start printed no ${label} URL:\n${output}`);
  return match[1]!;
}

describe('production bootstrap: empty database → dictamesh apikey create → the key administers its organisation', () => {
  let key = '';

  it('creates the organisation and an admin key in an empty database, printing the key once', async () => {
    const refused = await dictamesh(['apikey', 'create', '--org', 'acme', '--scopes', 'dictamesh:admin,adapters:rule'], {});
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error SCOPE_UNKNOWN: unknown scope adapters:rule; known: dictamesh:platform, dictamesh:admin, /);

    const created = await dictamesh(['apikey', 'create', '--org', 'acme', '--scopes', 'dictamesh:admin', '--name', 'first admin'], {});
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const lines = created.stdout.trim().split('\n');
    expect(lines[0]).toBe('created organisation acme');
    expect(lines[1]).toMatch(/^created API key [A-Za-z0-9]{12} "first admin" for acme with dictamesh:admin; the key is shown this once:$/);
    expect(lines[2]).toMatch(/^dmk_[A-Za-z0-9]{12}_\S+$/);
    key = lines[2]!;
  }, 300_000);

  it('runs in production with AUTH_MODE=required: anonymous refused, the key creates another key of acme', async () => {
    expect(key).not.toBe('');
    stack = await startEmbeddedProcess(dataDir, { ...production, ADAPTER_SYNC_INTERVAL_MS: '0' });

    const anonymous = await gateway('{ viewer { subject } }');
    expect(anonymous.status).toBe(401);

    const viewer = await gateway('{ viewer { subject org scopes method } }', { 'x-api-key': key });
    expect(viewer.body).toEqual({
      data: { viewer: { subject: `api-key:${key.split('_')[1]}`, org: 'acme', scopes: ['dictamesh:admin'], method: 'API_KEY' } },
    });
    const minted = await gateway(
      'mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { key apiKey { org name scopes } } }',
      { 'x-api-key': key },
      { input: { org: 'acme', name: 'reader', scopes: ['adapters:read'] } },
    );
    expect(minted.body.errors).toBeUndefined();
    expect(minted.body.data?.createApiKey).toMatchObject({ apiKey: { org: 'acme', name: 'reader', scopes: ['adapters:read'] } });
    const listed = await gateway('{ apiKeys(org: "acme") { name scopes } }', { 'x-api-key': key });
    expect(listed.body.data?.apiKeys).toEqual([
      { name: 'reader', scopes: ['adapters:read'] },
      { name: 'first admin', scopes: ['dictamesh:admin'] },
    ]);
    // another organisation stays out of reach of acme's admin
    const other = await gateway('{ apiKeys(org: "globex") { name } }', { 'x-api-key': key });
    expect(other.body.errors).toMatchObject([{ extensions: { code: 'FORBIDDEN' } }]);
  }, 300_000);

  it('refuses to open the PGlite directory the running stack holds (DATA_DIR_IN_USE), one line', async () => {
    const run = await dictamesh(['apikey', 'list', '--org', 'acme'], {});
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^error DATA_DIR_IN_USE: The PGlite data directory \S+ is in use by process \d+ on /);
    expect(run.stderr.endsWith(' (PGlite serves one process): stop that process, or work through its gateway.\n')).toBe(true);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  }, 300_000);

  it('doctor: FAIL kafka when the brokers are down, ok for the services, Redis and the keys; exit status 1', async () => {
    const output = stack!.output();
    const kafkaPort = await closedPort();
    // generous bound: the gateway's /readyz asks every subgraph in turn, slow on a loaded machine
    const run = await dictamesh(['doctor', '--timeout', '20000'], {
      ...production,
      GATEWAY_PORT: printedPort(output, 'GraphQL gateway'),
      CATALOG_PORT: printedPort(output, 'catalog subgraph'),
      ADAPTERS_PORT: printedPort(output, 'adapters subgraph'),
      BILLING_PORT: printedPort(output, 'billing subgraph'),
      CONFIG_PORT: printedPort(output, 'config subgraph'),
      NOTIFICATIONS_PORT: printedPort(output, 'notifications'),
      KAFKA_BROKERS: `127.0.0.1:${kafkaPort}`,
      REDIS_URL: inject('redisUrl'),
    });
    const lines = run.stdout.trim().split('\n');
    expect(run.stderr).toBe('');
    expect(
      lines.map((line) => line.split(':')[0]),
      run.stdout,
    ).toEqual([
      'ok environment',
      'skip database',
      'skip migrations',
      'FAIL kafka',
      'ok redis',
      'ok gateway',
      'ok catalog',
      'ok adapters',
      'ok billing',
      'ok config',
      'ok notifications',
      'ok subgraph token key',
      'ok master key',
      'skip jwt',
    ]);
    expect(lines[3]).toMatch(new RegExp(`^FAIL kafka: 127\\.0\\.0\\.1:${kafkaPort}: .*ECONNREFUSED`));
    expect(lines[1]).toMatch(
      /^skip database: The PGlite data directory \S+ is in use by process \d+ on .*; the services' \/readyz check it$/,
    );
    expect(lines[11]).toBe('ok subgraph token key: from SUBGRAPH_TOKEN_KEY');
    expect(run.code).toBe(1);
  }, 300_000);
});

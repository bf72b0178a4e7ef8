import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runtimeStage } from '../test/deploy/dockerfile';
import { startEmbeddedProcess, type EmbeddedProcess } from './harness/embedded-process';
import { tempDataDir } from './harness/harness';
import { closedAncestors, freePorts, lockTree, snapshotTree, stageRuntimeTree, UNPRIVILEGED, unlockTree } from './harness/runtime-tree';

// `npm run build`, then the compiled CLI as Node runs it in production (the Docker image's
// command): no TypeScript loader and no `@dictamesh/source` condition, so every @dictamesh
// package and adapter definition comes from a dist/ folder this build wrote.
const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const COMPILED_CLI = 'cli/dist/index.js';
// the test run gives its child processes the source condition (vitest.config.ts); these must not have it
const compiledEnv = {
  ...process.env,
  NODE_OPTIONS: (process.env.NODE_OPTIONS ?? '').replace(/--conditions[= ]@dictamesh\/source/g, '').trim(),
};
const SCAFFOLDS = `${ROOT}.dictamesh/compiled-build-e2e-${process.pid}`;
const dataDir = tempDataDir();
// generous: each step starts Node processes, and the machines running the suite are busy
const STEP_TIMEOUT_MS = 240_000;
let stack: EmbeddedProcess | undefined;
// the image's start: the staged runtime (app/), its data volume (data/) and mounted secrets (secrets/)
const IMAGE_ROOT = mkdtempSync(join(tmpdir(), 'dictamesh-image-'));
let container: ChildProcess | undefined;

beforeAll(async () => {
  await run('npm', ['run', 'build', '--silent'], { cwd: ROOT, env: compiledEnv, timeout: 180_000 }); // rejects when the build fails
}, 200_000);
afterAll(async () => {
  if (stack && stack.child.exitCode === null) {
    stack.child.kill('SIGKILL');
    await new Promise((resolve) => stack!.child.once('exit', resolve));
  }
  if (container && container.exitCode === null) {
    container.kill('SIGKILL');
    await new Promise((resolve) => container!.once('exit', resolve));
  }
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(SCAFFOLDS, { recursive: true, force: true });
  unlockTree(IMAGE_ROOT);
  rmSync(IMAGE_ROOT, { recursive: true, force: true });
});

describe('compiled build', () => {
  it(
    '`dictamesh --help` runs the compiled CLI through the bin launcher',
    async () => {
      const { stdout } = await run(process.execPath, ['cli/bin/dictamesh.js', '--help'], {
        cwd: ROOT,
        env: compiledEnv,
        timeout: STEP_TIMEOUT_MS,
      });
      expect(stdout).toContain('Usage: dictamesh');
      for (const command of ['start', 'replay', 'events', 'adapter', 'operations'])
        expect(stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    },
    STEP_TIMEOUT_MS,
  );

  it(
    '`node cli/dist/index.js start` serves the gateway with the compiled adapter definitions, and stops on SIGTERM',
    async () => {
      stack = await startEmbeddedProcess(dataDir, { NODE_OPTIONS: compiledEnv.NODE_OPTIONS, LOG_LEVEL: 'info' }, [COMPILED_CLI, 'start']);
      const health = await fetch(new URL('/healthz', stack.gateway));
      expect(health.status).toBe(200);
      const response = await fetch(stack.gateway, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __typename adapterKinds { kind } }' }),
      });
      const body = (await response.json()) as { data?: { __typename: string; adapterKinds: Array<{ kind: string }> } };
      expect(body.data?.__typename).toBe('Query');
      expect(body.data?.adapterKinds.map((k) => k.kind)).toEqual(expect.arrayContaining(['chatwoot', 'rest-json', 'postgres-table']));
      // the kinds came from dist/definition.js, never from a TypeScript file
      expect(stack.output()).toMatch(/adapters\/chatwoot\/dist\/definition\.js/);
      expect(stack.output()).not.toMatch(/src\/definition\.ts/);

      const exited = new Promise<number | null>((resolve) => stack!.child.once('exit', (code) => resolve(code)));
      stack.child.kill('SIGTERM');
      expect(await exited).toBe(0);
    },
    STEP_TIMEOUT_MS,
  );

  it(
    '`dictamesh adapter new` generates a package whose own build yields a loadable compiled definition',
    async () => {
      mkdirSync(SCAFFOLDS, { recursive: true });
      await run(process.execPath, [COMPILED_CLI, 'adapter', 'new', 'acme-compiled', '--dir', SCAFFOLDS], { cwd: ROOT, env: compiledEnv });
      const directory = `${SCAFFOLDS}/acme-compiled`;
      await run('npm', ['run', 'build', '--silent'], { cwd: directory, env: compiledEnv, timeout: STEP_TIMEOUT_MS });
      const manifest = JSON.parse(readFileSync(`${directory}/package.json`, 'utf8')) as { dictamesh: { adapter: { default: string } } };
      const load = `const d = (await import(${JSON.stringify(`${directory}/${manifest.dictamesh.adapter.default}`)})).default; console.log(d.kind, d.version)`;
      const { stdout } = await run(process.execPath, ['--input-type=module', '-e', load], { cwd: ROOT, env: compiledEnv });
      expect(stdout.trim()).toBe('acme-compiled 0.1.0');
    },
    STEP_TIMEOUT_MS,
  );
});

describe('the Docker image start, without Docker', () => {
  it(
    "runs the Dockerfile's CMD with its ENV and USER on the staged runtime, read-only but the data volume, keys from <NAME>_FILE",
    async () => {
      const image = runtimeStage(`${ROOT}Dockerfile`);
      expect(image.user).toBe('node');
      expect(image.env.NODE_ENV).toBe('production');
      expect(image.volumes).toEqual([image.env.DICTAMESH_DATA_DIR]);
      const [command, ...args] = image.cmd!;
      const [checkCommand, ...checkArgs] = image.healthcheck!.cmd;
      expect(command).toBe('node');
      expect(checkCommand).toBe('node');

      const app = join(IMAGE_ROOT, 'app');
      const data = join(IMAGE_ROOT, 'data');
      const secrets = join(IMAGE_ROOT, 'secrets');
      await stageRuntimeTree(ROOT, app, compiledEnv);
      mkdirSync(data);
      mkdirSync(secrets);
      // the keys, as `docker compose` mounts its secrets: files readable by the service's user
      const jwtSecret = randomBytes(32).toString('base64');
      const keys = {
        SUBGRAPH_TOKEN_KEY: randomBytes(32).toString('base64'),
        DICTAMESH_MASTER_KEY: randomBytes(32).toString('base64'),
        JWT_SECRET: jwtSecret,
      };
      const fileVariables = Object.fromEntries(
        Object.entries(keys).map(([name, value]) => {
          writeFileSync(join(secrets, name), `${value}\n`, { mode: 0o444 });
          return [`${name}_FILE`, join(secrets, name)];
        }),
      );
      // root (CI) writes anywhere whatever the modes: the command runs as nobody then, like `USER node` in the image
      const asRoot = process.getuid?.() === 0;
      if (asRoot) {
        const closed = closedAncestors(ROOT);
        expect(closed, `nobody (uid 65534) cannot reach the repository's node_modules: chmod o+x ${closed.join(' ')}`).toEqual([]);
      }
      chmodSync(IMAGE_ROOT, 0o755);
      lockTree(app, data, asRoot);
      const before = snapshotTree(app);

      const [gateway, catalog, webhooks, adapters, billing, config, notifications] = await freePorts(7);
      // `docker run -e …`: the image's ENV, then what the test changes (loopback and free ports instead of 0.0.0.0:4000-4006, the volume's path)
      const env = {
        PATH: process.env.PATH!,
        ...image.env,
        HOST: '127.0.0.1',
        DICTAMESH_DATA_DIR: data,
        GATEWAY_PORT: `${gateway}`,
        CATALOG_PORT: `${catalog}`,
        WEBHOOK_PORT: `${webhooks}`,
        ADAPTERS_PORT: `${adapters}`,
        BILLING_PORT: `${billing}`,
        CONFIG_PORT: `${config}`,
        NOTIFICATIONS_PORT: `${notifications}`,
        AUTH_MODE: 'required',
        JWT_ISSUER: 'https://issuer.test/',
        JWT_AUDIENCE: 'dictamesh',
        LOG_LEVEL: 'info',
        ...fileVariables,
      };
      const user = asRoot ? UNPRIVILEGED : {};
      let output = '';
      container = spawn(command!, args, { cwd: app, env, ...user, stdio: ['ignore', 'pipe', 'pipe'] });
      container.stdout!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
      container.stderr!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
      const exited = new Promise<number | null>((resolve) => container!.once('exit', (code) => resolve(code)));

      // the image's HEALTHCHECK, as Docker runs it (same environment and user), until it passes
      const healthcheck = () =>
        run(checkCommand!, checkArgs, { cwd: app, env, ...user, timeout: 30_000 }).then(
          ({ stdout }) => ({ ok: true, line: stdout.trim() }),
          (error: { stderr?: string; message: string }) => ({ ok: false, line: (error.stderr ?? error.message).trim() }),
        );
      let health = { ok: false, line: '' };
      const deadline = Date.now() + 180_000;
      while (!health.ok && Date.now() < deadline && container.exitCode === null) {
        health = await healthcheck();
        if (!health.ok) await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
      expect(health, `the health check never passed; the service said:\n${output.slice(-3000)}`).toEqual({
        ok: true,
        line: 'ready: gateway, catalog, adapters, billing, config, notifications',
      });
      expect((await fetch(`http://127.0.0.1:${gateway}/readyz`)).status).toBe(200);

      // production, AUTH_MODE=required: nothing without credentials; a token signed with the secret of JWT_SECRET_FILE is accepted
      const query = (headers: Record<string, string>) =>
        fetch(`http://127.0.0.1:${gateway}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify({ query: '{ __typename }' }),
        });
      expect((await query({})).status).toBe(401);
      const token = await new SignJWT({ org: 'acme' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('operator')
        .setIssuer('https://issuer.test/')
        .setAudience('dictamesh')
        .setExpirationTime('5m')
        .sign(Buffer.from(jwtSecret));
      const answer = await query({ authorization: `Bearer ${token}` });
      expect(await answer.json()).toEqual({ data: { __typename: 'Query' } });

      container.kill('SIGTERM');
      expect(await exited).toBe(0);
      // nothing written in the tree; in the volume only the database (the keys came from their files, so no key file was made)
      expect(snapshotTree(app)).toEqual(before);
      expect(readdirSync(data).sort()).toEqual(['pglite']);
    },
    STEP_TIMEOUT_MS * 2,
  );
});

import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedProcess, type EmbeddedProcess } from './harness/embedded-process';
import { tempDataDir } from './harness/harness';

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

beforeAll(async () => {
  await run('npm', ['run', 'build', '--silent'], { cwd: ROOT, env: compiledEnv, timeout: 180_000 }); // rejects when the build fails
}, 200_000);
afterAll(async () => {
  if (stack && stack.child.exitCode === null) {
    stack.child.kill('SIGKILL');
    await new Promise((resolve) => stack!.child.once('exit', resolve));
  }
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(SCAFFOLDS, { recursive: true, force: true });
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

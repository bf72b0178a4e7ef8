import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql, startTestStack, tempDataDir, type FullStack } from './harness/harness';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = fileURLToPath(new URL('../cli/src/index.ts', import.meta.url));
// inside the repository (so the package resolves @dictamesh/* from its node_modules), ignored by git and the root test run
const SCAFFOLDS = `${ROOT}.dictamesh/scaffold-e2e-${process.pid}`;
const dataDir = tempDataDir();
let stack: FullStack;
let source: { url: string; token: string; close(): Promise<void> } | undefined;

beforeAll(async () => {
  mkdirSync(SCAFFOLDS, { recursive: true });
  // the stack runs before the adapter exists: it must be picked up without a restart
  stack = await startTestStack(
    dataDir,
    {},
    { DICTAMESH_ADAPTER_DIRS: SCAFFOLDS, ADAPTER_HEALTH_INTERVAL_MS: '500', ADAPTER_SYNC_INTERVAL_MS: '0' },
  );
});
afterAll(async () => {
  await stack?.close();
  await source?.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(SCAFFOLDS, { recursive: true, force: true });
});

describe('dictamesh adapter new', () => {
  it('generates a package that typechecks and passes its own tests', async () => {
    const { stdout } = await run('npx', ['tsx', CLI, 'adapter', 'new', 'acme-helpdesk', '--dir', SCAFFOLDS, '--entity', 'ticket'], {
      cwd: ROOT,
    });
    expect(stdout).toContain('src/acme-helpdesk-adapter.ts');
    const directory = `${SCAFFOLDS}/acme-helpdesk`;
    expect(JSON.parse(readFileSync(`${directory}/package.json`, 'utf8'))).toMatchObject({
      name: '@dictamesh/adapter-acme-helpdesk',
      license: 'AGPL-3.0-or-later',
      dictamesh: { adapter: { '@dictamesh/source': './src/definition.ts', default: './dist/definition.js' } },
    });
    expect(readFileSync(`${directory}/README.md`, 'utf8')).toContain(
      'registerAdapter(input: { id: "acme-helpdesk-main", kind: "acme-helpdesk"',
    );

    await run('npx', ['tsc', '--noEmit', '-p', directory], { cwd: ROOT }); // rejects on a type error
    const report = `${directory}/vitest.json`;
    await run('npx', ['vitest', 'run', '--root', directory, '--reporter=json', `--outputFile=${report}`], { cwd: ROOT });
    const result = JSON.parse(readFileSync(report, 'utf8')) as { numPassedTests: number; numFailedTests: number };
    expect(result).toMatchObject({ numPassedTests: 4, numFailedTests: 0 });

    // a second scaffold of the same kind is refused, the first is left alone
    const again = await run('npx', ['tsx', CLI, 'adapter', 'new', 'acme-helpdesk', '--dir', SCAFFOLDS], { cwd: ROOT }).catch(
      (e: unknown) => e,
    );
    expect((again as { stderr: string }).stderr).toMatch(/already exists/);
  }, 240_000); // four Node processes (tsx, tsc, vitest, tsx): over a minute on a busy 2-core machine

  it('registers at runtime through the gateway and its entities appear in the catalog', async () => {
    const { FakeSource } = (await import(pathToFileURL(`${SCAFFOLDS}/acme-helpdesk/test/fake-source.ts`).href)) as {
      FakeSource: { start(count: number): Promise<NonNullable<typeof source>> };
    };
    source = await FakeSource.start(30);
    const { data, errors } = await gql<{ registerAdapter: { id: string; kind: string; status: string; config: Record<string, unknown> } }>(
      stack,
      'mutation ($input: RegisterAdapterInput!) { registerAdapter(input: $input) { id kind status config } }',
      { input: { id: 'helpdesk-main', kind: 'acme-helpdesk', config: { baseUrl: source.url, apiToken: source.token } } },
    );
    expect(errors).toBeUndefined();
    expect(data!.registerAdapter).toMatchObject({ id: 'helpdesk-main', kind: 'acme-helpdesk', status: 'RUNNING' });
    expect(data!.registerAdapter.config).not.toHaveProperty('apiToken');

    const ticket = async (id: number) =>
      (
        await gql<{ entity: { displayName: string; type: string } | null }>(
          stack,
          'query ($urn: ID!) { entity(urn: $urn) { displayName type } }',
          { urn: `dictamesh:acme-helpdesk:ticket:${id}` },
        )
      ).data?.entity ?? null;
    await expect.poll(() => ticket(30), { timeout: 30_000 }).toEqual({ displayName: 'ticket 30', type: 'ticket' });
    expect(await ticket(1)).toEqual({ displayName: 'ticket 1', type: 'ticket' });
    const kinds = await gql<{ adapterKinds: Array<{ kind: string; secretFields: string[] }> }>(
      stack,
      '{ adapterKinds { kind secretFields } }',
    );
    expect(kinds.data!.adapterKinds).toContainEqual({ kind: 'acme-helpdesk', secretFields: ['apiToken'] });
  });
});

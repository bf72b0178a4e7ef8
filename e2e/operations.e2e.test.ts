import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { FIXTURES, gatewaySubscriptions, gql, postWebhook, startTestStack, tempDataDir, type FullStack } from './harness/harness';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'dictamesh-ops-cli-'));
const dataDir = tempDataDir();
let stack: FullStack | undefined;
afterAll(async () => {
  await stack?.close();
  rmSync(work, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

const publish = (folder: string, out: string) =>
  run('npx', ['tsx', 'cli/src/index.ts', 'operations', 'publish', folder, '--out', out], { cwd: ROOT }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );

describe('dictamesh operations publish → a gateway in safelist mode', () => {
  it('publishes a folder against the supergraph, refuses an invalid one, and the gateway runs only what was published', async () => {
    const good = join(work, 'good');
    const bad = join(work, 'bad');
    const manifest = join(work, 'out', 'manifest.json');
    for (const [dir, text] of [
      [good, 'query Me { viewer { subject } }\nquery Kinds { adapterKinds { kind } }\nsubscription Changes { entityChanged { urn } }'],
      [bad, 'query Broken { viewer { nope } }'],
    ] as const) {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'ops.graphql'), text);
    }
    const ok = await publish(good, manifest);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('3 operations published');
    const written = readFileSync(manifest, 'utf8');
    const refused = await publish(bad, manifest);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('ops.graphql: Broken: Cannot query field "nope" on type "Viewer".');
    expect(readFileSync(manifest, 'utf8')).toBe(written); // nothing written

    stack = await startTestStack(dataDir, {}, { GATEWAY_PERSISTED_QUERIES: manifest, GATEWAY_SAFELIST: 'safelist' });
    expect(await gql(stack, 'query Me { viewer { subject } }')).toMatchObject({ status: 200, data: { viewer: { subject: 'anonymous' } } });
    expect(await gql(stack, '{ viewer { subject org } }')).toMatchObject({
      status: 400,
      errors: [{ extensions: { code: 'PERSISTED_QUERY_NOT_IN_LIST' } }],
    });

    // subscriptions too: the listed one delivers, another is refused when it subscribes
    const client = createClient({ url: stack.urls.gateway.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
    const subscribe = (query: string) => {
      const events: unknown[] = [];
      let failure: unknown;
      client.subscribe({ query }, { next: (m) => void events.push(m), error: (e) => void (failure = e), complete: () => undefined });
      return { events, failure: () => failure };
    };
    const listed = subscribe('subscription Changes { entityChanged { urn } }');
    const unlisted = subscribe('subscription { entityChanged { urn type } }');
    await expect.poll(() => gatewaySubscriptions(stack!), { timeout: 30_000 }).toBe(1); // the listed one is registered
    await expect.poll(() => unlisted.failure(), { timeout: 30_000 }).toBeDefined(); // the other refused
    expect((await postWebhook(stack, readFileSync(join(FIXTURES, 'contact_created.json')))).status).toBe(202);
    await expect.poll(() => listed.events.length, { timeout: 20_000 }).toBe(1);
    expect(unlisted.events).toEqual([]);
    expect(unlisted.failure()).toEqual([expect.objectContaining({ extensions: { code: 'PERSISTED_QUERY_NOT_IN_LIST' } })]);
    await client.dispose();
  }, 180_000); // two CLI processes and a stack start: minutes on a busy machine
});

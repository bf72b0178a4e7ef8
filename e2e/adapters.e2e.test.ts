import { createHmac } from 'node:crypto';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeChatwoot } from '../adapters/chatwoot/test/fake-chatwoot';
import { gql, startTestStack, tempDataDir, type FullStack } from './harness/harness';

const ADAPTERS_DIR = fileURLToPath(new URL('../adapters', import.meta.url));
const dataDir = tempDataDir();
let stack: FullStack;
let fake: FakeChatwoot;

const ADAPTER_FIELDS =
  'id kind status config secretFields capabilities errorCount lastError health { healthy message } lastSync { mode entities }';
type AdapterView = {
  id: string;
  kind: string;
  status: string;
  config: Record<string, unknown>;
  secretFields: string[];
  capabilities: string[];
  errorCount: number;
  lastError: string | null;
  health: { healthy: boolean | null; message: string | null };
  lastSync: { mode: string; entities: number } | null;
};
const adapter = async (id: string) =>
  (await gql<{ adapter: AdapterView | null }>(stack, `query ($id: ID!) { adapter(id: $id) { ${ADAPTER_FIELDS} } }`, { id })).data!.adapter;
const register = (input: Record<string, unknown>) =>
  gql<{ registerAdapter: AdapterView }>(
    stack,
    `mutation ($input: RegisterAdapterInput!) { registerAdapter(input: $input) { ${ADAPTER_FIELDS} } }`,
    { input },
  );
const entityName = async (urn: string) =>
  (await gql<{ entity: { displayName: string } | null }>(stack, `query ($urn: ID!) { entity(urn: $urn) { displayName } }`, { urn })).data
    ?.entity?.displayName ?? null;

beforeAll(async () => {
  fake = await FakeChatwoot.start({ contacts: 20, conversations: 30, messagesOfFirst: 25 });
  stack = await startTestStack(
    dataDir,
    {},
    { DICTAMESH_ADAPTER_DIRS: ADAPTERS_DIR, ADAPTER_HEALTH_INTERVAL_MS: '200', ADAPTER_SYNC_INTERVAL_MS: '0' },
  );
});
afterAll(async () => {
  await stack?.close();
  await fake?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('adapters registered at runtime through the gateway', () => {
  it('lists the installed kinds with their configuration JSON Schema', async () => {
    const { data } = await gql<{
      adapterKinds: Array<{ kind: string; configSchema: { properties: Record<string, unknown> }; secretFields: string[] }>;
    }>(stack, '{ adapterKinds { kind configSchema secretFields } }');
    const chatwoot = data!.adapterKinds.find((k) => k.kind === 'chatwoot');
    expect(chatwoot?.secretFields).toEqual(['apiAccessToken', 'webhookSecret', 'webhookToken']);
    expect(Object.keys(chatwoot!.configSchema.properties)).toEqual(expect.arrayContaining(['baseUrl', 'accountId', 'apiAccessToken']));
    const restJson = data!.adapterKinds.find((k) => k.kind === 'rest-json');
    expect(restJson?.secretFields).toEqual(['auth.token', 'auth.key', 'auth.clientSecret']);
  });

  it('registers a Chatwoot adapter, which starts at once and backfills the catalog; secrets are never returned and stored encrypted', async () => {
    const { data, errors } = await register({
      id: 'cw-main',
      kind: 'chatwoot',
      config: { baseUrl: fake.url, accountId: 12, apiAccessToken: 'cw-token' },
    });
    expect(errors).toBeUndefined();
    expect(data!.registerAdapter).toMatchObject({ id: 'cw-main', kind: 'chatwoot', status: 'RUNNING', secretFields: ['apiAccessToken'] });
    expect(data!.registerAdapter.capabilities).toContain('STREAM');
    expect(JSON.stringify(data!.registerAdapter)).not.toContain('cw-token');
    // the last generated contact and a message of the long conversation reach the catalog
    await expect.poll(() => entityName('dictamesh:chatwoot:account/12:contact:5019'), { timeout: 30_000 }).not.toBeNull();
    await expect.poll(() => entityName('dictamesh:chatwoot:account/12:message:216024'), { timeout: 30_000 }).not.toBeNull();
    await expect
      .poll(async () => (await adapter('cw-main'))?.lastSync?.entities, { timeout: 30_000 })
      .toBe(3 + 2 + 4 + 20 + 30 + 25 + 29 * 7);
    const [row] = await stack.db.prisma.adapterRegistration.findMany({ where: { id: 'cw-main' } });
    expect(Buffer.from(row!.secrets!).toString('latin1')).not.toContain('cw-token');
    expect(JSON.stringify(row!.config)).not.toContain('cw-token');
    const schemas = await stack.db.prisma.schemaDefinition.findMany({ where: { subject: 'adapter-config:chatwoot' } });
    expect(schemas).toHaveLength(1);
  });

  it('rejects an invalid configuration with every field problem, and registers nothing', async () => {
    const { data, errors } = await register({
      id: 'cw-bad',
      kind: 'chatwoot',
      config: { baseUrl: 'not a url', accountId: -1, colour: 'blue' },
    });
    expect(data).toBeNull();
    expect(errors?.[0]?.extensions?.code).toBe('ADAPTER_CONFIG_INVALID');
    const paths = (errors![0]!.extensions!.problems as Array<{ path: string }>).map((p) => p.path).sort();
    expect(paths).toEqual(['(root)', 'accountId', 'apiAccessToken', 'baseUrl']); // (root): unrecognized key "colour"
    expect(await adapter('cw-bad')).toBeNull();
    const unknownKind = await register({ id: 'x', kind: 'salesforce', config: {} });
    expect(unknownKind.errors?.[0]?.extensions?.code).toBe('ADAPTER_KIND_UNKNOWN');
  });

  it('marks an adapter whose source fails unhealthy without affecting the others', async () => {
    const { errors } = await register({
      id: 'cw-down',
      kind: 'chatwoot',
      config: { baseUrl: 'http://127.0.0.1:9', accountId: 12, apiAccessToken: 't', timeoutMs: 200 },
    });
    expect(errors).toBeUndefined();
    await expect.poll(async () => (await adapter('cw-down'))?.status, { timeout: 15_000 }).toBe('FAILED');
    const down = (await adapter('cw-down'))!;
    expect(down.health.healthy).toBe(false);
    expect(down.errorCount).toBeGreaterThan(0);
    expect(down.lastError).toMatch(/127\.0\.0\.1:9/);
    await new Promise((resolve) => setTimeout(resolve, 500)); // a few health rounds of both
    expect(await adapter('cw-main')).toMatchObject({ status: 'RUNNING', health: { healthy: true } });
    // the healthy adapter still syncs
    fake.contacts[0]!.name = 'Renamed Contact';
    fake.contacts[0]!.last_activity_at = Math.floor(Date.now() / 1000) + 60;
    const sync = await gql(stack, 'mutation { triggerSync(id: "cw-main") { id } }');
    expect(sync.errors).toBeUndefined();
    await expect
      .poll(() => entityName(`dictamesh:chatwoot:account/12:contact:${fake.contacts[0]!.id}`), { timeout: 15_000 })
      .toBe('Renamed Contact');
  });

  it('verifies webhook deliveries of an account once its adapter has a webhook secret (X-Chatwoot-Signature)', async () => {
    const secret = 'e2e-webhook-secret-0123456789';
    const update = await gql(stack, 'mutation ($input: UpdateAdapterInput!) { updateAdapter(id: "cw-main", input: $input) { id } }', {
      input: { config: { baseUrl: fake.url, accountId: 12, webhookSecret: secret } }, // the stored token is kept
    });
    expect(update.errors).toBeUndefined();
    const body = JSON.stringify({ event: 'contact_created', id: 987_654, name: 'Signed Contact', account: { id: 12, name: 'Shop' } });
    const post = async (headers: Record<string, string>) => {
      const response = await fetch(`${stack.urls.webhooks}/chatwoot/accounts/12`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
      return { status: response.status, body: (await response.json()) as { code?: string; accepted?: number } };
    };
    const unsigned = await post({});
    expect(unsigned).toMatchObject({ status: 401, body: { code: 'WEBHOOK_SIGNATURE_INVALID' } });
    const timestamp = String(Math.floor(Date.now() / 1_000));
    const forged = await post({ 'x-chatwoot-timestamp': timestamp, 'x-chatwoot-signature': `sha256=${'0'.repeat(64)}` });
    expect(forged.status).toBe(401);
    expect(await entityName('dictamesh:chatwoot:account/12:contact:987654')).toBeNull(); // nothing refused was published

    const signature = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
    const signed = await post({ 'x-chatwoot-timestamp': timestamp, 'x-chatwoot-signature': `sha256=${signature}` });
    expect(signed).toMatchObject({ status: 202, body: { accepted: 1 } });
    await expect.poll(() => entityName('dictamesh:chatwoot:account/12:contact:987654'), { timeout: 15_000 }).toBe('Signed Contact');
  });

  it('pauses, resumes and removes an adapter without a restart', async () => {
    const paused = await gql<{ pauseAdapter: { status: string } }>(stack, 'mutation { pauseAdapter(id: "cw-down") { status } }');
    expect(paused.data?.pauseAdapter.status).toBe('PAUSED');
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect((await adapter('cw-down'))?.status).toBe('PAUSED'); // no health checks while paused
    const removed = await gql(stack, 'mutation { removeAdapter(id: "cw-down") { id status } }');
    expect(removed.data).toEqual({ removeAdapter: { id: 'cw-down', status: 'STOPPED' } });
    expect(await adapter('cw-down')).toBeNull();
    const missing = await gql(stack, 'mutation { resumeAdapter(id: "cw-down") { id } }');
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});

import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, tempDataDir, type FullStack } from './harness/harness';
import { orgToken } from './harness/identities';

// Issue 11, point 7 (catalog side), through the gateway and the real catalog: what callers send
// comes back in errors at most 200 characters long; input Postgres cannot hold (NUL) and invalid
// date-times are BAD_USER_INPUT, not INTERNAL_SERVER_ERROR; a taken adapter id does not say it is
// another organisation's; Adapter.lastError / health.message hide the source's address from
// callers who may not read the adapter's config.
const SECRET = 'test-jwt-secret-0123456789abcdef-0123456789';
const ADAPTERS_DIR = fileURLToPath(new URL('../adapters', import.meta.url));
const dataDir = tempDataDir();
let stack: FullStack;

type GraphQLError = { message: string; path?: unknown[]; extensions?: Record<string, unknown> };
type Answer<T> = { status: number; bytes: number; data?: T | null; errors?: GraphQLError[] };
const token = (org: string, scope: string) => orgToken(SECRET, org, scope);
async function as<T = Record<string, unknown>>(
  caller: { org: string; scope: string },
  query: string,
  variables: Record<string, unknown> = {},
): Promise<Answer<T>> {
  const response = await fetch(stack.urls.gateway, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await token(caller.org, caller.scope)}` },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  return { status: response.status, bytes: Buffer.byteLength(text), ...(JSON.parse(text) as Omit<Answer<T>, 'status' | 'bytes'>) };
}
const ACME_ADMIN = { org: 'acme', scope: 'dictamesh:admin' };
const GLOBEX_ADMIN = { org: 'globex', scope: 'dictamesh:admin' };
/** A caller of acme who may list adapters but not read their configuration. */
const ACME_VIEWER = { org: 'acme', scope: 'catalog:read' };
const HUGE = 'x'.repeat(900_000);

beforeAll(async () => {
  stack = await startTestStack(
    dataDir,
    {},
    {
      JWT_SECRET: SECRET,
      AUTH_ANONYMOUS_SCOPES: '',
      DICTAMESH_ADAPTER_DIRS: ADAPTERS_DIR,
      ADAPTER_HEALTH_INTERVAL_MS: '200',
      ADAPTER_SYNC_INTERVAL_MS: '0',
    },
  );
});
afterAll(async () => {
  await stack?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('values callers send, in errors', () => {
  it('repeats at most 200 characters of a 900 KB argument, with its length', async () => {
    const cases: Array<[string, Record<string, unknown>]> = [
      ['query ($v: ID!) { entity(urn: $v) { urn } }', { v: HUGE }],
      ['mutation ($v: ID!) { pauseAdapter(id: $v) { id } }', { v: HUGE }],
      ['mutation ($v: ID!) { replayDeadLetter(id: $v) { id } }', { v: HUGE }],
      ['mutation ($v: ID!) { revokeApiKey(id: $v) { id } }', { v: HUGE }],
      ['query ($v: String!) { apiKeys(org: $v) { id } }', { v: HUGE }],
      ['mutation ($v: String!) { createApiKey(input: { org: $v, name: "n" }) { key } }', { v: HUGE }],
    ];
    for (const [query, variables] of cases) {
      const answer = await as(ACME_ADMIN, query, variables);
      expect({ query, refused: Boolean(answer.errors?.length), bytes: answer.bytes < 2_000 }).toEqual({
        query,
        refused: true,
        bytes: true,
      });
    }
    const urn = await as(ACME_ADMIN, 'query ($v: ID!) { entity(urn: $v) { urn } }', { v: HUGE });
    expect(urn.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'urn' } });
    expect(urn.errors?.[0]?.message).toContain('(900000 characters)');
  });
});

describe('input Postgres cannot take', () => {
  it('refuses a NUL byte in any argument with BAD_USER_INPUT naming it, before the database', async () => {
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['query ($f: EntityFilter) { entities(filter: $f) { nodes { urn } } }', { f: { source: 'chat\u0000woot' } }, 'filter.source'],
      ['query ($f: EntityFilter) { entities(filter: $f) { totalCount } }', { f: { type: 'contact\u0000' } }, 'filter.type'],
      ['query ($f: EntityFilter) { search(text: "x", filter: $f) { score } }', { f: { domain: '\u0000' } }, 'filter.domain'],
      ['query ($v: ID!) { entity(urn: $v) { urn } }', { v: 'dictamesh:crm:account:1\u0000' }, 'urn'],
      ['query ($v: ID!) { adapter(id: $v) { id } }', { v: 'cw\u0000' }, 'id'],
      ['mutation ($v: ID!) { revokeApiKey(id: $v) { id } }', { v: 'abc\u0000' }, 'id'],
      [
        'query ($v: String!) { deadLetters(after: $v) { nodes { id } } }',
        { v: Buffer.from('2026-01-01T00:00:00.000Z|a\u0000').toString('base64url') },
        'after',
      ],
      [
        'query ($v: String!) { entities(after: $v) { nodes { urn } } }',
        { v: Buffer.from('2026-01-01T00:00:00.000Z|a\u0000').toString('base64url') },
        'after',
      ],
    ];
    for (const [query, variables, field] of cases) {
      const answer = await as(ACME_ADMIN, query, variables);
      const [variable, value] = Object.entries(variables)[0]!;
      // NUL in the request itself: the gateway refuses it (400) before any subgraph is called;
      // NUL only inside a decoded cursor: the catalog's resolver refuses it (200 with data null,
      // as every refusal by a resolver, e.g. `first: 501`)
      const expected = JSON.stringify(value).includes('\\u0000')
        ? { status: 400, error: expect.objectContaining({ code: 'BAD_USER_INPUT', variable }) }
        : { status: 200, error: expect.objectContaining({ code: expect.stringMatching(/^(BAD_USER_INPUT|INVALID_CURSOR)$/), field }) };
      expect({ query, status: answer.status, error: answer.errors?.[0]?.extensions }).toEqual({ query, ...expected });
    }
  });

  it('answers an invalid DateTime with 400 BAD_USER_INPUT, in a variable or a literal', async () => {
    const asVariable = await as(ACME_ADMIN, 'query ($f: EntityFilter) { entities(filter: $f) { nodes { urn } } }', {
      f: { updatedSince: '2026-13-45T00:00:00Z' },
    });
    const asLiteral = await as(ACME_ADMIN, '{ search(text: "x", filter: { updatedSince: "2026-13-45T00:00:00Z" }) { score } }');
    for (const answer of [asVariable, asLiteral]) {
      expect(answer.status).toBe(400);
      expect(answer.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(answer.errors?.[0]?.message).toContain('DateTime');
    }
  });
});

describe('adapters of other organisations', () => {
  it('refuses an adapter id another organisation holds without saying so, as one the caller holds', async () => {
    const register = (caller: typeof ACME_ADMIN, id: string) =>
      as(caller, 'mutation ($input: RegisterAdapterInput!) { registerAdapter(input: $input) { id } }', {
        input: { id, kind: 'chatwoot', config: { baseUrl: 'http://127.0.0.1:9', accountId: 77, apiAccessToken: 't', timeoutMs: 200 } },
      });
    expect((await register(ACME_ADMIN, 'cw-taken')).errors).toBeUndefined();
    expect((await register(GLOBEX_ADMIN, 'cw-globex-own')).errors).toBeUndefined();
    const foreign = (await register(GLOBEX_ADMIN, 'cw-taken')).errors?.[0];
    const own = (await register(GLOBEX_ADMIN, 'cw-globex-own')).errors?.[0];
    expect(foreign?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    expect(foreign?.message).not.toMatch(/registered|exists|organi[sz]ation/i);
    expect(foreign?.message.replace('cw-taken', 'ID')).toBe(own?.message.replace('cw-globex-own', 'ID'));
  });

  it('hides the source address in lastError and health.message from callers who may not read config', async () => {
    const fields = '{ adapter(id: "cw-taken") { status lastError health { message } } }';
    type View = { adapter: { status: string; lastError: string | null; health: { message: string | null } } | null };
    const adminView = async () => (await as<View>(ACME_ADMIN, fields)).data?.adapter ?? null;
    await expect.poll(async () => (await adminView())?.lastError ?? null, { timeout: 15_000 }).not.toBeNull();
    const admin = await adminView();
    const stored = await stack.db.prisma.adapterRegistration.findUnique({ where: { id: 'cw-taken' } });
    expect(admin?.lastError).toBe(stored?.lastError); // config readers see all of it
    expect(admin?.lastError).toMatch(/127\.0\.0\.1/);
    const viewer = (await as<View>(ACME_VIEWER, fields)).data?.adapter;
    expect(viewer?.lastError).toBeTruthy();
    expect(viewer?.lastError).not.toMatch(/127\.0\.0\.1|:9\b/);
    expect(viewer?.health.message ?? '').not.toMatch(/127\.0\.0\.1|:9\b/);
    // config itself stays the readers' only
    expect((await as(ACME_VIEWER, '{ adapter(id: "cw-taken") { config } }')).errors?.[0]?.extensions?.code).toBe('UNAUTHORIZED');
  });
});

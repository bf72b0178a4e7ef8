import { rmSync } from 'node:fs';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, tempDataDir, type FullStack } from './harness/harness';

// Issue 11, point 1: an organisation admin asked createApiKey for `dictamesh:platform` and got a
// platform key, with which it minted admin keys of every other organisation. A caller grants only
// scopes it holds (`dictamesh:platform` holds every scope, `dictamesh:admin` every scope but
// `dictamesh:platform`), and the scopes of a key are bounded in number and length.
const SECRET = 'test-jwt-secret-0123456789abcdef-0123456789';
const dataDir = tempDataDir();
let stack: FullStack;

type Answer = {
  status: number;
  data?: {
    createApiKey?: { key: string; apiKey: { id: string; org: string; scopes: string[] } } | null;
    viewer?: { scopes: string[] };
  } | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
};
const CREATE = 'mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { key apiKey { id org scopes } } }';

const bearer = async (org: string, scope: string) => ({
  authorization: `Bearer ${await new SignJWT({ org, scope })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(`user@${org}`)
    .setIssuer('https://id.example.test')
    .setAudience('dictamesh')
    .setExpirationTime('10m')
    .sign(new TextEncoder().encode(SECRET))}`,
});
async function gateway(query: string, headers: Record<string, string>, variables: Record<string, unknown> = {}): Promise<Answer> {
  const response = await fetch(stack.urls.gateway, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, ...((await response.json()) as Omit<Answer, 'status'>) };
}
const create = async (headers: Record<string, string>, input: { org: string; name?: string; scopes: string[] }) =>
  gateway(CREATE, headers, { input: { name: 'probe', ...input } });
const keysOf = (org: string) => stack.db.prisma.apiKey.findMany({ where: { orgId: org } });

beforeAll(async () => {
  stack = await startTestStack(
    dataDir,
    {},
    { JWT_SECRET: SECRET, JWT_ISSUER: 'https://id.example.test', JWT_AUDIENCE: 'dictamesh', AUTH_ANONYMOUS_SCOPES: '' },
  );
});
afterAll(async () => {
  await stack?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('createApiKey grants only scopes the caller holds', () => {
  it('refuses an organisation admin a dictamesh:platform key (FORBIDDEN naming the scope); no key is stored', async () => {
    const admin = await bearer('acme', 'dictamesh:admin');
    for (const scopes of [['dictamesh:platform'], ['adapters:read', 'dictamesh:platform']]) {
      const answer = await create(admin, { org: 'acme', scopes });
      expect(answer.data?.createApiKey ?? null).toBeNull();
      expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', field: 'scopes', scopes: ['dictamesh:platform'] });
      expect(answer.errors?.[0]?.message).toContain('dictamesh:platform');
    }
    expect(await keysOf('acme')).toEqual([]);
  });

  it('refuses a scope the caller lacks: an API key of an admin cannot mint a platform key either', async () => {
    const admin = await bearer('acme', 'dictamesh:admin');
    const minted = await create(admin, { org: 'acme', scopes: ['dictamesh:admin'] });
    expect(minted.errors).toBeUndefined();
    const asKey = { 'x-api-key': minted.data!.createApiKey!.key };
    const answer = await create(asKey, { org: 'acme', scopes: ['dictamesh:platform', 'dictamesh:admin'] });
    expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', scopes: ['dictamesh:platform'] });
    expect((await keysOf('acme')).map((k) => k.scopes)).toEqual([['dictamesh:admin']]);
  });

  it('still lets an admin mint narrower keys of its organisation (dictamesh:admin passes every scope check but platform)', async () => {
    const answer = await create(await bearer('globex', 'dictamesh:admin'), {
      org: 'globex',
      scopes: ['adapters:read', 'dead-letters:write', 'adapters:read'],
    });
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.createApiKey?.apiKey).toMatchObject({ org: 'globex', scopes: ['adapters:read', 'dead-letters:write'] });
  });

  it('refuses 5,000 scopes, a 100-character scope and scopes outside [a-z][a-z0-9:_.-]* with BAD_USER_INPUT', async () => {
    const admin = await bearer('initech', 'dictamesh:admin');
    const many = await create(admin, { org: 'initech', scopes: Array.from({ length: 5_000 }, (_, i) => `scope-${i}`) });
    expect(many.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'scopes', limit: 32, actual: 5_000 });
    const long = `a${'b'.repeat(99)}`;
    const tooLong = await create(admin, { org: 'initech', scopes: ['adapters:read', long] });
    expect(tooLong.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'scopes' });
    expect(tooLong.errors?.[0]?.message).toContain('64');
    for (const bad of ['Adapters:Read', 'has space', '', 'nul\u0000byte', '9lives']) {
      const answer = await create(admin, { org: 'initech', scopes: [bad] });
      expect({ bad, code: answer.errors?.[0]?.extensions?.code }).toEqual({ bad, code: 'BAD_USER_INPUT' });
    }
    expect(await keysOf('initech')).toEqual([]);
  });

  it('lets a platform caller mint any scope for any organisation, and that key works', async () => {
    const platform = await bearer('operators', 'dictamesh:platform');
    const answer = await create(platform, { org: 'hooli', scopes: ['dictamesh:admin', 'dictamesh:platform'] });
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.createApiKey?.apiKey).toMatchObject({ org: 'hooli', scopes: ['dictamesh:admin', 'dictamesh:platform'] });
    const viewer = await gateway('{ viewer { scopes } }', { 'x-api-key': answer.data!.createApiKey!.key });
    expect(viewer.data?.viewer?.scopes).toEqual(['dictamesh:admin', 'dictamesh:platform']);
  });
});

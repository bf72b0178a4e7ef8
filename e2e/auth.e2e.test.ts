import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayTokens, PRINCIPAL_HEADER } from '@dictamesh/runtime';
import { startTestStack, tempDataDir, type FullStack } from './harness/harness';

const SECRET = 'test-jwt-secret-0123456789abcdef-0123456789';
const dataDir = tempDataDir();
let stack: FullStack;

type Viewer = { subject: string; org: string | null; scopes: string[]; method: string };
type Answer = {
  status: number;
  data?: {
    viewer?: Viewer;
    createApiKey?: { key: string; apiKey: { id: string; org: string } };
    revokeApiKey?: { revokedAt: string | null };
  };
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
};
const call = async (
  url: string,
  query: string,
  headers: Record<string, string> = {},
  variables: Record<string, unknown> = {},
): Promise<Answer> => {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, ...((await response.json()) as Omit<Answer, 'status'>) };
};
const gateway = (query: string, headers: Record<string, string> = {}, variables: Record<string, unknown> = {}) =>
  call(stack.urls.gateway, query, headers, variables);
const jwt = (claims: Record<string, unknown> = {}, options: { secret?: string; issuer?: string; expiresIn?: string | number } = {}) =>
  new SignJWT({ org: 'acme', scope: 'catalog:read', ...claims })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('user-7')
    .setIssuer(options.issuer ?? 'https://id.example.test')
    .setAudience('dictamesh')
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '5m')
    .sign(new TextEncoder().encode(options.secret ?? SECRET));
const bearer = async (...args: Parameters<typeof jwt>) => ({ authorization: `Bearer ${await jwt(...args)}` });
const VIEWER = '{ viewer { subject org scopes method } }';

beforeAll(async () => {
  stack = await startTestStack(
    dataDir,
    {},
    { JWT_SECRET: SECRET, JWT_ISSUER: 'https://id.example.test', JWT_AUDIENCE: 'dictamesh', API_KEY_CACHE_MS: '200' },
  );
});
afterAll(async () => {
  await stack?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('authentication through the gateway', () => {
  it('carries the verified principal to the subgraph; anonymous without credentials', async () => {
    // outside production, requests without credentials get AUTH_ANONYMOUS_SCOPES' default
    expect((await gateway(VIEWER)).data?.viewer).toEqual({
      subject: 'anonymous',
      org: null,
      scopes: ['dictamesh:admin'],
      method: 'ANONYMOUS',
    });
    expect((await gateway(VIEWER, await bearer())).data?.viewer).toEqual({
      subject: 'user-7',
      org: 'acme',
      scopes: ['catalog:read'],
      method: 'JWT',
    });
  });

  it('answers 401 UNAUTHENTICATED for forged, expired, foreign-issuer and wrong-audience tokens', async () => {
    const wrongAudience = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('x')
      .setIssuer('https://id.example.test')
      .setAudience('other-api')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(SECRET));
    const refused = [
      await bearer({}, { secret: 'another-secret-0123456789abcdef-0123456789' }),
      await bearer({}, { expiresIn: Math.floor(Date.now() / 1_000) - 3_600 }),
      await bearer({}, { issuer: 'https://evil.example' }),
      { authorization: `Bearer ${wrongAudience}` },
      { authorization: 'Bearer not-a-jwt' },
    ];
    for (const headers of refused) {
      const answer = await gateway(VIEWER, headers);
      expect(answer).toMatchObject({ status: 401, errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
      expect(answer.data ?? null).toBeNull();
    }
  });

  it('creates organisation API keys for admins only; a key authenticates until revoked', async () => {
    const create = 'mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { key apiKey { id org scopes revokedAt } } }';
    const input = { org: 'globex', name: 'ci-deploy', scopes: ['catalog:read'] };
    const denied = await gateway(create, await bearer(), { input }); // no dictamesh:admin: the gateway removes the field
    expect(denied).toMatchObject({ data: null, errors: [{ path: ['createApiKey'], extensions: { code: 'UNAUTHORIZED' } }] });
    const otherOrg = await gateway(create, await bearer({ scope: 'dictamesh:admin' }), { input }); // admin of acme, not globex
    expect(otherOrg.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const created = await gateway(create, await bearer({ scope: 'dictamesh:admin', org: 'globex' }), { input });
    expect(created.errors).toBeUndefined();
    const { key, apiKey } = created.data!.createApiKey!;
    expect(key).toMatch(/^dmk_[A-Za-z0-9]{12}_/);
    expect(apiKey.org).toBe('globex');
    const row = await stack.db.prisma.apiKey.findUnique({ where: { id: apiKey.id } });
    expect(JSON.stringify(row)).not.toContain(key.slice(`dmk_${apiKey.id}_`.length)); // only the hash is stored (the secret may contain "_")

    expect((await gateway(VIEWER, { 'x-api-key': key })).data?.viewer).toEqual({
      subject: `api-key:${apiKey.id}`,
      org: 'globex',
      scopes: ['catalog:read'],
      method: 'API_KEY',
    });
    const revoked = await gateway(
      'mutation ($id: ID!) { revokeApiKey(id: $id) { revokedAt } }',
      await bearer({ scope: 'dictamesh:admin', org: 'globex' }),
      {
        id: apiKey.id,
      },
    );
    expect(revoked.data?.revokeApiKey?.revokedAt).not.toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 300)); // API_KEY_CACHE_MS
    expect(await gateway(VIEWER, { authorization: `Bearer ${key}` })).toMatchObject({
      status: 401,
      errors: [{ message: 'This API key was revoked.' }],
    });
  });

  it('subgraphs refuse requests that did not come through the gateway', async () => {
    const direct = (headers: Record<string, string>) => call(stack.urls.catalog, VIEWER, headers);
    expect((await direct({})).status).toBe(401);
    expect((await direct({ [PRINCIPAL_HEADER]: await jwt({ org: 'globex' }) })).status).toBe(401); // a user's JWT is not a gateway token
    const otherKey = new GatewayTokens(Buffer.alloc(32, 7).toString('base64'));
    const forged = { subject: 'root', org: 'globex', scopes: ['dictamesh:admin'], method: 'jwt' as const };
    expect((await direct({ [PRINCIPAL_HEADER]: await otherKey.sign(forged) })).status).toBe(401);
    // only the holder of the shared key can speak for the gateway
    const shared = new GatewayTokens(readFileSync(join(dataDir, 'subgraph-token.key'), 'utf8').trim());
    expect((await direct({ [PRINCIPAL_HEADER]: await shared.sign(forged) })).data?.viewer).toMatchObject({ subject: 'root' });
    // the gateway's own readiness probes are signed
    expect((await fetch(stack.urls.gateway.replace('/graphql', '/readyz'))).status).toBe(200);
  });
});

import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey, GatewayTokens, type Principal } from '@dictamesh/runtime';
import { json, startLocalServer, type LocalServer } from '../../../test/local-server';
import { ApiKeyVerifier, type ApiKeyRecord } from '../auth/api-keys';
import { jwtVerifier } from '../auth/jwt';
import { cachedSigner, createAuthenticator } from './authentication';

let idp: LocalServer;
type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
let signingKey: PrivateKey;
let otherKey: PrivateKey;

beforeAll(async () => {
  // a loopback identity provider publishing its RS256 key as a JWKS
  const pair = await generateKeyPair('RS256');
  signingKey = pair.privateKey;
  otherKey = (await generateKeyPair('RS256')).privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  idp = await startLocalServer();
  idp.handle((_req, res) => json(res, 200, { keys: [jwk] }));
});
afterAll(() => idp.close());

const token = (key: PrivateKey, claims: Record<string, unknown> = {}, issuer = 'https://id.example.test') =>
  new SignJWT({ org: 'acme', scope: 'catalog:read dictamesh:admin', ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setSubject('user-7')
    .setIssuer(issuer)
    .setAudience('dictamesh')
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(key);

describe('authentication', () => {
  it('verifies JWTs against the identity provider JWKS, with issuer and audience', async () => {
    const verify = jwtVerifier({ jwksUrl: `${idp.url}/.well-known/jwks.json`, issuer: 'https://id.example.test', audience: 'dictamesh' });
    expect(await verify(await token(signingKey))).toEqual({
      subject: 'user-7',
      org: 'acme',
      scopes: ['catalog:read', 'dictamesh:admin'],
      method: 'jwt',
    } satisfies Principal);
    expect((await verify(await token(signingKey, { scope: undefined, scp: ['a', 'b'] }))).scopes).toEqual(['a', 'b']);
    await expect(verify(await token(otherKey))).rejects.toMatchObject({ code: 'UNAUTHENTICATED' }); // not the IdP's key
    await expect(verify(await token(signingKey, {}, 'https://evil.example'))).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
      message: expect.stringMatching(/iss/),
    });
    const expired = await new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setSubject('user-7')
      .setIssuer('https://id.example.test')
      .setAudience('dictamesh')
      .setExpirationTime(Math.floor(Date.now() / 1_000) - 120)
      .sign(signingKey);
    await expect(verify(expired)).rejects.toMatchObject({ message: expect.stringMatching(/exp/) });
    // within the clock skew an expired token still passes
    const lenient = jwtVerifier({ jwksUrl: `${idp.url}/jwks`, clockSkewSeconds: 300 });
    expect((await lenient(expired)).subject).toBe('user-7');
  });

  it('verifies API keys by their hashed secret and refuses revoked ones after the cache time', async () => {
    const { id, key, secretHash } = generateApiKey();
    const record: ApiKeyRecord = { id, org: 'acme', scopes: ['catalog:read'], secretHash, revokedAt: null };
    let now = 1_000; // the cache's clock, ms: moved by the test, not by how fast it runs
    const keys = new ApiKeyVerifier({ find: async (wanted) => (wanted === id ? { ...record } : null) }, 100, () => now); // a fresh row per lookup, as a database gives
    const authenticate = createAuthenticator({ mode: 'required', apiKeys: keys });
    const expected = { subject: `api-key:${id}`, org: 'acme', scopes: ['catalog:read'], method: 'api-key' };
    expect(await authenticate({ 'x-api-key': key })).toEqual(expected);
    expect(await authenticate({ authorization: `Bearer ${key}` })).toEqual(expected);
    await expect(authenticate({ 'x-api-key': `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}` })).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
    await expect(authenticate({ 'x-api-key': generateApiKey().key })).rejects.toMatchObject({ message: 'Unknown API key.' });
    record.revokedAt = new Date();
    now = 1_099;
    expect(await authenticate({ 'x-api-key': key })).toEqual(expected); // cached for up to 100 ms
    now = 1_101;
    await expect(authenticate({ 'x-api-key': key })).rejects.toMatchObject({ message: 'This API key was revoked.' });
  });

  it('runs requests without credentials as anonymous only when authentication is optional', async () => {
    expect(await createAuthenticator({ mode: 'optional' })({})).toMatchObject({ method: 'anonymous' });
    await expect(createAuthenticator({ mode: 'required' })({})).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    // credentials the gateway cannot check are refused, not ignored
    await expect(createAuthenticator({ mode: 'optional' })({ authorization: 'Bearer abc.def.ghi' })).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
    await expect(createAuthenticator({ mode: 'optional' })({ 'x-api-key': 'dmk_x' })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('signs the request origin with the principal, one token per principal and origin', async () => {
    const tokens = new GatewayTokens(Buffer.alloc(32, 7).toString('base64'));
    const sign = cachedSigner(tokens);
    const principal: Principal = { subject: 'user-7', org: 'acme', scopes: [], method: 'jwt' };
    const origin = { requestId: 'req-9', ip: '198.51.100.4', userAgent: 'curl/8' };
    const token = await sign(principal, origin);
    expect(await sign(principal, { ...origin })).toBe(token);
    expect(await sign(principal, { ...origin, requestId: 'req-10' })).not.toBe(token);
    expect(await tokens.verifyRequest(token)).toEqual({ principal, origin });
  });
});

import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { ANONYMOUS, GatewayTokens, NO_ORIGIN, type Principal } from './principal';

const key = randomBytes(32).toString('base64');
const tokens = new GatewayTokens(key);
const acme: Principal = { subject: 'user-7', org: 'acme', scopes: ['catalog:read'], method: 'jwt' };

describe('gateway principal tokens', () => {
  it('round-trips a principal and the anonymous one', async () => {
    expect(await tokens.verify(await tokens.sign(acme))).toEqual(acme);
    expect(await tokens.verify(await tokens.sign(ANONYMOUS))).toEqual(ANONYMOUS);
  });

  it('carries the request origin (request id, client address, user agent cut at 300 characters)', async () => {
    const origin = { requestId: 'req-42', ip: '203.0.113.9', userAgent: 'x'.repeat(400) };
    expect(await tokens.verifyRequest(await tokens.sign(acme, origin))).toEqual({
      principal: acme,
      origin: { requestId: 'req-42', ip: '203.0.113.9', userAgent: 'x'.repeat(300) },
    });
    expect(await tokens.verifyRequest(await tokens.sign(acme))).toEqual({ principal: acme, origin: NO_ORIGIN });
  });

  it('refuses missing, altered, foreign-key, expired and wrong-audience tokens', async () => {
    const good = await tokens.sign(acme);
    const [header, payload, signature] = good.split('.') as [string, string, string];
    const elevated = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), org: 'globex' })).toString(
      'base64url',
    );
    const raw = new Uint8Array(Buffer.from(key, 'base64'));
    const forged = [
      undefined,
      `${header}.${elevated}.${signature}`,
      await new GatewayTokens(randomBytes(32).toString('base64')).sign(acme),
      await new SignJWT({ org: 'acme' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('user-7')
        .setIssuer('dictamesh-gateway')
        .setAudience('dictamesh-subgraph')
        .setExpirationTime(Math.floor(Date.now() / 1_000) - 60)
        .sign(raw),
      await new SignJWT({ org: 'acme' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('user-7')
        .setIssuer('dictamesh-gateway')
        .setAudience('elsewhere')
        .setExpirationTime('1m')
        .sign(raw),
    ];
    for (const token of forged) await expect(tokens.verify(token)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('needs a 256-bit key', () => {
    expect(() => new GatewayTokens(randomBytes(16).toString('base64'))).toThrow(/32 bytes/);
  });
});

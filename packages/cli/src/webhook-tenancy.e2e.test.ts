import { createHmac } from 'node:crypto';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entityTopic, toEntityChangeEvent } from '@dictamesh/events';
import { createLogger } from '@dictamesh/runtime';
import { startTestStack, tempDataDir, type FullStack } from '../test/harness';

// Two organisations register a Chatwoot adapter for the SAME account id (12): two self-hosted
// Chatwoot instances both have account 1, or both organisations follow one cloud account. acme
// registered first; globex's adapter id sorts before acme's, which made globex's secret the one
// that verified every delivery of the account (and globex the owner of what they carried).
// Production mode: deliveries nobody can verify are refused.
const JWT_SECRET = 'test-jwt-secret-0123456789abcdef-0123456789';
const ISSUER = 'https://issuer.test';
const AUDIENCE = 'dictamesh-tests';
const ADAPTERS_DIR = fileURLToPath(new URL('../../../adapters', import.meta.url));
const ACME_SECRET = 'acme-webhook-secret-0123456789';
const GLOBEX_SECRET = 'globex-webhook-secret-987654321';
const dataDir = tempDataDir();
const logLines: string[] = [];
let stack: FullStack;

const token = (org: string) =>
  new SignJWT({ org, scope: 'dictamesh:admin' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(`user@${org}`)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setExpirationTime('10m')
    .sign(new TextEncoder().encode(JWT_SECRET));
async function as<T>(org: string, query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(stack.urls.gateway, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await token(org)}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: T; errors?: Array<{ message: string; extensions?: { code?: string } }> };
}
const displayName = async (org: string, urn: string) =>
  (await as<{ entity: { displayName: string } | null }>(org, 'query ($urn: ID!) { entity(urn: $urn) { displayName } }', { urn })).data
    ?.entity?.displayName ?? null;

/** POSTs a body to a webhook path, signed with `secret` (Chatwoot ≥ 4.11 scheme) when given. */
async function deliver(path: string, body: string, secret?: string, contentType = 'application/json') {
  const headers: Record<string, string> = { 'content-type': contentType };
  if (secret) {
    const timestamp = String(Math.floor(Date.now() / 1_000));
    headers['x-chatwoot-timestamp'] = timestamp;
    headers['x-chatwoot-signature'] = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
  }
  const response = await fetch(`${stack.urls.webhooks}${path}`, { method: 'POST', headers, body });
  return { status: response.status, body: (await response.json()) as { code?: string; accepted?: number } };
}
const contact = (id: number, name: string, account = 12) =>
  JSON.stringify({ event: 'contact_updated', id, name, account: { id: account, name: 'Shop' } });

async function register(org: string, id: string, webhookSecret: string) {
  const answer = await as(org, 'mutation ($input: RegisterAdapterInput!) { registerAdapter(input: $input) { id } }', {
    input: {
      id,
      kind: 'chatwoot',
      config: { baseUrl: 'http://127.0.0.1:9', accountId: 12, apiAccessToken: 't', timeoutMs: 200, webhookSecret },
    },
  });
  expect(answer.errors).toBeUndefined();
}

beforeAll(async () => {
  stack = await startTestStack(
    dataDir,
    { logger: createLogger('webhook-tenancy', 'warn', { write: (line: string) => void logLines.push(line) }) },
    {
      NODE_ENV: 'production',
      JWT_SECRET,
      JWT_ISSUER: ISSUER,
      JWT_AUDIENCE: AUDIENCE,
      DICTAMESH_ADAPTER_DIRS: ADAPTERS_DIR,
      ADAPTER_SYNC_INTERVAL_MS: '0',
      ADAPTER_ALLOWED_HOSTS: '127.0.0.1',
    },
  );
  await register('acme', 'cw-acme', ACME_SECRET);
  await register('globex', 'cw-0-globex', GLOBEX_SECRET); // same account, sorts first
}, 90_000);
afterAll(async () => {
  await stack?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('Chatwoot webhooks of one account registered by two organisations (production mode)', () => {
  it("accepts the first organisation's signed deliveries on its registration's route and on the account route, as its own", async () => {
    const viaAccount = await deliver('/chatwoot/accounts/12', contact(5002, 'Acme Second'), ACME_SECRET);
    expect(viaAccount).toMatchObject({ status: 202, body: { accepted: 1 } });
    const viaRegistration = await deliver('/chatwoot/adapters/cw-acme', contact(5001, 'Acme Customer'), ACME_SECRET);
    expect(viaRegistration).toMatchObject({ status: 202, body: { accepted: 1 } });
    expect(await stack.drained(15_000)).toBe(true);
    for (const [urn, name] of [
      ['dictamesh:chatwoot:account/12:contact:5001', 'Acme Customer'],
      ['dictamesh:chatwoot:account/12:contact:5002', 'Acme Second'],
    ] as const) {
      expect(await displayName('acme', urn)).toBe(name);
      expect(await displayName('globex', urn)).toBeNull();
    }
  });

  it("never lets the second organisation's secret verify the first one's route, nor its deliveries land in the first one", async () => {
    // globex's secret does not open acme's registration route
    expect(await deliver('/chatwoot/adapters/cw-acme', contact(5001, 'pwned'), GLOBEX_SECRET)).toMatchObject({
      status: 401,
      body: { code: 'WEBHOOK_SIGNATURE_INVALID' },
    });
    // globex's own deliveries are globex's: a new contact lands in globex only
    expect(await deliver('/chatwoot/adapters/cw-0-globex', contact(6001, 'Globex Customer'), GLOBEX_SECRET)).toMatchObject({
      status: 202,
    });
    expect(await deliver('/chatwoot/accounts/12', contact(6002, 'Globex Second'), GLOBEX_SECRET)).toMatchObject({ status: 202 });
    expect(await stack.drained(15_000)).toBe(true);
    expect(await displayName('globex', 'dictamesh:chatwoot:account/12:contact:6001')).toBe('Globex Customer');
    expect(await displayName('globex', 'dictamesh:chatwoot:account/12:contact:6002')).toBe('Globex Second');
    expect(await displayName('acme', 'dictamesh:chatwoot:account/12:contact:6001')).toBeNull();
  });

  it('counts, logs and dead-letters (in the sender’s list) a change to a URN another organisation holds', async () => {
    const metric = async () => {
      const text = await (await fetch(stack.urls.catalog.replace(/\/graphql$/, '/metrics'))).text();
      const line = text.split('\n').find((l) => l.startsWith('dictamesh_catalog_foreign_changes_total{') && l.includes('org="globex"'));
      return line ? Number(line.split(' ').pop()) : 0;
    };
    // acme holds the URN (published as acme, so this test stands on its own)
    const urn = 'dictamesh:chatwoot:account/12:contact:5003';
    const held = {
      urn,
      source: 'chatwoot',
      entityType: 'contact',
      sourceId: '5003',
      domain: 'support',
      operation: 'updated' as const,
      displayName: 'Acme Held',
      attributes: { name: 'Acme Held' },
      occurredAt: '2026-01-01T00:00:00.000Z',
      relationships: [],
    };
    await stack.bus.publish(entityTopic('updated'), [
      { key: urn, event: toEntityChangeEvent(held, { id: 'acme-held-5003', source: '/test/acme', org: 'acme' }) },
    ]);
    expect(await stack.drained(15_000)).toBe(true);
    expect(await displayName('acme', urn)).toBe('Acme Held');

    const before = await metric();
    const answer = await deliver('/chatwoot/accounts/12', contact(5003, 'Overwritten by globex'), GLOBEX_SECRET);
    expect(answer).toMatchObject({ status: 202, body: { accepted: 1 } });
    expect(await stack.drained(15_000)).toBe(true);
    expect(await displayName('acme', urn)).toBe('Acme Held');
    expect(await displayName('globex', urn)).toBeNull();

    type DeadLetters = { deadLetters: { nodes: Array<{ subject: string | null; error: string; consumerGroup: string }> } };
    const listed = async (org: string) =>
      (await as<DeadLetters>(org, '{ deadLetters { nodes { subject error consumerGroup } } }')).data!.deadLetters.nodes;
    const deadOf = async (org: string) => (await listed(org)).filter((d) => d.subject === urn);
    // the dead-letter recorder is a consumer group of its own: wait for it, bounded
    await expect.poll(async () => (await deadOf('globex')).length, { timeout: 15_000 }).toBe(1);
    const dead = await deadOf('globex');
    expect(dead).toHaveLength(1);
    expect(dead[0]!.error).toMatch(/another organisation/);
    expect(dead[0]!.error).not.toContain('acme'); // the owner is not revealed to the sender
    expect(await deadOf('acme')).toEqual([]);
    expect(await metric()).toBe(before + 1);
    const logged = logLines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'foreign change refused');
    expect(logged).toContainEqual(expect.objectContaining({ org: 'globex', owner: 'acme', urn }));
  });

  it('refuses deliveries nobody can verify: an unregistered account, an unknown registration, an unsigned one', async () => {
    const unregistered = contact(7000, 'Squatter', 777);
    expect(await deliver('/chatwoot/accounts/777', unregistered)).toMatchObject({ status: 401, body: { code: 'WEBHOOK_UNVERIFIED' } });
    expect(await deliver('/chatwoot', unregistered)).toMatchObject({ status: 401, body: { code: 'WEBHOOK_UNVERIFIED' } });
    expect(await deliver('/chatwoot/adapters/cw-nobody', contact(7001, 'x'))).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
    expect(await deliver('/chatwoot/accounts/12', contact(7002, 'unsigned'))).toMatchObject({ status: 401 });
    expect(await deliver('/chatwoot/adapters/cw-acme', contact(7003, 'unsigned'))).toMatchObject({
      status: 401,
      body: { code: 'WEBHOOK_SIGNATURE_INVALID' },
    });
  });

  it('answers 415 UNSUPPORTED_MEDIA_TYPE to a text/plain body, as documented', async () => {
    for (const path of ['/chatwoot/accounts/12', '/chatwoot/adapters/cw-acme', '/chatwoot']) {
      const answer = await deliver(path, contact(7004, 'text'), ACME_SECRET, 'text/plain');
      expect({ path, ...answer }).toMatchObject({ path, status: 415, body: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
    }
  });
});

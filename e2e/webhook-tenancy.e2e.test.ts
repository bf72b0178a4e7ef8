import { createHmac } from 'node:crypto';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deterministicEventId, drain, entityTopic, toEntityChangeEvent, type EntityChange } from '@dictamesh/events';
import { DEAD_LETTER_CONSUMER_GROUP } from '@dictamesh/subgraph-catalog';
import { startTestStack, tempDataDir, type FullStack } from './harness/harness';

// Two organisations register a Chatwoot adapter for the SAME account id (12): two self-hosted
// Chatwoot instances both have account 1, or both organisations follow one cloud account. acme
// registered first; globex's adapter id sorts before acme's, which made globex's secret the one
// that verified every delivery of the account (and globex the owner of what they carried).
// Production mode: deliveries nobody can verify are refused. Each organisation holds its own
// entities of the account: the catalog's key is (organisation, URN), so the same URNs (and the
// same state-derived event ids) live side by side, and publishing first takes nothing from the other.
const JWT_SECRET = 'test-jwt-secret-0123456789abcdef-0123456789';
const ISSUER = 'https://issuer.test';
const AUDIENCE = 'dictamesh-tests';
const ADAPTERS_DIR = fileURLToPath(new URL('../adapters', import.meta.url));
const ACME_SECRET = 'acme-webhook-secret-0123456789';
const GLOBEX_SECRET = 'globex-webhook-secret-987654321';
const dataDir = tempDataDir();
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

async function register(org: string, id: string, webhookSecret: string | undefined, accountId = 12) {
  const answer = await as(org, 'mutation ($input: RegisterAdapterInput!) { registerAdapter(input: $input) { id } }', {
    input: {
      id,
      kind: 'chatwoot',
      config: {
        baseUrl: 'http://127.0.0.1:9',
        accountId,
        apiAccessToken: 't',
        timeoutMs: 200,
        ...(webhookSecret ? { webhookSecret } : {}),
      },
    },
  });
  expect(answer.errors).toBeUndefined();
}

type DeadLetters = { deadLetters: { nodes: Array<{ subject: string | null; error: string }> } };
/** The organisation's dead letters, once the dead-letter recorder (a consumer group of its own) caught up. */
async function deadLettersOf(org: string) {
  expect(await drain(stack.bus, DEAD_LETTER_CONSUMER_GROUP, 15_000)).toBe(true);
  return (await as<DeadLetters>(org, '{ deadLetters { nodes { subject error } } }')).data!.deadLetters.nodes;
}

beforeAll(async () => {
  stack = await startTestStack(
    dataDir,
    {},
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

  it('lets both organisations hold the same URNs side by side, each seeing only its own version through the gateway', async () => {
    // both sync the same account: the same record state gives the same state-derived event id
    const urn = 'dictamesh:chatwoot:account/12:contact:5003';
    const inbox = 'dictamesh:chatwoot:account/12:inbox:1';
    const at = '2026-01-01T00:00:00.000Z';
    const state = (org: string): EntityChange[] => [
      {
        urn,
        source: 'chatwoot',
        entityType: 'contact',
        sourceId: '5003',
        domain: 'support',
        operation: 'updated',
        displayName: 'Shared Customer',
        attributes: { name: 'Shared Customer' },
        occurredAt: at,
        searchText: 'shared customer of both organisations',
        relationships: [{ type: 'IN_INBOX', toUrn: inbox, cardinality: 'MANY_TO_ONE' }],
      },
      {
        urn: inbox,
        source: 'chatwoot',
        entityType: 'inbox',
        sourceId: '1',
        domain: 'support',
        operation: 'updated',
        displayName: `${org} inbox`,
        attributes: { name: `${org} inbox` },
        occurredAt: at,
        relationships: [],
      },
    ];
    for (const [org, adapter] of [
      ['acme', 'cw-acme'],
      ['globex', 'cw-0-globex'],
    ] as const) {
      await stack.bus.publish(
        entityTopic('updated'),
        state(org).map((c) => ({
          key: c.urn,
          event: toEntityChangeEvent(c, {
            id: deterministicEventId('chatwoot', c.urn, c.occurredAt, JSON.stringify(c.attributes)),
            source: `/adapters/${adapter}`,
            org,
          }),
        })),
      );
    }
    expect(await stack.drained(15_000)).toBe(true);
    // then globex's Chatwoot changes its copy (a signed delivery to its own registration)
    expect(await deliver('/chatwoot/adapters/cw-0-globex', contact(5003, 'Globex Edit'), GLOBEX_SECRET)).toMatchObject({ status: 202 });
    expect(await stack.drained(15_000)).toBe(true);

    type Seen = {
      entity: { displayName: string; related: Array<{ displayName: string }>; events: Array<{ source: string }> } | null;
      entities: { nodes: Array<{ urn: string; displayName: string }> };
      search: Array<{ entity: { urn: string; displayName: string } }>;
    };
    const seen = async (org: string) =>
      (
        await as<Seen>(
          org,
          `query ($urn: ID!) {
            entity(urn: $urn) { displayName related(direction: OUTGOING) { displayName } events(last: 10) { source } }
            entities(filter: { type: "contact" }, first: 100) { nodes { urn displayName } }
            search(text: "shared customer of both organisations", k: 50, filter: { type: "contact" }) { entity { urn displayName } }
          }`,
          { urn },
        )
      ).data!;
    const acme = await seen('acme');
    expect(acme.entity).toMatchObject({ displayName: 'Shared Customer', related: [{ displayName: 'acme inbox' }] });
    expect(acme.entity!.events.map((e) => e.source)).toEqual(['/adapters/cw-acme']);
    expect(acme.entities.nodes.filter((n) => n.urn === urn)).toEqual([{ urn, displayName: 'Shared Customer' }]);
    expect(acme.search.filter((h) => h.entity.urn === urn)).toEqual([{ entity: { urn, displayName: 'Shared Customer' } }]);
    const globex = await seen('globex');
    expect(globex.entity).toMatchObject({ displayName: 'Globex Edit', related: [{ displayName: 'globex inbox' }] });
    expect(globex.entity!.events).toHaveLength(2);
    expect(globex.entity!.events.every((e) => e.source !== '/adapters/cw-acme')).toBe(true);
    expect(globex.entities.nodes.filter((n) => n.urn === urn)).toEqual([{ urn, displayName: 'Globex Edit' }]);
    expect(globex.search.filter((h) => h.entity.urn === urn)).toEqual([{ entity: { urn, displayName: 'Globex Edit' } }]);
    // nothing was refused: neither organisation has a dead letter for it
    expect((await deadLettersOf('acme')).filter((d) => d.subject === urn)).toEqual([]);
    expect((await deadLettersOf('globex')).filter((d) => d.subject === urn)).toEqual([]);
  });

  it('gives an organisation its own entities of an account another organisation published first (no squatting)', async () => {
    // globex registers account 13 and publishes signed deliveries for it before acme registers it
    await register('globex', 'cw-globex-13', GLOBEX_SECRET, 13);
    const same = contact(8001, 'Same Body', 13); // the very delivery acme will send: the same event id
    expect(await deliver('/chatwoot/adapters/cw-globex-13', same, GLOBEX_SECRET)).toMatchObject({ status: 202 });
    expect(await deliver('/chatwoot/adapters/cw-globex-13', contact(8002, 'Squatted by globex', 13), GLOBEX_SECRET)).toMatchObject({
      status: 202,
    });
    expect(await stack.drained(15_000)).toBe(true);

    await register('acme', 'cw-acme-13', ACME_SECRET, 13);
    expect(await deliver('/chatwoot/adapters/cw-acme-13', same, ACME_SECRET)).toMatchObject({ status: 202 });
    expect(await deliver('/chatwoot/adapters/cw-acme-13', contact(8002, 'Acme Real', 13), ACME_SECRET)).toMatchObject({ status: 202 });
    expect(await stack.drained(15_000)).toBe(true);

    expect(await displayName('acme', 'dictamesh:chatwoot:account/13:contact:8001')).toBe('Same Body');
    expect(await displayName('acme', 'dictamesh:chatwoot:account/13:contact:8002')).toBe('Acme Real');
    expect(await displayName('globex', 'dictamesh:chatwoot:account/13:contact:8002')).toBe('Squatted by globex');
    const acme13 = await as<{ entities: { nodes: Array<{ urn: string; displayName: string }> } }>(
      'acme',
      '{ entities(first: 100) { nodes { urn displayName } } }',
    );
    expect(acme13.data!.entities.nodes.filter((n) => n.urn.startsWith('dictamesh:chatwoot:account/13:'))).toEqual([
      { urn: 'dictamesh:chatwoot:account/13:contact:8001', displayName: 'Same Body' },
      { urn: 'dictamesh:chatwoot:account/13:contact:8002', displayName: 'Acme Real' },
    ]);
    for (const org of ['acme', 'globex']) {
      expect((await deadLettersOf(org)).filter((d) => d.subject?.startsWith('dictamesh:chatwoot:account/13:'))).toEqual([]);
    }
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

  it('refuses unsigned deliveries to the route of a registration without secret or token (ids are names, not secrets)', async () => {
    await register('acme', 'cw-acme-open', undefined, 14);
    expect(await deliver('/chatwoot/adapters/cw-acme-open', contact(7004, 'Injected', 14))).toMatchObject({
      status: 401,
      body: { code: 'WEBHOOK_UNVERIFIED' },
    });
    expect(await stack.drained(15_000)).toBe(true);
    expect(await displayName('acme', 'dictamesh:chatwoot:account/14:contact:7004')).toBeNull();
  });

  it('answers 415 UNSUPPORTED_MEDIA_TYPE to a text/plain body, as documented', async () => {
    for (const path of ['/chatwoot/accounts/12', '/chatwoot/adapters/cw-acme', '/chatwoot']) {
      const answer = await deliver(path, contact(7004, 'text'), ACME_SECRET, 'text/plain');
      expect({ path, ...answer }).toMatchObject({ path, status: 415, body: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
    }
  });
});

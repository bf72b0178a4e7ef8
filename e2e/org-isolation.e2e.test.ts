import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient, type Client } from 'graphql-ws';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { drain, entityTopic, toEntityChangeEvent, type EntityChange } from '@dictamesh/events';
import { DEAD_LETTER_CONSUMER_GROUP } from '@dictamesh/subgraph-catalog';
import { FakeChatwoot } from '../adapters/chatwoot/test/fake-chatwoot';
import { FIXTURES, gatewaySubscriptions, postWebhook, startTestStack, tempDataDir, type FullStack } from './harness/harness';

// Two organisations on one DictaMesh: acme ingests from Chatwoot (an adapter it registered, and
// webhooks of that account); globex publishes its own entity changes, including one of a URN acme
// holds (globex gets its own entity of that URN: an organisation is the namespace of URNs) and one
// relationship naming it. Nothing of one may reach the other, through any root field, nested
// field, mutation or subscription.
const SECRET = 'test-jwt-secret-0123456789abcdef-0123456789';
const ADAPTERS_DIR = fileURLToPath(new URL('../adapters', import.meta.url));
const dataDir = tempDataDir();
let stack: FullStack;
let fake: FakeChatwoot;
const clients: Client[] = [];

const token = (org: string | null, scope = 'dictamesh:admin') =>
  new SignJWT({ ...(org ? { org } : {}), scope })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(`user@${org}`)
    .setExpirationTime('10m')
    .sign(new TextEncoder().encode(SECRET));
type Answer<T> = { status: number; data?: T; errors?: Array<{ message: string; path?: unknown[]; extensions?: { code?: string } }> };
async function as<T = Record<string, unknown>>(
  org: string | null,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (org !== null) headers.authorization = `Bearer ${await token(org)}`;
  const response = await fetch(stack.urls.gateway, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  return { status: response.status, ...((await response.json()) as Omit<Answer<T>, 'status'>) };
}
const change = (urn: string, attributes: Record<string, unknown>, relationships: EntityChange['relationships'] = []): EntityChange => ({
  urn,
  source: 'crm',
  entityType: 'account',
  sourceId: urn.split(':').pop()!,
  domain: 'sales',
  operation: 'updated',
  displayName: String(attributes.name),
  attributes,
  occurredAt: '2030-01-01T00:00:00.000Z', // newer than anything of the fake account: only the organisation check can stop it
  searchText: 'shared words for similarity search',
  relationships,
});
async function publishAs(org: string, changes: EntityChange[]) {
  await stack.bus.publish(
    entityTopic('updated'),
    changes.map((c) => ({
      key: c.urn,
      event: toEntityChangeEvent(c, { id: `${org}-${c.urn}-${c.displayName}`, source: `/crm/${org}`, org }),
    })),
  );
  if (!(await stack.drained(15_000))) throw new Error('the catalog did not apply the changes in 15 s');
}

let ACME_CONTACT: string;
const GLOBEX_ACCOUNT = 'dictamesh:crm:account:globex-1';

beforeAll(async () => {
  fake = await FakeChatwoot.start({ contacts: 3, conversations: 2, messagesOfFirst: 2 });
  ACME_CONTACT = `dictamesh:chatwoot:account/12:contact:${fake.contacts[0]!.id}`;
  stack = await startTestStack(
    dataDir,
    {},
    { JWT_SECRET: SECRET, DICTAMESH_ADAPTER_DIRS: ADAPTERS_DIR, ADAPTER_SYNC_INTERVAL_MS: '0', AUTH_ANONYMOUS_SCOPES: '' },
  );
  const registered = await as('acme', 'mutation ($input: RegisterAdapterInput!) { registerAdapter(input: $input) { id } }', {
    input: { id: 'cw-acme', kind: 'chatwoot', config: { baseUrl: fake.url, accountId: 12, apiAccessToken: 'cw-token' } },
  });
  expect(registered.errors).toBeUndefined();
  await vi.waitFor(
    async () => {
      const answer = await as<{ entities: { totalCount: number } }>('acme', '{ entities { totalCount } }');
      expect(answer.data?.entities.totalCount).toBeGreaterThanOrEqual(3 + 2 + 2);
    },
    { timeout: 30_000, interval: 200 },
  );
  // a webhook of acme's account is acme's: the registration says so
  expect((await postWebhook(stack, readFileSync(join(FIXTURES, 'contact_created.json')))).status).toBe(202);
  await publishAs('globex', [
    change(GLOBEX_ACCOUNT, { name: 'Globex' }, [{ type: 'OWNS', toUrn: ACME_CONTACT, cardinality: 'MANY_TO_MANY' }]),
    change(ACME_CONTACT, { name: 'pwned by globex' }), // a URN acme holds: globex's own copy, acme's untouched
  ]);
  const globexAdapter = await as('globex', 'mutation ($input: RegisterAdapterInput!) { registerAdapter(input: $input) { id } }', {
    input: { id: 'cw-globex', kind: 'chatwoot', config: { baseUrl: 'http://127.0.0.1:9', accountId: 99, apiAccessToken: 't' } },
  });
  expect(globexAdapter.errors).toBeUndefined();
}, 90_000);
afterAll(async () => {
  for (const client of clients) await client.dispose();
  await stack?.close();
  await fake?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

type Entities = { entities: { totalCount: number; nodes: Array<{ urn: string }> } };
const urnsOf = (answer: Answer<Entities>) => answer.data!.entities.nodes.map((n) => n.urn);

describe('organisation isolation across the catalog subgraph and subscriptions', () => {
  it('lists, finds and searches only the caller organisation’s entities', async () => {
    const acme = await as<Entities>('acme', '{ entities(first: 100) { totalCount nodes { urn } } }');
    const globex = await as<Entities>('globex', '{ entities(first: 100) { totalCount nodes { urn } } }');
    const nobody = await as<Entities>(null, '{ entities(first: 100) { totalCount nodes { urn } } }');
    expect(urnsOf(acme)).toContain(ACME_CONTACT);
    expect(urnsOf(acme)).toContain('dictamesh:chatwoot:account/12:contact:1190'); // from the webhook
    expect(urnsOf(acme).every((u) => u.startsWith('dictamesh:chatwoot:account/12:'))).toBe(true);
    expect(urnsOf(globex).sort()).toEqual([ACME_CONTACT, GLOBEX_ACCOUNT]);
    expect(globex.data!.entities.totalCount).toBe(2);
    expect(nobody.data!.entities).toEqual({ totalCount: 0, nodes: [] }); // the default organisation has nothing here

    const one = '{ entity(urn: "' + ACME_CONTACT + '") { urn displayName attributes } }';
    const theirs = (await as<{ entity: { displayName: string } }>('globex', one)).data!.entity;
    expect(theirs.displayName).toBe('pwned by globex'); // globex's own entity of that URN
    const own = (await as<{ entity: { displayName: string } }>('acme', one)).data!.entity;
    expect(own.displayName).not.toBe('pwned by globex'); // acme's is untouched
    const search = '{ search(text: "shared words for similarity search account", k: 50) { entity { urn displayName } } }';
    const found = async (org: string) =>
      (await as<{ search: Array<{ entity: { urn: string; displayName: string } }> }>(org, search)).data!.search.map((h) => h.entity);
    expect((await found('globex')).sort((a, b) => a.urn.localeCompare(b.urn))).toEqual([
      { urn: ACME_CONTACT, displayName: 'pwned by globex' },
      { urn: GLOBEX_ACCOUNT, displayName: 'Globex' },
    ]);
    const acmeHits = await found('acme');
    expect(acmeHits.map((h) => h.urn)).not.toContain(GLOBEX_ACCOUNT);
    expect(acmeHits.map((h) => h.displayName)).not.toContain('pwned by globex');
  });

  it('hides relationships and event history from another organisation’s entities', async () => {
    const query = `{ entity(urn: "${ACME_CONTACT}") { relationships(direction: INCOMING) { fromUrn } related(direction: INCOMING) { urn } events(last: 50) { source } } }`;
    const acme = await as<{ entity: { relationships: Array<{ fromUrn: string }>; related: unknown[]; events: Array<{ source: string }> } }>(
      'acme',
      query,
    );
    expect(acme.data!.entity.relationships.map((r) => r.fromUrn)).not.toContain(GLOBEX_ACCOUNT);
    expect(acme.data!.entity.events.map((e) => e.source)).not.toContain('/crm/globex');
    const globex = await as<{ entity: { urn: string; related: Array<{ urn: string } | null> } }>(
      'globex',
      `{ entity(urn: "${GLOBEX_ACCOUNT}") { urn related(type: "OWNS") { urn displayName } relationships { toUrn to { displayName } } } }`,
    );
    // globex's own edge names the URN; it resolves to globex's own entity of it, never acme's
    expect(globex.data!.entity.related).toEqual([{ urn: ACME_CONTACT, displayName: 'pwned by globex' }]);
    expect(globex.data).toMatchObject({ entity: { relationships: [{ toUrn: ACME_CONTACT, to: { displayName: 'pwned by globex' } }] } });
  });

  it('keeps adapters, their mutations and API keys within their organisation', async () => {
    const list = (org: string) => as<{ adapters: Array<{ id: string }> }>(org, '{ adapters { id } }');
    expect((await list('acme')).data!.adapters.map((a) => a.id)).toEqual(['cw-acme']);
    expect((await list('globex')).data!.adapters.map((a) => a.id)).toEqual(['cw-globex']);
    expect((await as<{ adapter: unknown }>('globex', '{ adapter(id: "cw-acme") { id config } }')).data!.adapter).toBeNull();
    for (const mutation of ['pauseAdapter', 'resumeAdapter', 'removeAdapter', 'triggerSync']) {
      const answer = await as('globex', `mutation { ${mutation}(id: "cw-acme") { id } }`);
      expect({ mutation, code: answer.errors?.[0]?.extensions?.code }).toEqual({ mutation, code: 'NOT_FOUND' });
    }
    expect((await as<{ adapter: { status: string } }>('acme', '{ adapter(id: "cw-acme") { status } }')).data!.adapter.status).not.toBe(
      'PAUSED',
    );
    const keys = await as('acme', '{ apiKeys(org: "globex") { id } }');
    expect(keys.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const created = await as<{ createApiKey: { apiKey: { org: string } } }>(
      'acme',
      'mutation { createApiKey(input: { org: "acme", name: "ci", scopes: [] }) { apiKey { org } } }',
    );
    expect(created.data?.createApiKey.apiKey.org).toBe('acme');
  });

  it('shows and replays dead letters of the caller organisation only', async () => {
    const row = (org: string, n: number) => ({
      orgId: org,
      eventId: `dead-${org}`,
      eventType: 'dictamesh.entity.updated',
      subject: GLOBEX_ACCOUNT,
      event: {},
      error: 'boom',
      attempts: 5,
      consumerGroup: 'dictamesh-catalog',
      originalTopic: 'dictamesh.entity.updated',
      originalPartition: 0,
      originalOffset: BigInt(n),
      dlqTopic: 'dictamesh.dlq',
      dlqPartition: 0,
      dlqOffset: BigInt(1_000 + n),
    });
    await stack.db.prisma.deadLetter.createMany({ data: [row('acme', 1), row('globex', 2)] });
    const list = async (org: string) =>
      (await as<{ deadLetters: { nodes: Array<{ id: string; eventId: string }> } }>(org, '{ deadLetters { nodes { id eventId } } }')).data!
        .deadLetters.nodes;
    const acme = await list('acme');
    expect(acme.map((d) => d.eventId)).toEqual(['dead-acme']);
    // and nothing else: its change of a URN acme holds was applied to its own entity, not refused
    expect(await drain(stack.bus, DEAD_LETTER_CONSUMER_GROUP, 15_000)).toBe(true);
    expect((await list('globex')).map((d) => d.eventId)).toEqual(['dead-globex']);
    for (const mutation of ['replayDeadLetter', 'discardDeadLetter']) {
      const answer = await as('globex', `mutation { ${mutation}(id: "${acme[0]!.id}") { id } }`);
      expect({ mutation, code: answer.errors?.[0]?.extensions?.code }).toEqual({ mutation, code: 'NOT_FOUND' });
    }
  });

  it('delivers subscription events of the subscriber’s organisation only, and refuses bad credentials', async () => {
    const subscriber = async (org: string | null, bearer?: string) => {
      const client = createClient({
        url: stack.urls.gateway.replace(/^http/, 'ws'),
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        connectionParams: async () => ((bearer ?? org) ? { authorization: `Bearer ${bearer ?? (await token(org))}` } : {}),
      });
      clients.push(client);
      const received: Array<{ urn: string; entity: { displayName: string } | null }> = [];
      let failure: unknown;
      client.subscribe<{ entityChanged: (typeof received)[number] }>(
        { query: 'subscription { entityChanged { urn entity { displayName } } }' },
        { next: (m) => void received.push(m.data!.entityChanged), error: (e) => void (failure = e), complete: () => undefined },
      );
      return { received, failure: () => failure };
    };
    const acme = await subscriber('acme');
    const globex = await subscriber('globex');
    const forged = await subscriber(null, 'not-a-jwt');
    await expect.poll(() => gatewaySubscriptions(stack), { timeout: 30_000 }).toBe(2); // acme and globex (the forged one is refused)
    await expect.poll(() => forged.failure(), { timeout: 30_000 }).toBeDefined();
    await publishAs('globex', [change(GLOBEX_ACCOUNT, { name: 'Globex 2' })]);
    expect((await postWebhook(stack, readFileSync(join(FIXTURES, 'contact_updated.json')))).status).toBe(202);
    await expect.poll(() => acme.received.length + globex.received.length, { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(globex.received).toEqual([{ urn: GLOBEX_ACCOUNT, entity: { displayName: 'Globex 2' } }]);
    expect(acme.received.map((r) => r.urn)).toEqual(['dictamesh:chatwoot:account/12:contact:1187']);
    expect(acme.received[0]!.entity).not.toBeNull();
    expect(forged.received).toEqual([]);
    expect(forged.failure()).toMatchObject({ code: 4403 });
  });
});

import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql, postAllFixtures, postWebhook, startTestStack, tempDataDir, type FullStack } from './harness/harness';

const CONTACT = 'dictamesh:chatwoot:account/12:contact:1187';
const dataDir = tempDataDir();
let stack: FullStack;

beforeAll(async () => {
  stack = await startTestStack(dataDir);
});
afterAll(async () => {
  await stack?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const CONTACT_QUERY = /* GraphQL */ `
  query ($urn: ID!) {
    entity(urn: $urn) {
      urn
      source
      type
      domain
      displayName
      attributes
      conversations: related(type: "WITH_CONTACT", direction: INCOMING) {
        urn
        attributes
        assignee: related(type: "ASSIGNED_TO") {
          urn
          displayName
        }
        messages: related(type: "PART_OF", direction: INCOMING) {
          urn
          attributes
        }
      }
      events(last: 50) {
        id
        type
        operation
      }
    }
  }
`;

type ContactResult = {
  entity: {
    displayName: string;
    attributes: Record<string, unknown>;
    conversations: Array<{
      urn: string;
      attributes: Record<string, unknown>;
      assignee: Array<{ urn: string }>;
      messages: Array<{ urn: string; attributes: { content: string } }>;
    }>;
    events: Array<{ id: string }>;
  };
};

describe('DictaMesh end to end: Chatwoot webhooks in, federated GraphQL out', () => {
  it('is live and ready, with every subgraph answering', async () => {
    const ready = await fetch(stack.urls.gateway.replace(/\/graphql$/, '/readyz'));
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ok',
      subgraphs: { catalog: 'ok', adapters: 'ok', billing: 'ok', config: 'ok', notifications: 'ok' },
      dependencies: { eventBus: 'ok' },
    });
  });

  it('accepts every fixture webhook over HTTP', async () => {
    const statuses = await postAllFixtures(stack);
    expect(statuses).toEqual(Array(statuses.length).fill(202));
    expect(await stack.drained(30_000)).toBe(true);
  });

  it('answers the contact → conversations → messages query through the gateway', async () => {
    const { data, errors } = await gql<ContactResult>(stack, CONTACT_QUERY, { urn: CONTACT });
    expect(errors).toBeUndefined();
    const contact = data!.entity;
    expect(contact).toMatchObject({
      displayName: 'Maya Okafor',
      attributes: { email: 'maya.okafor@example.net', phone_number: '+16085550143' },
    });
    expect(contact.conversations.map((c) => c.urn)).toEqual(['dictamesh:chatwoot:account/12:conversation:214']);
    const [conversation] = contact.conversations;
    expect(conversation!.attributes).toMatchObject({ status: 'resolved', custom_attributes: { order_number: 'LK-50217' } });
    expect(conversation!.assignee.map((a) => a.urn)).toEqual(['dictamesh:chatwoot:account/12:agent:31']);
    expect(conversation!.messages.map((m) => m.urn).sort()).toEqual([
      'dictamesh:chatwoot:account/12:message:40211',
      'dictamesh:chatwoot:account/12:message:40219',
    ]);
    expect(conversation!.messages.map((m) => m.attributes.content)).toContain('Perfect, thank you so much!');
  });

  it('ranks similarity search results by cosine similarity', async () => {
    const { data } = await gql<{ search: Array<{ score: number; entity: { urn: string } }> }>(
      stack,
      `{ search(text: "tent fly torn along a seam", k: 5) { score distance entity { urn } } }`,
    );
    const hits = data!.search;
    expect(hits[0]!.entity.urn).toBe('dictamesh:chatwoot:account/12:message:40211');
    const scores = hits.map((h) => h.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    const filtered = await gql<{ search: Array<{ entity: { urn: string } }> }>(
      stack,
      `{ search(text: "Maya Okafor", k: 3, filter: { type: "contact" }) { entity { urn } } }`,
    );
    expect(filtered.data!.search[0]!.entity.urn).toBe(CONTACT);
    expect(filtered.data!.search.every((h) => h.entity.urn.includes(':contact:'))).toBe(true);
  });

  it('pages through entities with cursors, without gaps or repeats', async () => {
    const page = `query ($after: String) { entities(first: 4, after: $after, filter: { source: "chatwoot" }) { totalCount edges { cursor node { urn } } pageInfo { hasNextPage endCursor } } }`;
    type Page = {
      entities: {
        totalCount: number;
        edges: Array<{ node: { urn: string } }>;
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
    };
    const seen: string[] = [];
    let after: string | null = null;
    let total = 0;
    for (let i = 0; i < 20; i++) {
      const { data }: { data?: Page } = await gql<Page>(stack, page, { after });
      total = data!.entities.totalCount;
      seen.push(...data!.entities.edges.map((e) => e.node.urn));
      if (!data!.entities.pageInfo.hasNextPage) break;
      after = data!.entities.pageInfo.endCursor;
    }
    expect(total).toBeGreaterThan(10);
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
  });

  it('replaying the same deliveries changes nothing (one event-log row per CloudEvent id)', async () => {
    const before = await stack.db.prisma.eventLog.count();
    const entitiesBefore = await stack.db.prisma.entityCatalog.findMany({
      orderBy: { urn: 'asc' },
      select: { urn: true, attributes: true, sourceUpdatedAt: true },
    });
    await postAllFixtures(stack);
    expect(await stack.drained(30_000)).toBe(true);
    expect(await stack.db.prisma.eventLog.count()).toBe(before);
    const entitiesAfter = await stack.db.prisma.entityCatalog.findMany({
      orderBy: { urn: 'asc' },
      select: { urn: true, attributes: true, sourceUpdatedAt: true },
    });
    expect(entitiesAfter).toEqual(entitiesBefore);
  });

  it('rejects abusive GraphQL arguments with BAD_USER_INPUT naming the field', async () => {
    const tooMany = await gql(stack, `{ entities(first: 100000) { totalCount } }`);
    expect(tooMany.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    const badUrn = await gql(stack, `{ entity(urn: "not-a-urn") { urn } }`);
    expect(badUrn.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'urn' });
    const badCursor = await gql(stack, `{ entities(after: "bm9wZQ") { totalCount } }`);
    expect(badCursor.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_CURSOR' });
    const badK = await gql(stack, `{ search(text: "x", k: 0) { score } }`);
    expect(badK.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'k' });
  });
});

describe('bad webhook input', () => {
  it.each([
    ['malformed JSON', '{"event": "contact_created", "id": ', 400, 'MALFORMED_JSON'],
    ['an empty body', '', 400, 'MALFORMED_JSON'],
    ['a JSON array', '[1,2,3]', 422, 'WEBHOOK_INVALID_PAYLOAD'],
    ['a missing event', '{"id": 5, "name": "x"}', 400, 'WEBHOOK_MISSING_EVENT'],
    ['wrong types', '{"event": "contact_created", "id": "five", "account": {"id": 12}}', 422, 'WEBHOOK_INVALID_PAYLOAD'],
    ['a body from another account', '{"event": "contact_created", "id": 5, "account": {"id": 99}}', 422, 'WEBHOOK_ACCOUNT_MISMATCH'],
  ])('answers %s with %i %s', async (_what, body, status, code) => {
    const response = await postWebhook(stack, body);
    expect(response.status).toBe(status);
    expect(response.body.code).toBe(code);
    expect(typeof response.body.message).toBe('string');
  });

  it('accepts unknown events as 202 ignored', async () => {
    const response = await postWebhook(stack, '{"event": "campaign_launched", "id": 1}');
    expect(response).toEqual({ status: 202, body: expect.objectContaining({ ignored: true, code: 'WEBHOOK_EVENT_IGNORED' }) });
  });

  it('refuses a 2 MB body with 413 and a non-JSON content type with 415', async () => {
    const big = JSON.stringify({ event: 'contact_created', id: 1, account: { id: 12 }, name: 'x'.repeat(2 * 1024 * 1024) });
    const tooLarge = await postWebhook(stack, big);
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', limitBytes: 1024 * 1024 });
    const form = await postWebhook(stack, 'event=contact_created', 'application/x-www-form-urlencoded');
    expect(form.status).toBe(415);
    expect(form.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('loses nothing already ingested and keeps serving after bad input', async () => {
    expect(await stack.drained(10_000)).toBe(true);
    const { data } = await gql<ContactResult>(stack, CONTACT_QUERY, { urn: CONTACT });
    expect(data!.entity.conversations[0]!.messages).toHaveLength(2);
    const fresh = await postWebhook(
      stack,
      JSON.stringify({ event: 'contact_created', id: 5001, name: 'After Bad Input', account: { id: 12 } }),
    );
    expect(fresh.status).toBe(202);
    expect(await stack.drained(10_000)).toBe(true);
    const after = await gql<{ entity: { displayName: string } }>(
      stack,
      `{ entity(urn: "dictamesh:chatwoot:account/12:contact:5001") { displayName } }`,
    );
    expect(after.data!.entity.displayName).toBe('After Bad Input');
  });
});

describe('embedded default persistence', () => {
  it('keeps the catalog across a restart on the same data directory', async () => {
    const before = await stack.db.prisma.entityCatalog.count();
    const events = await stack.db.prisma.eventLog.count();
    await stack.close();
    stack = await startTestStack(dataDir);
    expect(stack.db.migrations.applied).toEqual([]);
    expect(await stack.db.prisma.entityCatalog.count()).toBe(before);
    expect(await stack.db.prisma.eventLog.count()).toBe(events);
    const { data } = await gql<ContactResult>(stack, CONTACT_QUERY, { urn: CONTACT });
    expect(data!.entity.displayName).toBe('Maya Okafor');
    expect(data!.entity.conversations[0]!.messages).toHaveLength(2);
  });
});

import type { Database } from '@dictamesh/db';
import { InProcessEventBus } from '@dictamesh/events';
import type { Principal } from '@dictamesh/runtime';
import { graphql } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { change, openCountingCatalog } from '../test/catalog-db';
import { createContext } from './context';
import { HashingEmbedder } from './embeddings/hashing-embedder';
import { applyChanges } from './ingest/apply-change';
import { buildCatalogSchema } from './schema';

// The catalog's fields of `Organization` (owned by billing), as the gateway asks for them: by
// reference (`_entities`). acme holds 2 chatwoot contacts, 1 chatwoot inbox, 1 hubspot deal
// and 1 deleted chatwoot contact; globex holds 1 chatwoot contact of a URN acme holds too.
const embedder = new HashingEmbedder();
const schema = buildCatalogSchema();
const bus = new InProcessEventBus();
const COUNTS = `query ($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Organization { id entityCount entityCounts { sourceSystem entityType count } }
  }
}`;
let db: Database;
let queries: string[];

beforeAll(async () => {
  ({ db, queries } = await openCountingCatalog());
  const entity = (org: string, urn: string, i: number) => ({
    change: change({ urn }),
    envelope: { id: `${org}-${i}`, type: 'dictamesh.entity.updated', source: `/adapters/${org}`, org },
  });
  const acme = [
    'dictamesh:chatwoot:account/1:contact:1',
    'dictamesh:chatwoot:account/1:contact:2',
    'dictamesh:chatwoot:account/1:contact:3',
    'dictamesh:chatwoot:account/1:inbox:1',
    'dictamesh:hubspot:portal/9:deal:7',
  ].map((urn, i) => entity('acme', urn, i));
  const globex = [entity('globex', 'dictamesh:chatwoot:account/1:contact:1', 0)];
  expect(await applyChanges(db.prisma, embedder, [...acme, ...globex])).toEqual(Array(6).fill('applied'));
  await db.prisma.entityCatalog.update({
    where: { orgId_urn: { orgId: 'acme', urn: 'dictamesh:chatwoot:account/1:contact:3' } },
    data: { deleted: true, deletedAt: new Date('2026-02-10T10:00:00.000Z') },
  });
});
afterAll(() => db.close());

async function read(callerOrg: string, ids: string[]) {
  const principal: Principal = { subject: `user@${callerOrg}`, org: callerOrg, scopes: [], method: 'jwt' };
  const result = await graphql({
    schema,
    source: COUNTS,
    variableValues: { representations: ids.map((id) => ({ __typename: 'Organization', id })) },
    contextValue: createContext(db.prisma, embedder, bus, principal),
  });
  expect(result.errors).toBeUndefined();
  return result.data;
}

describe('Organization (catalog fields)', () => {
  it('gives acme its own live entity counts, per source system and type, from one GROUP BY query', async () => {
    const before = queries.length;
    expect(await read('acme', ['acme'])).toEqual({
      _entities: [
        {
          id: 'acme',
          entityCount: 4,
          entityCounts: [
            { sourceSystem: 'chatwoot', entityType: 'contact', count: 2 },
            { sourceSystem: 'chatwoot', entityType: 'inbox', count: 1 },
            { sourceSystem: 'hubspot', entityType: 'deal', count: 1 },
          ],
        },
      ],
    });
    const sent = queries.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatch(/GROUP BY/i);
  });

  it("resolves another organisation's reference to null: globex asking for acme gets nothing of acme", async () => {
    const before = queries.length;
    expect(await read('globex', ['acme', 'globex'])).toEqual({
      _entities: [null, { id: 'globex', entityCount: 1, entityCounts: [{ sourceSystem: 'chatwoot', entityType: 'contact', count: 1 }] }],
    });
    expect(queries.slice(before)).toHaveLength(1);
  });

  it('counts zero for an own organisation without entities (the default one of a single tenant)', async () => {
    expect(await read('default', ['default'])).toEqual({ _entities: [{ id: 'default', entityCount: 0, entityCounts: [] }] });
  });
});

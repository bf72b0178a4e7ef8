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

// Two organisations hold the same URNs (the same source account): every read of the subgraph —
// references resolved for other subgraphs (`_entities`), `entity`, edges, related entities and
// the event history — resolves a URN within the caller's organisation.
const embedder = new HashingEmbedder();
const schema = buildCatalogSchema();
const bus = new InProcessEventBus();
const CONTACT = 'dictamesh:chatwoot:account/1:contact:1';
const INBOX = 'dictamesh:chatwoot:account/1:inbox:1';
let db: Database;

beforeAll(async () => {
  ({ db } = await openCountingCatalog());
  const items = ['acme', 'globex'].flatMap((org) => [
    {
      change: change({
        urn: CONTACT,
        displayName: `${org} contact`,
        relationships: [{ type: 'IN_INBOX', toUrn: INBOX, cardinality: 'MANY_TO_ONE' }],
      }),
      envelope: { id: `contact-${org}`, type: 'dictamesh.entity.updated', source: `/adapters/${org}`, org },
    },
    {
      change: change({ urn: INBOX, displayName: `${org} inbox` }),
      envelope: { id: 'inbox-state', type: 'dictamesh.entity.updated', source: `/adapters/${org}`, org },
    },
  ]);
  expect(await applyChanges(db.prisma, embedder, items)).toEqual(['applied', 'applied', 'applied', 'applied']);
});
afterAll(() => db.close());

async function read(org: string, source: string) {
  const principal: Principal = { subject: `user@${org}`, org, scopes: ['dictamesh:admin'], method: 'jwt' };
  const result = await graphql({
    schema,
    source,
    variableValues: { urn: CONTACT, representations: [{ __typename: 'Entity', urn: CONTACT }] },
    contextValue: createContext(db.prisma, embedder, bus, principal),
  });
  expect(result.errors).toBeUndefined();
  return result.data;
}

describe('reads keyed by (organisation, URN)', () => {
  it.each(['acme', 'globex'])(
    'gives %s its own entity of a shared URN through references, entity, edges, related and events',
    async (org) => {
      const references = await read(
        org,
        `query ($representations: [_Any!]!) { _entities(representations: $representations) { ... on Entity { displayName } } }`,
      );
      expect(references).toEqual({ _entities: [{ displayName: `${org} contact` }] });
      const entity = await read(
        org,
        `query ($urn: ID!) {
        entity(urn: $urn) {
          displayName
          relationships { toUrn to { displayName } }
          related(type: "IN_INBOX") { displayName related(direction: INCOMING) { displayName } }
          events(last: 10) { id source }
        }
      }`,
      );
      expect(entity).toEqual({
        entity: {
          displayName: `${org} contact`,
          relationships: [{ toUrn: INBOX, to: { displayName: `${org} inbox` } }],
          related: [{ displayName: `${org} inbox`, related: [{ displayName: `${org} contact` }] }],
          events: [{ id: `contact-${org}`, source: `/adapters/${org}` }],
        },
      });
    },
  );
});

import type { Database } from '@dictamesh/db';
import { InProcessEventBus } from '@dictamesh/events';
import { graphql } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { change, openCountingCatalog } from '../test/catalog-db';
import { createContext } from './context';
import { HashingEmbedder } from './embeddings/hashing-embedder';
import { applyChanges } from './ingest/apply-change';
import { buildCatalogSchema } from './schema';

const N = 100;
const embedder = new HashingEmbedder();
const schema = buildCatalogSchema();
let db: Database;
let queries: string[];
const urn = (type: string, i: number) => `dictamesh:chatwoot:account/1:${type}:${i}`;

beforeAll(async () => {
  ({ db, queries } = await openCountingCatalog());
  const changes: Array<Parameters<typeof change>[0]> = [];
  for (let i = 0; i < N; i++) {
    changes.push({ urn: urn('contact', i), displayName: `Contact ${i}` });
    changes.push({
      urn: urn('conversation', i),
      displayName: `Conversation ${i}`,
      relationships: [
        { type: 'WITH_CONTACT', toUrn: urn('contact', i), cardinality: 'MANY_TO_ONE' },
        { type: 'IN_INBOX', toUrn: urn('inbox', 1), cardinality: 'MANY_TO_ONE' },
      ],
    });
    changes.push({
      urn: urn('message', i),
      relationships: [{ type: 'PART_OF', toUrn: urn('conversation', i), cardinality: 'MANY_TO_ONE' }],
    });
  }
  // one batch (one transaction, as the ingest applies them): 300 single applies took minutes on a busy machine
  await applyChanges(
    db.prisma,
    embedder,
    changes.map((c, n) => ({ change: change(c), envelope: { id: `seed-${n}`, type: 'dictamesh.entity.created', source: '/seed' } })),
  );
}, 120_000);
afterAll(() => db.close());

const QUERY = /* GraphQL */ `
  query ($first: Int!) {
    entities(filter: { type: "conversation" }, first: $first) {
      nodes {
        urn
        relationships {
          type
          toUrn
          to {
            urn
            displayName
          }
        }
        contact: related(type: "WITH_CONTACT") {
          urn
          displayName
        }
        messages: related(type: "PART_OF", direction: INCOMING) {
          urn
        }
        events(last: 2) {
          id
          operation
        }
      }
    }
  }
`;

const bus = new InProcessEventBus();

async function run(first: number) {
  queries.length = 0;
  const result = await graphql({
    schema,
    source: QUERY,
    variableValues: { first },
    contextValue: createContext(db.prisma, embedder, bus),
  });
  expect(result.errors).toBeUndefined();
  return { data: result.data as { entities: { nodes: Array<Record<string, unknown>> } }, count: queries.length };
}

describe('DataLoader batching', () => {
  it(`resolves ${N} entities' relationships, related entities and events in a bounded number of SQL queries`, async () => {
    const { data, count } = await run(N);
    expect(data.entities.nodes).toHaveLength(N);
    const first = data.entities.nodes.find((n) => n.urn === urn('conversation', 7))!;
    expect(first.contact).toEqual([{ urn: urn('contact', 7), displayName: 'Contact 7' }]);
    expect(first.messages).toEqual([{ urn: urn('message', 7) }]);
    expect(first.events).toEqual([expect.objectContaining({ operation: 'UPDATED' })]);
    expect((first.relationships as Array<{ type: string; to: unknown }>).find((r) => r.type === 'IN_INBOX')?.to).toBeNull();
    // page + outgoing edges + incoming edges + related entities + events + relationship targets
    expect(count).toBeLessThanOrEqual(8);
  });

  it('costs the same number of queries for 10 entities as for 100', async () => {
    const small = await run(10);
    const large = await run(N);
    expect(small.data.entities.nodes).toHaveLength(10);
    expect(large.count).toBe(small.count);
  });
});

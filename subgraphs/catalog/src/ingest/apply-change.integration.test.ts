import type { Database } from '@dictamesh/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { change, openCountingCatalog } from '../../test/catalog-db';
import { HashingEmbedder } from '../embeddings/hashing-embedder';
import { applyChange, applyChanges } from './apply-change';

let db: Database;
let queries: string[];
const embedder = new HashingEmbedder();
const envelope = (id: string) => ({ id, type: 'dictamesh.entity.updated', source: '/test/source' });
const C = 'dictamesh:chatwoot:account/1:conversation:7';

beforeAll(async () => {
  ({ db, queries } = await openCountingCatalog());
});
afterAll(() => db.close());

const entity = (urn: string, orgId = 'default') => db.prisma.entityCatalog.findUnique({ where: { orgId_urn: { orgId, urn } } });
const edges = (urn: string, orgId = 'default') =>
  db.prisma.entityRelationship.findMany({ where: { orgId, fromUrn: urn }, orderBy: { relationshipType: 'asc' } });

describe('applyChange', () => {
  it('is idempotent per CloudEvent id: replaying an event changes nothing and logs it once', async () => {
    const c = change({ urn: C, operation: 'created', attributes: { status: 'open' }, displayName: 'Conversation #7' });
    expect(await applyChange(db.prisma, embedder, c, envelope('e-1'))).toBe('applied');
    const before = await entity(C);
    expect(await applyChange(db.prisma, embedder, c, envelope('e-1'))).toBe('duplicate');
    expect(await entity(C)).toEqual(before);
    expect(await db.prisma.eventLog.count({ where: { eventId: 'e-1' } })).toBe(1);
    const [vec] = await db.runner.query<{ has: boolean; model: string }>(
      `SELECT embedding IS NOT NULL AS has, embedding_model AS model FROM dictamesh_entity_catalog WHERE urn = $1`,
      [C],
    );
    expect(vec).toEqual({ has: true, model: 'dictamesh-hashing-v1' });
  });

  it('replaces attributes on a full change, merges them on a partial one', async () => {
    await applyChange(
      db.prisma,
      embedder,
      change({ urn: C, attributes: { status: 'open', labels: ['b2b'] }, occurredAt: '2026-02-10T10:00:00Z' }),
      envelope('e-2'),
    );
    await applyChange(
      db.prisma,
      embedder,
      change({ urn: C, partial: true, attributes: { priority: 'high' }, occurredAt: '2026-02-10T10:01:00Z' }),
      envelope('e-3'),
    );
    expect((await entity(C))?.attributes).toEqual({ status: 'open', labels: ['b2b'], priority: 'high' });
    await applyChange(
      db.prisma,
      embedder,
      change({ urn: C, attributes: { status: 'resolved' }, occurredAt: '2026-02-10T10:02:00Z' }),
      envelope('e-4'),
    );
    expect((await entity(C))?.attributes).toEqual({ status: 'resolved' });
  });

  it('does not let an older source change overwrite a newer state (last writer wins), but logs it', async () => {
    const result = await applyChange(
      db.prisma,
      embedder,
      change({ urn: C, attributes: { status: 'open' }, occurredAt: '2026-02-10T09:59:00Z' }),
      envelope('e-old'),
    );
    expect(result).toBe('stale');
    expect((await entity(C))?.attributes).toEqual({ status: 'resolved' });
    expect(await db.prisma.eventLog.count({ where: { eventId: 'e-old' } })).toBe(1);
  });

  it('keeps one target for *_TO_ONE relationships and clears them with toUrn null', async () => {
    const agent = (id: number) => `dictamesh:chatwoot:account/1:agent:${id}`;
    const at = (m: number) => `2026-02-10T11:0${m}:00Z`;
    const rel = (toUrn: string | null) => [{ type: 'ASSIGNED_TO', toUrn, cardinality: 'MANY_TO_ONE' as const }];
    await applyChange(db.prisma, embedder, change({ urn: C, relationships: rel(agent(1)), occurredAt: at(1) }), envelope('r-1'));
    await applyChange(db.prisma, embedder, change({ urn: C, relationships: rel(agent(2)), occurredAt: at(2) }), envelope('r-2'));
    expect((await edges(C)).map((e) => e.toUrn)).toEqual([agent(2)]);
    await applyChange(db.prisma, embedder, change({ urn: C, relationships: rel(null), occurredAt: at(3) }), envelope('r-3'));
    expect(await edges(C)).toEqual([]);
  });

  it('marks deletions and records lineage from the event source', async () => {
    await applyChange(db.prisma, embedder, change({ urn: C, operation: 'deleted', occurredAt: '2026-02-10T12:00:00Z' }), envelope('d-1'));
    const row = await entity(C);
    expect(row?.deleted).toBe(true);
    expect(row?.deletedAt).toBeInstanceOf(Date);
    const lineage = await db.prisma.dataLineage.findMany({ where: { downstreamUrn: C } });
    expect(lineage).toEqual([expect.objectContaining({ upstreamUrn: '/test/source', lastEventId: 'd-1' })]);
    const log = await db.prisma.eventLog.findMany({ where: { subject: C }, orderBy: { seq: 'asc' } });
    expect(log.map((e) => e.eventId)).toEqual(['e-1', 'e-2', 'e-3', 'e-4', 'e-old', 'r-1', 'r-2', 'r-3', 'd-1']);
    expect(log[1]?.before).toEqual({ status: 'open' });
  });
});

describe('applyChanges (batches)', () => {
  const B = 'dictamesh:chatwoot:account/1:conversation:99';
  const agent = (id: number) => `dictamesh:chatwoot:account/1:agent:${id}`;
  const at = (s: number) => `2026-03-01T10:00:${String(s).padStart(2, '0')}Z`;

  it('folds several changes of one entity in order, like one-by-one application', async () => {
    const items = [
      {
        change: change({
          urn: B,
          operation: 'created',
          attributes: { status: 'open' },
          occurredAt: at(1),
          relationships: [{ type: 'ASSIGNED_TO', toUrn: agent(1), cardinality: 'MANY_TO_ONE' }],
        }),
        envelope: envelope('b-1'),
      },
      { change: change({ urn: B, partial: true, attributes: { priority: 'low' }, occurredAt: at(2) }), envelope: envelope('b-2') },
      { change: change({ urn: B, attributes: { status: 'pending' }, occurredAt: at(0) }), envelope: envelope('b-old') },
      { change: change({ urn: B, partial: true, attributes: { priority: 'low' }, occurredAt: at(2) }), envelope: envelope('b-2') },
      {
        change: change({
          urn: B,
          partial: true,
          attributes: {},
          occurredAt: at(3),
          relationships: [{ type: 'ASSIGNED_TO', toUrn: agent(2), cardinality: 'MANY_TO_ONE' }],
        }),
        envelope: envelope('b-3'),
      },
    ];
    expect(await applyChanges(db.prisma, embedder, items)).toEqual(['applied', 'applied', 'stale', 'duplicate', 'applied']);
    expect((await entity(B))?.attributes).toEqual({ status: 'open', priority: 'low' });
    expect((await edges(B)).map((e) => e.toUrn)).toEqual([agent(2)]);
    const log = await db.prisma.eventLog.findMany({ where: { subject: B }, orderBy: { seq: 'asc' } });
    expect(log.map((e) => [e.eventId, e.before, e.after])).toEqual([
      ['b-1', null, { status: 'open' }],
      ['b-2', { status: 'open' }, { status: 'open', priority: 'low' }],
      ['b-old', { status: 'open', priority: 'low' }, { status: 'open', priority: 'low' }],
      ['b-3', { status: 'open', priority: 'low' }, { status: 'open', priority: 'low' }],
    ]);
    expect(await applyChanges(db.prisma, embedder, items)).toEqual(['duplicate', 'duplicate', 'duplicate', 'duplicate', 'duplicate']);
  });

  it('keeps one entity per (organisation, URN): two organisations hold the same URN side by side, idempotent each', async () => {
    const urn = 'dictamesh:chatwoot:account/1:contact:77';
    const contact = (name: string, s: number, agent: number) =>
      change({
        urn,
        attributes: { name },
        displayName: name,
        occurredAt: at(s),
        relationships: [{ type: 'ASSIGNED_TO', toUrn: `dictamesh:chatwoot:account/1:agent:${agent}`, cardinality: 'MANY_TO_ONE' }],
      });
    const as = (org: string, id: string) => ({ ...envelope(id), org, source: `/test/${org}` });
    expect(await applyChange(db.prisma, embedder, contact('Acme customer', 1, 1), as('acme', 'state-77'))).toBe('applied');
    // another organisation syncing the same account derives the same state event id: its own, not a duplicate
    const results = await applyChanges(db.prisma, embedder, [
      { change: contact('Acme customer', 1, 1), envelope: as('globex', 'state-77') },
      { change: contact('Globex customer', 2, 2), envelope: as('globex', 'g-77') },
      { change: contact('Acme customer', 1, 1), envelope: as('acme', 'state-77') },
    ]);
    expect(results).toEqual(['applied', 'applied', 'duplicate']);
    expect(await entity(urn, 'acme')).toMatchObject({ orgId: 'acme', displayName: 'Acme customer', attributes: { name: 'Acme customer' } });
    expect(await entity(urn, 'globex')).toMatchObject({ orgId: 'globex', displayName: 'Globex customer' });
    expect((await edges(urn, 'acme')).map((e) => e.toUrn)).toEqual(['dictamesh:chatwoot:account/1:agent:1']);
    expect((await edges(urn, 'globex')).map((e) => e.toUrn)).toEqual(['dictamesh:chatwoot:account/1:agent:2']);
    const log = await db.prisma.eventLog.findMany({ where: { subject: urn }, orderBy: { seq: 'asc' } });
    expect(log.map((e) => [e.orgId, e.eventId])).toEqual([
      ['acme', 'state-77'],
      ['globex', 'state-77'],
      ['globex', 'g-77'],
    ]);
    const lineage = await db.prisma.dataLineage.findMany({ where: { downstreamUrn: urn }, orderBy: { orgId: 'asc' } });
    expect(lineage.map((l) => [l.orgId, l.upstreamUrn, l.lastEventId])).toEqual([
      ['acme', '/test/acme', 'state-77'],
      ['globex', '/test/globex', 'g-77'],
    ]);
    // a redelivery is a duplicate within its organisation only
    expect(await applyChange(db.prisma, embedder, contact('Globex customer', 2, 2), as('globex', 'g-77'))).toBe('duplicate');
    expect(await applyChange(db.prisma, embedder, contact('Globex customer', 2, 2), as('initech', 'g-77'))).toBe('applied');
  });

  it('uses the same number of SQL statements for 10 changes as for 300', async () => {
    const batch = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) => ({
        change: change({
          urn: `dictamesh:chatwoot:account/1:message:${from + i}`,
          attributes: { n: i },
          relationships: [{ type: 'PART_OF', toUrn: B, cardinality: 'MANY_TO_ONE' }],
        }),
        envelope: envelope(`m-${from + i}`),
      }));
    queries.length = 0;
    await applyChanges(db.prisma, embedder, batch(0, 10));
    const small = queries.length;
    queries.length = 0;
    await applyChanges(db.prisma, embedder, batch(1000, 300));
    expect(queries.length).toBe(small);
    expect(await db.prisma.entityRelationship.count({ where: { toUrn: B, relationshipType: 'PART_OF' } })).toBe(310);
  });
});

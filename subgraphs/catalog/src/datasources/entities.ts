import { Prisma, type PrismaClient } from '@dictamesh/db';
import { toPgVector } from '../embeddings/embedder';
import { entityWhere, type EntityFilterInput } from './filters';
import { assertBetween, decodeCursor, encodeCursor } from './pagination';
import type { EntityConnectionRecord, EntityRecord, SearchHitRecord } from './records';

/** Largest page of `entities`. */
export const MAX_PAGE = 500;
/** Largest `k` of `search`. */
export const MAX_K = 100;

/** Catalog rows of organisation `org` by URN, in the order asked (null where unknown or another organisation's). One query per call. */
export async function entitiesByUrn(prisma: PrismaClient, org: string, urns: readonly string[]): Promise<Array<EntityRecord | null>> {
  const rows = await prisma.entityCatalog.findMany({ where: { urn: { in: [...urns] }, orgId: org } });
  const byUrn = new Map(rows.map((row) => [row.urn, row]));
  return urns.map((urn) => byUrn.get(urn) ?? null);
}

/**
 * One page of organisation `org`'s entities in (updatedAt, urn) order after `after`.
 * @throws DictaMeshError `BAD_USER_INPUT` (field `first`) outside 0–500; `INVALID_CURSOR`
 */
export async function listEntities(
  prisma: PrismaClient,
  args: { org: string; filter?: EntityFilterInput | null; first: number; after?: string | null },
): Promise<EntityConnectionRecord> {
  assertBetween(args.first, 0, MAX_PAGE, 'first');
  const where = { ...entityWhere(args.filter), orgId: args.org };
  const page: Prisma.EntityCatalogWhereInput = { ...where };
  if (args.after) {
    const c = decodeCursor(args.after);
    page.AND = [{ OR: [{ updatedAt: { gt: c.at } }, { updatedAt: c.at, urn: { gt: c.id } }] }];
  }
  const rows = await prisma.entityCatalog.findMany({
    where: page,
    orderBy: [{ updatedAt: 'asc' }, { urn: 'asc' }],
    take: args.first + 1,
  });
  return {
    nodes: rows.slice(0, args.first),
    hasNextPage: rows.length > args.first,
    cursorOf: (entity) => encodeCursor(entity.updatedAt, entity.urn),
    totalCount: () => prisma.entityCatalog.count({ where }),
  };
}

/**
 * The `k` entities of organisation `org` whose embeddings are nearest (cosine distance, pgvector `<=>`, served by
 * the HNSW index) to `vector`, nearest first.
 * @throws DictaMeshError `BAD_USER_INPUT` (field `k`) outside 1–100
 */
export async function searchEntities(
  prisma: PrismaClient,
  args: { org: string; vector: number[]; k: number; filter?: EntityFilterInput | null },
): Promise<SearchHitRecord[]> {
  assertBetween(args.k, 1, MAX_K, 'k');
  const f = args.filter;
  const conditions = [Prisma.sql`embedding IS NOT NULL`, Prisma.sql`org_id = ${args.org}`];
  if (!f?.includeDeleted) conditions.push(Prisma.sql`deleted = false`);
  if (f?.source) conditions.push(Prisma.sql`source_system = ${f.source}`);
  if (f?.type) conditions.push(Prisma.sql`entity_type = ${f.type}`);
  if (f?.domain) conditions.push(Prisma.sql`domain = ${f.domain}`);
  if (f?.updatedSince) conditions.push(Prisma.sql`updated_at >= ${new Date(f.updatedSince)}`);
  const vector = toPgVector(args.vector);
  const hits = await prisma.$queryRaw<Array<{ urn: string; distance: number }>>`
    SELECT urn, (embedding <=> ${vector}::vector)::float8 AS distance
    FROM dictamesh_entity_catalog
    WHERE ${Prisma.join(conditions, ' AND ')}
    ORDER BY embedding <=> ${vector}::vector, urn
    LIMIT ${args.k}`;
  const entities = await entitiesByUrn(
    prisma,
    args.org,
    hits.map((h) => h.urn),
  );
  return hits.flatMap((hit, i) => (entities[i] ? [{ entity: entities[i]!, distance: Number(hit.distance) }] : []));
}

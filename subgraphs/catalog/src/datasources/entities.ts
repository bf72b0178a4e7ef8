import { Prisma, type PrismaClient } from '@dictamesh/db';
import { err } from '@dictamesh/runtime';
import { toPgVector } from '../embeddings/embedder';
import { entityWhere, type EntityFilterInput } from './filters';
import type { EntityConnectionRecord, EntityRecord, SearchHitRecord } from './records';

/** Largest page of `entities`. */
export const MAX_PAGE = 500;
/** Largest `k` of `search`. */
export const MAX_K = 100;

/** Catalog rows by URN, in the order asked (null where unknown). One query per call. */
export async function entitiesByUrn(prisma: PrismaClient, urns: readonly string[]): Promise<Array<EntityRecord | null>> {
  const rows = await prisma.entityCatalog.findMany({ where: { urn: { in: [...urns] } } });
  const byUrn = new Map(rows.map((row) => [row.urn, row]));
  return urns.map((urn) => byUrn.get(urn) ?? null);
}

/** Cursor = base64url of `updatedAt ISO|urn` (keyset pagination on (updated_at, urn)). */
function encodeCursor(entity: EntityRecord): string {
  return Buffer.from(`${entity.updatedAt.toISOString()}|${entity.urn}`).toString('base64url');
}

function decodeCursor(cursor: string): { updatedAt: Date; urn: string } {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const bar = text.indexOf('|');
  const updatedAt = new Date(text.slice(0, bar));
  if (bar < 0 || Number.isNaN(updatedAt.getTime())) throw err('INVALID_CURSOR', undefined, { field: 'after' });
  return { updatedAt, urn: text.slice(bar + 1) };
}

/**
 * One page of entities in (updatedAt, urn) order after `after`.
 * @throws DictaMeshError `BAD_USER_INPUT` (field `first`) outside 0–500; `INVALID_CURSOR`
 */
export async function listEntities(
  prisma: PrismaClient,
  args: { filter?: EntityFilterInput | null; first: number; after?: string | null },
): Promise<EntityConnectionRecord> {
  if (!Number.isInteger(args.first) || args.first < 0 || args.first > MAX_PAGE) {
    throw err('BAD_USER_INPUT', `first must be between 0 and ${MAX_PAGE}`, { field: 'first' });
  }
  const where = entityWhere(args.filter);
  const page: Prisma.EntityCatalogWhereInput = { ...where };
  if (args.after) {
    const c = decodeCursor(args.after);
    page.AND = [{ OR: [{ updatedAt: { gt: c.updatedAt } }, { updatedAt: c.updatedAt, urn: { gt: c.urn } }] }];
  }
  const rows = await prisma.entityCatalog.findMany({
    where: page,
    orderBy: [{ updatedAt: 'asc' }, { urn: 'asc' }],
    take: args.first + 1,
  });
  return {
    nodes: rows.slice(0, args.first),
    hasNextPage: rows.length > args.first,
    cursorOf: encodeCursor,
    totalCount: () => prisma.entityCatalog.count({ where }),
  };
}

/**
 * The `k` entities whose embeddings are nearest (cosine distance, pgvector `<=>`, served by
 * the HNSW index) to `vector`, nearest first.
 * @throws DictaMeshError `BAD_USER_INPUT` (field `k`) outside 1–100
 */
export async function searchEntities(
  prisma: PrismaClient,
  args: { vector: number[]; k: number; filter?: EntityFilterInput | null },
): Promise<SearchHitRecord[]> {
  if (!Number.isInteger(args.k) || args.k < 1 || args.k > MAX_K) {
    throw err('BAD_USER_INPUT', `k must be between 1 and ${MAX_K}`, { field: 'k' });
  }
  const f = args.filter;
  const conditions = [Prisma.sql`embedding IS NOT NULL`];
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
    hits.map((h) => h.urn),
  );
  return hits.flatMap((hit, i) => (entities[i] ? [{ entity: entities[i]!, distance: Number(hit.distance) }] : []));
}

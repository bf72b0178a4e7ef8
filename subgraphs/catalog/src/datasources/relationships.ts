import type { PrismaClient } from '@dictamesh/db';
import type { Direction, RelationshipRecord } from './records';

/** Key of the relationship loader: all edges of one entity in one direction. */
export interface EdgeKey {
  urn: string;
  direction: Direction;
}

/**
 * Edges of many entities, one query per direction present in `keys` (at most two queries
 * whatever the number of entities). Results follow `keys`; edges are ordered by type, then
 * creation. Only edges of organisation `org` are returned (those of its entities): another
 * organisation's entity of the same URN, or naming one of `org`'s URNs, has edges of its own.
 */
export async function edgesOf(prisma: PrismaClient, org: string, keys: readonly EdgeKey[]): Promise<RelationshipRecord[][]> {
  const out = new Map<string, RelationshipRecord[]>();
  const keyOf = (urn: string, direction: Direction) => `${direction}|${urn}`;
  for (const direction of ['OUTGOING', 'INCOMING'] as const) {
    const urns = [...new Set(keys.filter((k) => k.direction === direction).map((k) => k.urn))];
    if (urns.length === 0) continue;
    const rows = await prisma.entityRelationship.findMany({
      where: direction === 'OUTGOING' ? { orgId: org, fromUrn: { in: urns } } : { orgId: org, toUrn: { in: urns } },
      orderBy: [{ relationshipType: 'asc' }, { createdAt: 'asc' }, { id: 'asc' }],
    });
    for (const row of rows) {
      const key = keyOf(direction === 'OUTGOING' ? row.fromUrn : row.toUrn, direction);
      const list = out.get(key) ?? [];
      list.push({ ...row, direction });
      out.set(key, list);
    }
  }
  return keys.map((k) => out.get(keyOf(k.urn, k.direction)) ?? []);
}

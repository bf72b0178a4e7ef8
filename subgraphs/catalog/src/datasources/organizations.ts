import type { PrismaClient } from '@dictamesh/db';
import type { EntityTypeCountRecord } from './records';

/**
 * Live (not deleted) entities of each organisation of `orgs` per source system and entity type,
 * in the order asked, each list by source system then entity type (empty for an organisation
 * without entities). One `GROUP BY org_id, source_system, entity_type` query per call.
 */
export async function entityCountsOf(prisma: PrismaClient, orgs: readonly string[]): Promise<EntityTypeCountRecord[][]> {
  const groups = await prisma.entityCatalog.groupBy({
    by: ['orgId', 'sourceSystem', 'entityType'],
    where: { orgId: { in: [...orgs] }, deleted: false },
    _count: { _all: true },
    orderBy: [{ orgId: 'asc' }, { sourceSystem: 'asc' }, { entityType: 'asc' }],
  });
  const byOrg = new Map<string, EntityTypeCountRecord[]>(orgs.map((org) => [org, []]));
  for (const g of groups) byOrg.get(g.orgId)?.push({ sourceSystem: g.sourceSystem, entityType: g.entityType, count: g._count._all });
  return orgs.map((org) => byOrg.get(org)!);
}

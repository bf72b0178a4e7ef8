import type { Prisma } from '@dictamesh/db';

/** `EntityFilter` input as resolvers receive it. */
export interface EntityFilterInput {
  source?: string | null;
  type?: string | null;
  domain?: string | null;
  updatedSince?: Date | string | null;
  includeDeleted?: boolean | null;
}

/** `EntityFilter` → Prisma `where` on the catalog table. */
export function entityWhere(filter: EntityFilterInput | null | undefined): Prisma.EntityCatalogWhereInput {
  const where: Prisma.EntityCatalogWhereInput = {};
  if (!filter?.includeDeleted) where.deleted = false;
  if (filter?.source) where.sourceSystem = filter.source;
  if (filter?.type) where.entityType = filter.type;
  if (filter?.domain) where.domain = filter.domain;
  if (filter?.updatedSince) where.updatedAt = { gte: new Date(filter.updatedSince) };
  return where;
}

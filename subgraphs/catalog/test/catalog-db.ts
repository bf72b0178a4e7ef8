import { openDatabase, type Database } from '@dictamesh/db';
import type { EntityChange } from '@dictamesh/events';

/** A throw-away catalog database (PGlite in memory) that counts the SQL statements Prisma sends. */
export async function openCountingCatalog(): Promise<{ db: Database; queries: string[] }> {
  const queries: string[] = [];
  const db = await openDatabase({ dataDir: 'memory://' }, { onQuery: (sql) => queries.push(sql) });
  return { db, queries };
}

/** A schema-valid entity change with sensible defaults. */
export function change(overrides: Partial<EntityChange> & Pick<EntityChange, 'urn'>): EntityChange {
  const [, source = 'test', , type = 'thing', sourceId = '1'] = overrides.urn.split(':');
  return {
    source,
    entityType: type,
    sourceId,
    domain: 'support',
    operation: 'updated',
    attributes: {},
    occurredAt: '2026-02-10T09:00:00.000Z',
    relationships: [],
    ...overrides,
  };
}

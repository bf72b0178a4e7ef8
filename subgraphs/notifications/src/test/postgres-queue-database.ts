import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient, type Database } from '@dictamesh/db';

/**
 * A {@link Database} over a PostgreSQL URL without applying DictaMesh's migrations (the tests'
 * shared PostgreSQL has no pgvector, which the catalog migrations need): enough for the delivery
 * queue, whose pg-boss schema pg-boss creates itself, and for raw statements in transactions.
 */
export function bareDatabase(url: string, poolSize = 4): Database {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  const runner: Database['runner'] = {
    async exec(sql) {
      await pool.query(sql);
    },
    async query<Row extends Record<string, unknown>>(sql: string, params: unknown[] = []) {
      return (await pool.query<Row>(sql, params)).rows;
    },
    session: (fn) => fn(runner),
  };
  return {
    prisma,
    runner,
    kind: 'postgres',
    migrations: { applied: [], alreadyApplied: [] },
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

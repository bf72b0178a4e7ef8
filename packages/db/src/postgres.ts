import type pg from 'pg';
import type { SqlRunner } from './sql-runner';

/** A {@link SqlRunner} over a `pg` connection pool (any Postgres server with pgvector). */
export function poolRunner(pool: pg.Pool): SqlRunner {
  return {
    async exec(sql) {
      await pool.query(sql);
    },
    async query<Row extends Record<string, unknown>>(sql: string, params: unknown[] = []) {
      const result = await pool.query<Row>(sql, params);
      return result.rows;
    },
    async session(fn) {
      const client = await pool.connect();
      try {
        return await fn({
          async exec(sql) {
            await client.query(sql);
          },
          async query<Row extends Record<string, unknown>>(sql: string, params: unknown[] = []) {
            return (await client.query<Row>(sql, params)).rows;
          },
        });
      } finally {
        client.release();
      }
    },
  };
}

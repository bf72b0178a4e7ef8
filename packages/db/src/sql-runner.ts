/**
 * The smallest SQL surface DictaMesh needs below Prisma: running multi-statement scripts
 * (migrations) and parameterised queries. Implemented by PGlite and by a `pg` pool so the
 * migrator works on the embedded default and on any Postgres.
 */
export interface SqlRunner {
  /** Runs a script that may hold several statements (simple query protocol). */
  exec(sql: string): Promise<void>;
  /** Runs one parameterised statement (`$1`, `$2`, …) and returns its rows. */
  query<Row extends Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
  /**
   * Runs `fn` on one dedicated session (so session state such as advisory locks and
   * transactions stays on the same connection).
   */
  session<T>(fn: (runner: Omit<SqlRunner, 'session'>) => Promise<T>): Promise<T>;
}

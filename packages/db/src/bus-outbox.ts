import type { SqlRunner } from './sql-runner';

/** A bus record as `dictamesh_bus_outbox` keeps it (the shape of `@dictamesh/events`' `OutboxEntry`). */
export interface BusOutboxEntry {
  topic: string;
  key: string;
  /** The CloudEvent in the CloudEvents 1.0 JSON format, serialised. */
  event: string;
  headers: Record<string, string>;
}

/** The table behind the in-process bus's durability (it implements `@dictamesh/events`' `OutboxStore`). */
export interface BusOutbox {
  /** Inserts the entries in one statement (committed when it resolves); their ids, in the order given. */
  append(entries: readonly BusOutboxEntry[]): Promise<string[]>;
  /** Up to `limit` entries with an id above `after` (from the oldest when undefined), in id order. */
  read(after: string | undefined, limit: number): Promise<Array<BusOutboxEntry & { id: string }>>;
  /** Deletes the entries with these ids in one statement. */
  remove(ids: readonly string[]): Promise<void>;
}

/** A row as {@link READ} returns it (a type alias: `SqlRunner.query` wants an indexable row type). */
type OutboxRow = { id: string; topic: string; key: string; event: string; headers: Record<string, string> };

const INSERT = `
INSERT INTO "dictamesh_bus_outbox" ("topic", "key", "event", "headers")
SELECT u.topic, u.key, u.event::json, u.headers::json
FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS u(topic, key, event, headers, n)
ORDER BY u.n
RETURNING "id"::text AS id`;

const READ = `
SELECT "id"::text AS id, "topic", "key", "event"::text AS event, "headers"
FROM "dictamesh_bus_outbox"
WHERE $1::bigint IS NULL OR "id" > $1::bigint
ORDER BY "dictamesh_bus_outbox"."id" -- the column: a bare "id" would sort by the text alias
LIMIT $2`;

/**
 * `dictamesh_bus_outbox` over raw SQL (PGlite or Postgres). Ids are the table's `bigserial`,
 * as decimal strings. One statement per call: an autocommitted INSERT is on disk when it
 * returns (PGlite writes through to its data directory; Postgres as its `synchronous_commit`),
 * so a process killed after `append` resolved keeps the entries.
 *
 * @throws the database's errors as thrown (the caller's publish fails, nothing is half-stored)
 */
export function createBusOutbox(runner: SqlRunner): BusOutbox {
  return {
    async append(entries) {
      if (entries.length === 0) return [];
      const rows = await runner.query<{ id: string }>(INSERT, [
        entries.map((e) => e.topic),
        entries.map((e) => e.key),
        entries.map((e) => e.event),
        entries.map((e) => JSON.stringify(e.headers)),
      ]);
      // the sequence numbers the rows in insert (= ORDER BY) order, whatever order RETURNING lists them in
      return rows.map((r) => r.id).sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
    },
    async read(after, limit) {
      return runner.query<OutboxRow>(READ, [after ?? null, limit]);
    },
    async remove(ids) {
      if (ids.length === 0) return;
      await runner.query('DELETE FROM "dictamesh_bus_outbox" WHERE "id" = ANY($1::bigint[])', [ids]);
    },
  };
}

import { PgoutputPlugin, type Pgoutput } from 'pg-logical-replication';
import type { Pool } from 'pg';
import { AdapterConfigError } from '@dictamesh/adapter-sdk';
import type { Logger } from '@dictamesh/runtime';
import type { Row } from './rows';

/** One row change decoded from the WAL. */
export interface WalChange {
  /** LSN of the WAL record (pg_lsn text). */
  lsn: string;
  operation: 'created' | 'updated' | 'deleted';
  schema: string;
  table: string;
  /** New row (insert/update), or the old row / replica identity key (delete). */
  row: Row;
}

/** A committed transaction's row changes, in commit order. */
export interface WalTransaction {
  /** Commit time, ISO-8601 (microseconds truncated to ms). */
  committedAt: string;
  /** End LSN of the commit record: acknowledging it confirms this transaction. */
  endLsn: string;
  changes: WalChange[];
}

/**
 * A logical replication slot with the `pgoutput` plugin and its publication, read by polling
 * (`pg_logical_slot_peek_binary_changes`) and acknowledged explicitly
 * (`pg_replication_slot_advance`), so the position moves only after the caller has published
 * what it read (at-least-once, like a consumer group committing offsets). Messages are decoded
 * with pg-logical-replication's pgoutput parser (protocol version 1, PostgreSQL ≥ 10).
 * See https://www.postgresql.org/docs/15/protocol-logicalrep-message-formats.html.
 */
export class ReplicationSlot {
  private readonly decoder: PgoutputPlugin;

  constructor(
    private readonly pool: Pool,
    /** Slot and publication name, `[a-z0-9_]` (safe unquoted). */
    readonly name: string,
    private readonly log: Logger,
  ) {
    this.decoder = new PgoutputPlugin({ protoVersion: 1, publicationNames: [name] });
  }

  /**
   * Creates the publication for exactly these tables (or sets its table list) and the slot.
   * @param tables qualified, quoted table names (`"public"."customers"`)
   * @throws AdapterConfigError when `wal_level` is not `logical` or the user lacks the privileges
   */
  async ensure(tables: readonly string[]): Promise<void> {
    const { rows } = await this.pool.query<{ wal_level: string }>('SHOW wal_level');
    if (rows[0]?.wal_level !== 'logical') {
      throw new AdapterConfigError('postgres-table', [
        {
          path: 'host',
          message: `the server runs with wal_level=${rows[0]?.wal_level}; logical replication needs wal_level=logical (and a restart)`,
        },
      ]);
    }
    try {
      const exists = await this.pool.query('SELECT 1 FROM pg_publication WHERE pubname = $1', [this.name]);
      const list = tables.join(', ');
      await this.pool.query(
        exists.rowCount ? `ALTER PUBLICATION ${this.name} SET TABLE ${list}` : `CREATE PUBLICATION ${this.name} FOR TABLE ${list}`,
      );
      await this.pool.query(
        `SELECT pg_create_logical_replication_slot($1, 'pgoutput') WHERE NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = $1)`,
        [this.name],
      );
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === '42501' || code === '42P01') {
        throw new AdapterConfigError('postgres-table', [{ path: code === '42P01' ? 'tables' : 'user', message: (error as Error).message }]);
      }
      throw error;
    }
  }

  /** The server's current WAL write position. */
  async currentLsn(): Promise<string> {
    return (await this.pool.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn')).rows[0]!.lsn;
  }

  /** Confirms everything up to `lsn`: the server may recycle that WAL. Never moves backwards. */
  async acknowledge(lsn: string): Promise<void> {
    await this.pool.query(
      `SELECT pg_replication_slot_advance(slot_name, $2::pg_lsn) FROM pg_replication_slots
        WHERE slot_name = $1 AND confirmed_flush_lsn < $2::pg_lsn`,
      [this.name, lsn],
    );
  }

  /**
   * Reads (without consuming) the committed transactions after the confirmed position, whole
   * transactions only, stopping after about `limit` WAL messages.
   */
  async read(limit: number): Promise<WalTransaction[]> {
    const { rows } = await this.pool.query<{ lsn: string; data: Buffer }>(
      `SELECT lsn::text, data FROM pg_logical_slot_peek_binary_changes($1::name, NULL, $2::int, 'proto_version', '1', 'publication_names', $3::text)`,
      [this.name, limit, this.name],
    );
    const transactions: WalTransaction[] = [];
    let open: WalTransaction | undefined;
    for (const { lsn, data } of rows) {
      const message = this.decoder.parse(data) as Pgoutput.Message;
      switch (message.tag) {
        case 'begin':
          open = { committedAt: microsToIso(message.commitTime), endLsn: '', changes: [] };
          break;
        case 'insert':
        case 'update':
          open?.changes.push({
            lsn,
            operation: message.tag === 'insert' ? 'created' : 'updated',
            schema: message.relation.schema,
            table: message.relation.name,
            row: { ...message.new },
          });
          break;
        case 'delete':
          open?.changes.push({
            lsn,
            operation: 'deleted',
            schema: message.relation.schema,
            table: message.relation.name,
            row: { ...(message.old ?? message.key ?? {}) },
          });
          break;
        case 'truncate':
          this.log.warn(
            { tables: message.relations.map((r) => `${r.schema}.${r.name}`), lsn },
            'TRUNCATE is not turned into deletes; run a backfill (triggerSync) to re-read the tables',
          );
          break;
        case 'commit':
          if (open) transactions.push({ ...open, endLsn: message.commitEndLsn ?? lsn });
          open = undefined;
          break;
        default:
          break; // relation, type, origin: decoder state only
      }
    }
    return transactions;
  }

  /** Bytes of WAL the server keeps for this slot (written but not yet confirmed); null when the slot is gone. */
  async retainedBytes(): Promise<number | null> {
    const { rows } = await this.pool.query<{ bytes: string | null }>(
      'SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::text AS bytes FROM pg_replication_slots WHERE slot_name = $1',
      [this.name],
    );
    return rows[0]?.bytes == null ? null : Number(rows[0].bytes);
  }

  /** Drops the slot (the server stops keeping WAL for it) and the publication. */
  async drop(): Promise<void> {
    await this.pool.query('SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1', [this.name]);
    await this.pool.query(`DROP PUBLICATION IF EXISTS ${this.name}`);
  }
}

/** pgoutput times: microseconds since the Unix epoch (the library types them as the `BigInt` wrapper). */
function microsToIso(micros: Pgoutput.MessageBegin['commitTime']): string {
  return new Date(Number(BigInt(micros.toString()) / 1_000n)).toISOString();
}

import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import {
  guardedSocketFactory,
  pagedChanges,
  probeHealth,
  PUBLIC_ONLY,
  type AdapterCapability,
  type AdapterContext,
  type AdapterHealth,
  type ChangeBatch,
  type Checkpoint,
  type Page,
  type PagedCheckpoint,
  type PagedResource,
  type ResourceAdapter,
  type StreamingAdapter,
  type SyncMode,
} from '@dictamesh/adapter-sdk';
import type { PostgresTableConfig } from './config';
import { ReplicationSlot, type WalTransaction } from './replication';
import { rowChange, type Row } from './rows';
import { resolveTables, rowByKey, snapshotPage, type ResolvedTable } from './tables';

/**
 * Checkpoint of a postgres-table run: the snapshot's position ({@link PagedCheckpoint}; `resource`
 * null once it completed) and `lsn`, the WAL position everything before which is published.
 */
export interface PostgresCheckpoint extends PagedCheckpoint {
  lsn: string;
}

/**
 * Row changes of chosen PostgreSQL tables as entity changes, Debezium-style: an initial
 * snapshot (keyset-paginated, resumable) followed by the change stream of a logical replication
 * slot (`pgoutput`) — inserts → `created`, updates → `updated`, deletes → `deleted`, each with its
 * commit time. The slot is created just before the snapshot reads, so no change is missed; a WAL
 * change older than a snapshot row loses against it (last writer wins by source time). The slot
 * only moves after a batch is published, so a crash replays at most the batch in flight.
 */
export class PostgresTableAdapter implements StreamingAdapter, ResourceAdapter<Row> {
  readonly kind = 'postgres-table';
  readonly version = '0.1.0';
  readonly capabilities: readonly AdapterCapability[] = ['read', 'stream', 'pagination', 'batch'];
  readonly resources: readonly string[];
  private readonly pool: pg.Pool;
  private readonly slot: ReplicationSlot;
  private tables: ResolvedTable[] = [];

  constructor(
    readonly id: string,
    private readonly config: PostgresTableConfig,
    private readonly context: AdapterContext,
  ) {
    this.resources = config.tables.map((t) => `${t.schema}.${t.table}`);
    this.pool = new pg.Pool({
      host: config.host,
      port: config.port,
      database: config.database,
      user: config.user,
      ...(config.password ? { password: config.password } : {}),
      ...(config.ssl === 'disable' ? {} : { ssl: { rejectUnauthorized: config.ssl === 'verify-full' } }),
      max: 3,
      application_name: `dictamesh:${id}`.slice(0, 63),
      connectionTimeoutMillis: 10_000,
      // the server is tenant-configured: connect only where the outbound policy allows (SSRF guard)
      stream: guardedSocketFactory(context.outbound ?? PUBLIC_ONLY),
    });
    this.pool.on('error', (error) => context.log.warn({ err: error }, 'idle source connection failed'));
    this.slot = new ReplicationSlot(this.pool, config.slotName ?? `dictamesh_${id.replace(/[^a-z0-9_]/g, '_')}`.slice(0, 63), context.log);
  }

  /** @throws AdapterConfigError for missing tables / keys, `wal_level` ≠ logical or missing privileges */
  async initialize(): Promise<void> {
    this.tables = await resolveTables(this.pool, this.config.tables);
    await this.slot.ensure(this.tables.map((t) => t.qualified));
  }

  health(): Promise<AdapterHealth> {
    return probeHealth(async () => {
      const retained = await this.slot.retainedBytes();
      if (retained === null) throw new Error(`replication slot ${this.slot.name} is gone`);
      return `slot ${this.slot.name}: ${retained} bytes of WAL not yet confirmed`;
    });
  }

  shutdown(): Promise<void> {
    return this.pool.end();
  }

  /** Drops the replication slot and publication, so the server stops retaining WAL for us. */
  dispose(): Promise<void> {
    return this.slot.drop();
  }

  /**
   * A backfill (or a first run) snapshots every table, then streams; an incremental run streams
   * from the checkpoint's LSN. With `follow` the stream polls until `signal` aborts; without it
   * the run ends once caught up.
   */
  async *changes(from: Checkpoint | null, options: { mode: SyncMode; signal: AbortSignal }): AsyncGenerator<ChangeBatch> {
    if (this.tables.length === 0) await this.initialize();
    let start = from as PostgresCheckpoint | null;
    const snapshotInFlight = start?.resource != null && typeof start.lsn === 'string';
    if (!start?.lsn || (options.mode === 'backfill' && !snapshotInFlight)) {
      // changes before this point are in the snapshot; the slot keeps everything after it
      const lsn = await this.slot.currentLsn();
      await this.slot.acknowledge(lsn);
      start = { resource: this.tables[0]!.name, cursor: null, since: null, seen: null, lsn };
    }
    let lsn = start.lsn;
    if (start.resource !== null) {
      const snapshot = this.tables.map((table): PagedResource => ({
        name: table.name,
        untimed: true,
        fetchPage: async (cursor) => {
          const page = await snapshotPage(this.pool, table, cursor, this.config.batchSize);
          const origin = { operation: 'updated' as const, occurredAt: page.readAt, position: 'snapshot' };
          return { changes: this.toChanges(table, page.rows, () => origin), nextCursor: page.nextCursor };
        },
      }));
      for await (const batch of pagedChanges(snapshot, start, { mode: 'backfill', signal: options.signal })) {
        yield { ...batch, checkpoint: { ...batch.checkpoint, lsn } };
      }
    }
    while (!options.signal.aborted) {
      await this.slot.acknowledge(lsn); // the previous batch is published (pull) and its checkpoint saved
      const transactions = await this.slot.read(this.config.batchSize);
      if (transactions.length === 0) {
        if (!this.config.follow) return;
        await sleep(this.config.pollIntervalMs, undefined, { signal: options.signal }).catch(() => undefined);
        continue;
      }
      lsn = transactions[transactions.length - 1]!.endLsn;
      yield {
        resource: 'wal',
        changes: this.walChanges(transactions),
        checkpoint: { resource: null, cursor: null, since: null, seen: null, lsn } satisfies PostgresCheckpoint,
      };
    }
  }

  async list(resource: string, page: { cursor?: string | null } = {}): Promise<Page<Row>> {
    const { rows, nextCursor } = await snapshotPage(this.pool, await this.table(resource), page.cursor ?? null, this.config.batchSize);
    return { items: rows, nextCursor };
  }

  /** @param id the URN source id: key values percent-encoded and joined by `,` */
  async get(resource: string, id: string): Promise<Row | null> {
    return rowByKey(this.pool, await this.table(resource), id.split(',').map(decodeURIComponent));
  }

  private walChanges(transactions: WalTransaction[]): ChangeBatch['changes'] {
    const changes: ChangeBatch['changes'] = [];
    for (const tx of transactions) {
      for (const c of tx.changes) {
        const table = this.tables.find((t) => t.config.schema === c.schema && t.config.table === c.table);
        if (!table) continue;
        changes.push(...this.toChanges(table, [c.row], () => ({ operation: c.operation, occurredAt: tx.committedAt, position: c.lsn })));
      }
    }
    return changes;
  }

  private toChanges(table: ResolvedTable, rows: Row[], origin: () => Parameters<typeof rowChange>[4]): ChangeBatch['changes'] {
    const changes: ChangeBatch['changes'] = [];
    for (const row of rows) {
      const change = rowChange(this.config, table.config, table.keyColumns, row, origin());
      if (change) changes.push(change);
      else
        this.context.log.warn(
          { table: table.name },
          'row without its key columns skipped (for deletes, set REPLICA IDENTITY FULL or use the primary key)',
        );
    }
    return changes;
  }

  private async table(name: string): Promise<ResolvedTable> {
    if (this.tables.length === 0) this.tables = await resolveTables(this.pool, this.config.tables);
    const found = this.tables.find((t) => t.name === name);
    if (!found) throw new Error(`postgres-table adapter ${this.id} has no resource ${name}; it serves ${this.resources.join(', ')}`);
    return found;
  }
}

import type { Database, Prisma, PrismaClient } from '@dictamesh/db';
import type { Logger } from '@dictamesh/runtime';
import { RelayLoop } from './relay-loop';

/** What {@link OutboxRelayLoop.claim} took: at least its record count. */
export interface ClaimedBatch {
  /** Records in the batch (what a round reports as published). */
  count: number;
}

/** Options of {@link OutboxRelayLoop}. */
export interface OutboxRelayLoopOptions {
  /** The subgraph's database: its kind decides whether the publish runs inside the claiming transaction. */
  db: Pick<Database, 'kind' | 'prisma'>;
  /** Where failed rounds are reported. */
  log: Logger;
  /** The warning logged when a round fails. */
  failure: string;
  /** Limits of the claiming transaction (Prisma `maxWait` / `timeout`, ms). */
  transaction?: { maxWait?: number; timeout?: number };
}

/**
 * A transactional-outbox relay round in three steps that subclasses implement: {@link claim} a
 * batch (`FOR UPDATE SKIP LOCKED`, advisory locks), {@link publish} it on the bus, {@link settle}
 * it (delete or mark published).
 *
 * - On PostgreSQL the three run in ONE transaction: the row locks are held while publishing, so
 *   two instances never publish the same rows, and a crash before commit publishes them again
 *   (at least once). A bus that persists what it accepts (the in-process bus's durable outbox)
 *   writes through another connection of the pool.
 * - On PGlite (one connection, one process) a publish that writes the in-process bus's durable
 *   outbox would wait for the claiming transaction, which waits for the publish: a deadlock
 *   that stalled every query of the process until the transaction timed out. There the batch
 *   is claimed in one transaction, published outside any transaction, then settled in a second
 *   one. Nothing else can claim it meanwhile: PGlite has one process and rounds run one at a time
 *   ({@link RelayLoop}). A crash between publish and settle publishes the batch again, as above.
 */
export abstract class OutboxRelayLoop<Batch extends ClaimedBatch> extends RelayLoop {
  private readonly prisma: PrismaClient;
  private readonly publishInTransaction: boolean;
  private readonly transaction: { maxWait?: number; timeout?: number };

  constructor(options: OutboxRelayLoopOptions) {
    super(options.log, options.failure);
    this.prisma = options.db.prisma;
    this.publishInTransaction = options.db.kind === 'postgres';
    this.transaction = options.transaction ?? {};
  }

  /** Claims the next batch in `tx`; undefined when nothing is left. */
  protected abstract claim(tx: Prisma.TransactionClient): Promise<Batch | undefined>;

  /** Publishes a claimed batch on the bus (rejects when the bus did not take it: the batch stays). */
  protected abstract publish(batch: Batch): Promise<void>;

  /** Deletes or marks the published batch, in `tx`. */
  protected abstract settle(tx: Prisma.TransactionClient, batch: Batch): Promise<void>;

  protected async round(): Promise<number> {
    if (this.publishInTransaction)
      return this.prisma.$transaction(async (tx) => {
        const batch = await this.claim(tx);
        if (!batch) return 0;
        await this.publish(batch);
        await this.settle(tx, batch);
        return batch.count;
      }, this.transaction);
    const batch = await this.prisma.$transaction((tx) => this.claim(tx), this.transaction);
    if (!batch) return 0;
    await this.publish(batch);
    await this.prisma.$transaction((tx) => this.settle(tx, batch), this.transaction);
    return batch.count;
  }
}

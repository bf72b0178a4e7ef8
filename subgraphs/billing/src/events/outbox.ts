import { randomUUID } from 'node:crypto';
import { CloudEvent } from 'cloudevents';
import type { Database, Prisma } from '@dictamesh/db';
import { assertEventData, toDictaMeshEvent, type EventBus, type EventDataOf } from '@dictamesh/events';
import type { Logger } from '@dictamesh/runtime';
import { OutboxRelayLoop } from '@dictamesh/subgraph-kit';

/** The billing event types (topic = CloudEvent type). */
export type BillingEventType =
  | 'dictamesh.billing.invoice.finalized'
  | 'dictamesh.billing.invoice.paid'
  | 'dictamesh.billing.invoice.voided'
  | 'dictamesh.billing.payment.failed'
  | 'dictamesh.billing.usage.threshold_reached';

/** CloudEvent `source` of every billing event. */
export const BILLING_SOURCE = 'dictamesh:billing';

/** What writes billing events: a Prisma transaction client (or the client itself); it also reads the organisation's billing email. */
type OutboxWriter = Pick<Prisma.TransactionClient, 'billingOutboxRecord' | 'organization'>;

/**
 * Writes a billing CloudEvent into billing's transactional outbox, in the caller's transaction:
 * the event exists if and only if the change it reports was committed. {@link OutboxRelay}
 * publishes it after commit (at least once; consumers dedupe by the CloudEvent `id`).
 * Unless the data names one, the event carries the organisation's current `billingEmail` (null
 * when it has none): where notifications sends billing mail.
 *
 * @param data checked here against the type's JSON Schema (schemas/events), so that nothing
 *   invalid ever sits in the outbox
 * @throws DictaMeshError `BAD_USER_INPUT` when the data breaks the schema (a bug: the caller's
 *   transaction rolls back)
 * @param options.id CloudEvent id; defaults to a random UUID. Use a deterministic one when the
 *   same change may be written twice.
 * @param options.subject what it is about (`invoice:<id>`)
 */
export async function enqueueEvent<T extends BillingEventType>(
  tx: OutboxWriter,
  type: T,
  data: EventDataOf[T],
  options: { org: string; subject: string; id?: string; time?: Date },
): Promise<void> {
  const billingEmail =
    data.billingEmail !== undefined
      ? data.billingEmail
      : ((await tx.organization.findUnique({ where: { id: options.org }, select: { billingEmail: true } }))?.billingEmail ?? null);
  const full = { ...data, billingEmail } as EventDataOf[T];
  assertEventData(type, full);
  const event = toDictaMeshEvent(type, full, {
    source: BILLING_SOURCE,
    id: options.id ?? randomUUID(),
    org: options.org,
    subject: options.subject,
    time: (options.time ?? new Date()).toISOString(),
  });
  await tx.billingOutboxRecord.create({
    data: { topic: type, key: options.org, event: event.toJSON() as Prisma.InputJsonValue },
  });
}

/** Options of {@link OutboxRelay}. */
export interface OutboxRelayOptions {
  db: Pick<Database, 'kind' | 'prisma'>;
  bus: EventBus;
  log: Logger;
  /** Records per publish round (default 100). */
  batchSize?: number;
  /** Called with the number of events published in a round. */
  onPublished?(count: number): void;
}

/** A claimed batch of billing's outbox: its row ids and records by topic. */
interface BillingBatch {
  count: number;
  ids: bigint[];
  byTopic: Map<string, { key: string; event: CloudEvent<unknown> }[]>;
}

/**
 * Publishes billing's outbox (the transactional outbox pattern): oldest records first, each on
 * its topic keyed by organisation, deleted once the bus acknowledged them. Rows are claimed with
 * `FOR UPDATE SKIP LOCKED`, so two billing instances never publish the same row at the same
 * time (see {@link OutboxRelayLoop} for PGlite); a crash between publish and delete publishes a
 * row again (at least once, same CloudEvent id). Call {@link flush} after a commit that wrote
 * events; {@link start} also flushes on an interval, which picks up what a crash or a bus outage
 * left behind.
 */
export class OutboxRelay extends OutboxRelayLoop<BillingBatch> {
  constructor(private readonly options: OutboxRelayOptions) {
    super({ db: options.db, log: options.log, failure: 'billing outbox: publishing failed; the events stay for the next round' });
  }

  protected async claim(tx: Prisma.TransactionClient): Promise<BillingBatch | undefined> {
    const rows = await tx.$queryRaw<{ id: bigint; topic: string; key: string; event: unknown }[]>`
      SELECT "id", "topic", "key", "event" FROM "dictamesh_billing_outbox"
      ORDER BY "id" LIMIT ${this.options.batchSize ?? 100} FOR UPDATE SKIP LOCKED`;
    if (rows.length === 0) return undefined;
    const byTopic = new Map<string, { key: string; event: CloudEvent<unknown> }[]>();
    for (const row of rows) {
      const records = byTopic.get(row.topic) ?? [];
      records.push({ key: row.key, event: new CloudEvent(row.event as ConstructorParameters<typeof CloudEvent>[0], false) });
      byTopic.set(row.topic, records);
    }
    return { count: rows.length, ids: rows.map((r) => r.id), byTopic };
  }

  protected async publish(batch: BillingBatch): Promise<void> {
    for (const [topic, records] of batch.byTopic) await this.options.bus.publish(topic, records);
  }

  protected async settle(tx: Prisma.TransactionClient, batch: BillingBatch): Promise<void> {
    await tx.billingOutboxRecord.deleteMany({ where: { id: { in: batch.ids } } });
    this.options.onPublished?.(batch.count);
  }
}

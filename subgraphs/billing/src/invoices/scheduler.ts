import { Cron } from 'croner';
import type { PrismaClient } from '@dictamesh/db';
import { DictaMeshError, type Logger } from '@dictamesh/runtime';
import { type Period, nextPeriod } from '../subscriptions/periods';
import { type Tx, type UsageSource, createDraftInvoice } from './generate';
import { finalizeInvoice } from './lifecycle';

/** Subscription states whose periods are closed by the scheduler. */
const OPEN_STATES = ['TRIALING', 'ACTIVE', 'PAST_DUE'] as const;
/** Most periods one subscription is moved forward by in one run (a guard, not a limit met in practice). */
const MAX_PERIODS_PER_RUN = 1000;
const TX_OPTIONS = { maxWait: 30_000, timeout: 60_000 } as const;

/** Options of {@link closeDuePeriods}. */
export interface CloseDuePeriodsOptions {
  /** The clock: periods ending at or before it are closed. */
  now: Date;
  usage: UsageSource;
  log: Logger;
  /** Only these subscriptions (an immediate cancellation closes its own period); default every due one. */
  subscriptionIds?: readonly string[];
}

/** What one {@link closeDuePeriods} run did. */
export interface CloseDuePeriodsResult {
  /** Subscriptions this run moved past their due periods. */
  closed: number;
  /** Due subscriptions another instance closed first (seen by the row lock or by the unique index). */
  skipped: number;
  /** Subscriptions whose closing failed (logged; retried on the next run). */
  failed: number;
}

/** Whether an error is a unique violation (Prisma `P2002`, or SQLSTATE 23505 from a raw query / the driver adapter). */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as {
    code?: unknown;
    meta?: { code?: unknown; driverAdapterError?: { cause?: { code?: unknown; originalCode?: unknown } } };
  };
  if (e.code === 'P2002' || e.code === '23505') return true;
  const cause = e.meta?.driverAdapterError?.cause;
  return e.meta?.code === '23505' || cause?.code === '23505' || cause?.originalCode === '23505';
}

/**
 * Closes one subscription's due periods in the caller's transaction; null when it is no longer
 * due (another instance closed it: the row lock waits for that instance's commit, then the due
 * condition is checked again on the committed row).
 * @returns the DRAFT invoices written, oldest period first
 */
async function closeSubscription(
  tx: Tx,
  subscriptionId: string,
  options: CloseDuePeriodsOptions,
): Promise<{ orgId: string; invoiceIds: string[] } | null> {
  const { now } = options;
  const due = await tx.$queryRaw<{ id: string }[]>`
    SELECT "id" FROM "dictamesh_billing_subscriptions"
    WHERE "id" = ${subscriptionId} AND "status" IN ('TRIALING', 'ACTIVE', 'PAST_DUE') AND "current_period_end" <= ${now}
    FOR UPDATE`;
  if (due.length === 0) return null;
  const sub = await tx.billingSubscription.findUniqueOrThrow({ where: { id: subscriptionId }, include: { plan: true } });
  let status = sub.status;
  let period: Period = { start: sub.currentPeriodStart, end: sub.currentPeriodEnd };
  let cancelledAt: Date | null = null;
  const invoiceIds: string[] = [];
  for (let n = 0; n < MAX_PERIODS_PER_RUN && period.end.getTime() <= now.getTime(); n += 1) {
    if (status !== 'TRIALING') {
      const draft = await createDraftInvoice(tx, { subscriptionId, period, reason: 'period_close', now, usage: options.usage });
      invoiceIds.push(draft.id);
    }
    // the periods after this one start on the current plan (its fixed fee is what they bill)
    if (n === 0 && sub.periodPlanId !== sub.planId)
      await tx.billingSubscription.update({ where: { id: subscriptionId }, data: { periodPlanId: sub.planId } });
    if (sub.cancelAtPeriodEnd) {
      status = 'CANCELLED';
      cancelledAt = period.end;
      break;
    }
    if (status === 'TRIALING' && (sub.trialEndsAt === null || sub.trialEndsAt.getTime() <= period.end.getTime())) status = 'ACTIVE';
    period = nextPeriod(sub.anchorAt, sub.plan.interval, period);
  }
  await tx.billingSubscription.update({
    where: { id: subscriptionId },
    data: {
      status,
      currentPeriodStart: period.start,
      currentPeriodEnd: period.end,
      periodPlanId: sub.planId,
      ...(cancelledAt ? { cancelledAt } : {}),
    },
  });
  return { orgId: sub.orgId, invoiceIds };
}

/**
 * Closes every billing period that has ended: for each TRIALING, ACTIVE or PAST_DUE subscription
 * with `currentPeriodEnd <= now`, one transaction that
 * - row-locks the subscription and checks it is still due (another instance may have closed it),
 * - writes the period's `period_close` DRAFT invoice ({@link createDraftInvoice}); a TRIALING
 *   period gets none (trials are free; the subscription should be anchored at the trial's end),
 * - moves the subscription to its next anchored period (`nextPeriod`), looping while periods are
 *   due (one invoice each, e.g. after an outage); TRIALING → ACTIVE once `trialEndsAt` (or, without
 *   one, the period's end) is reached; `cancelAtPeriodEnd` → CANCELLED with `cancelledAt` = the
 *   period's end, the period not advanced.
 * Then each draft is finalized ({@link finalizeInvoice}, its own transaction); a draft another
 * instance finalized first is left alone, and one whose finalization failed stays DRAFT and is
 * finalized by the next run, which finalizes every `period_close` DRAFT whose period has ended.
 *
 * Two instances running at once never write two invoices for one subscription and period: the row
 * lock makes the later one skip, and the migration's partial unique index refuses a second
 * `period_close` invoice in any case (the transaction rolls back and counts as skipped).
 * Suspended or closed organisations are not treated apart: cancel their subscriptions to stop billing.
 */
export async function closeDuePeriods(prisma: PrismaClient, options: CloseDuePeriodsOptions): Promise<CloseDuePeriodsResult> {
  const { now, log } = options;
  const result: CloseDuePeriodsResult = { closed: 0, skipped: 0, failed: 0 };
  const due = await prisma.billingSubscription.findMany({
    where: {
      status: { in: [...OPEN_STATES] },
      currentPeriodEnd: { lte: now },
      ...(options.subscriptionIds ? { id: { in: [...options.subscriptionIds] } } : {}),
    },
    orderBy: [{ currentPeriodEnd: 'asc' }, { id: 'asc' }],
    select: { id: true },
  });
  for (const { id } of due) {
    let closed: Awaited<ReturnType<typeof closeSubscription>>;
    try {
      closed = await prisma.$transaction((tx) => closeSubscription(tx, id, options), TX_OPTIONS);
    } catch (error) {
      if (isUniqueViolation(error)) {
        result.skipped += 1;
        continue;
      }
      result.failed += 1;
      log.error({ err: error, subscriptionId: id }, 'billing: closing the subscription period failed; retried on the next run');
      continue;
    }
    if (closed === null) {
      result.skipped += 1;
      continue;
    }
    result.closed += 1;
    for (const invoiceId of closed.invoiceIds) await finalizeQuietly(prisma, invoiceId, closed.orgId, options);
  }
  // drafts left by a run that stopped between closing and finalizing
  const leftover = await prisma.invoice.findMany({
    where: { status: 'DRAFT', reason: 'period_close', periodEnd: { lte: now } },
    orderBy: [{ periodEnd: 'asc' }, { id: 'asc' }],
    select: { id: true, orgId: true },
  });
  for (const draft of leftover) await finalizeQuietly(prisma, draft.id, draft.orgId, options);
  return result;
}

/** Finalizes a period-close draft; one already finalized (or voided) by someone else is fine, other failures are logged. */
async function finalizeQuietly(
  prisma: PrismaClient,
  invoiceId: string,
  orgId: string,
  { now, log }: CloseDuePeriodsOptions,
): Promise<void> {
  try {
    await finalizeInvoice(prisma, { invoiceId, orgId, now });
  } catch (error) {
    if (error instanceof DictaMeshError && error.code === 'INVOICE_STATE_INVALID') return;
    log.error({ err: error, invoiceId }, 'billing: finalizing a period-close invoice failed; retried on the next run');
  }
}

/** Options of {@link BillingScheduler}. */
export interface BillingSchedulerOptions {
  prisma: PrismaClient;
  usage: UsageSource;
  log: Logger;
  /** The clock (default `() => new Date()`). */
  now?: () => Date;
  /** Cron pattern (croner syntax, UTC); default every minute, `* * * * *`. */
  pattern?: string;
}

/**
 * Runs {@link closeDuePeriods} on a cron schedule (croner, UTC, `protect: true`: a run still going
 * when the next is due makes that one skip, so runs of one instance never overlap; runs of several
 * instances may, which closeDuePeriods is safe against).
 */
export class BillingScheduler {
  private job: Cron | undefined;
  private running: Promise<CloseDuePeriodsResult> | undefined;

  constructor(private readonly options: BillingSchedulerOptions) {}

  /** Starts the schedule (idempotent). */
  start(): void {
    if (this.job) return;
    this.job = new Cron(this.options.pattern ?? '* * * * *', { protect: true, timezone: 'UTC' }, async () => {
      await this.tick();
    });
  }

  /**
   * One run now, at the injected clock; errors are logged, not thrown (a failing run is retried
   * by the next). Concurrent calls share the run in flight.
   */
  tick(): Promise<CloseDuePeriodsResult> {
    if (this.running) return this.running;
    const { prisma, usage, log } = this.options;
    this.running = closeDuePeriods(prisma, { now: (this.options.now ?? (() => new Date()))(), usage, log })
      .then((result) => {
        if (result.closed + result.skipped + result.failed > 0) log.info(result, 'billing: periods closed');
        return result;
      })
      .catch((error: unknown) => {
        log.error({ err: error }, 'billing: closing periods failed');
        return { closed: 0, skipped: 0, failed: 0 };
      })
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  /** Stops the schedule and waits for a run in flight. */
  async stop(): Promise<void> {
    this.job?.stop();
    this.job = undefined;
    await this.running;
  }
}

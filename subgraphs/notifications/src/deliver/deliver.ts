import { performance } from 'node:perf_hooks';
import type { NotificationAttemptOutcome, NotificationStatus, Prisma, PrismaClient } from '@dictamesh/db';
import { DictaMeshError } from '@dictamesh/runtime';
import type { EndpointTarget, OutgoingMessage, SendOutcome } from '../channels/channel';
import type { NotificationsServices } from '../context';
import { loadEndpointTarget } from '../endpoints/targets';
import { planFallback, writeFallback, type FallbackPlan } from './fallback';
import { DEFAULT_DELIVERY_POLICY, retryDelayMs } from './policy';
import { rateLimitWaitMs } from './rate-limit';
import { attemptText } from './response';

/** States a delivery ends in: a job finding one of them is a duplicate and does nothing. */
const FINISHED: ReadonlySet<NotificationStatus> = new Set(['DELIVERED', 'FAILED', 'BOUNCED', 'SUPPRESSED']);

/** Channels whose deliveries go to an organisation's endpoint (`endpointId`), not to a subscriber's address. */
const ENDPOINT_CHANNELS = new Set(['WEBHOOK', 'SLACK', 'PAGERDUTY']);

const loadDelivery = (prisma: PrismaClient, id: string) =>
  prisma.notificationDelivery.findUnique({
    where: { id },
    include: { notification: { include: { subscriber: { select: { externalId: true, locale: true, timezone: true } } } } },
  });

type LoadedDelivery = NonNullable<Awaited<ReturnType<typeof loadDelivery>>>;

/**
 * The notification's status becomes the best of its deliveries' (DELIVERED, then SENDING,
 * QUEUED, BOUNCED, FAILED, SUPPRESSED). Run after locking the notification row
 * ({@link lockNotification}) so concurrent outcomes of its deliveries see each other.
 */
const refreshNotificationStatus = (db: Prisma.TransactionClient | PrismaClient, notificationId: string, now: Date) => db.$executeRaw`
  UPDATE "dictamesh_notifications" AS n SET "updated_at" = ${now}::timestamptz, "status" = COALESCE((
    SELECT d."status" FROM "dictamesh_notification_deliveries" d WHERE d."notification_id" = n."id"
    ORDER BY CASE d."status" WHEN 'DELIVERED' THEN 0 WHEN 'SENDING' THEN 1 WHEN 'QUEUED' THEN 2 WHEN 'BOUNCED' THEN 3 WHEN 'FAILED' THEN 4 ELSE 5 END
    LIMIT 1), n."status")
  WHERE n."id" = ${notificationId}::uuid`;

/** How long a delivery on an unavailable (switched-off) channel waits before it looks again, ms. */
export const UNAVAILABLE_RECHECK_MS = 60_000;

/** Locks the notification row for the rest of the transaction (outcomes of its deliveries one at a time). */
const lockNotification = (db: Prisma.TransactionClient | PrismaClient, notificationId: string) =>
  db.$queryRaw`SELECT 1 FROM "dictamesh_notifications" WHERE "id" = ${notificationId}::uuid FOR UPDATE`;

/**
 * Runs one attempt of a delivery (the delivery queue's `deliver` job).
 *
 * 1. Nothing happens for a delivery that is gone or finished (DELIVERED, FAILED, BOUNCED,
 *    SUPPRESSED: a duplicate job), nor for a stale job (queued for a `notBefore` other than the
 *    delivery's `nextAttemptAt`: the delivery was rescheduled since).
 * 2. Endpoint channels (WEBHOOK, SLACK, PAGERDUTY): a deleted or DISABLED endpoint makes the
 *    delivery FAILED without an attempt; an endpoint throttled until later reschedules it then.
 * 3. A channel switched off (`notifications.channels`) or not configured in this process: the
 *    delivery waits, rescheduled every {@link UNAVAILABLE_RECHECK_MS} without an attempt (so it
 *    is neither lost nor dead when the channel comes back). The channel's rate limit
 *    (`channels.rateLimits`, per process): over it, the delivery is rescheduled after the
 *    limiter's wait, without an attempt.
 * 4. The attempt is committed before the provider is called: `attemptCount + 1`, status
 *    SENDING, an attempt row with outcome NULL numbered after the last (one statement, only if
 *    the delivery is still as read: two workers never take the same attempt). `attemptCount` is
 *    what the retry policy counts: an operator's retry resets it, the attempt rows stay.
 * 5. The provider sends the message built from the delivery's rendered subject/content/html and
 *    its notification. Its answer is recorded in one transaction with what follows from it:
 *    - DELIVERED: the delivery DELIVERED (`providerMessageId`, `deliveredAt`);
 *    - RETRY / THROTTLED: QUEUED again at `nextAttemptAt` per {@link DeliveryPolicy} (THROTTLED:
 *      after the provider's `Retry-After` when given, and the endpoint `throttledUntil` then),
 *      the next job queued in the same transaction; past the policy's attempts the delivery is
 *      dead (FAILED) and falls back;
 *    - FAILED / BOUNCED: that status, and the fallback ({@link planFallback});
 *    - GONE (410): the endpoint DISABLED (`410 Gone`), the delivery FAILED, and the fallback.
 *    The notification's status becomes the best of its deliveries'.
 *
 * Delivery is at least once, under a stable message id: the delivery id is the message id the
 * provider sees (SMTP `Message-ID: <id@dictamesh>`, `webhook-id: msg_<id>`, PagerDuty
 * `dedup_key`, …). A worker killed after step 4 leaves the delivery SENDING with an attempt
 * whose outcome is NULL; its job comes back when it expires, and the next run makes a new
 * attempt that resends the same message id, which receivers deduplicate on. Attempt `response`
 * and `error` are cut to 2 000 characters, with the endpoint's secrets redacted.
 *
 * @param notBefore - the `startAfter` the job was queued with (stale-job check)
 * @throws what Prisma throws (the job is then retried by the queue); provider errors never throw
 */
export async function deliver(services: NotificationsServices, deliveryId: string, notBefore?: Date): Promise<void> {
  const { prisma } = services;
  const delivery = await loadDelivery(prisma, deliveryId);
  if (!delivery || FINISHED.has(delivery.status)) return;
  if (notBefore && delivery.nextAttemptAt && delivery.nextAttemptAt.getTime() !== notBefore.getTime()) return;

  let target: EndpointTarget | undefined;
  if (delivery.endpointId || ENDPOINT_CHANNELS.has(delivery.channel)) {
    const endpoint = delivery.endpointId ? await prisma.notificationEndpoint.findUnique({ where: { id: delivery.endpointId } }) : null;
    if (!endpoint || endpoint.status === 'DISABLED') {
      const reason = endpoint ? `endpoint disabled${endpoint.disabledReason ? `: ${endpoint.disabledReason}` : ''}` : 'endpoint deleted';
      await finishWithoutAttempt(services, delivery, reason);
      return;
    }
    if (endpoint.throttledUntil && endpoint.throttledUntil.getTime() > services.now().getTime()) {
      await reschedule(services, delivery, endpoint.throttledUntil);
      return;
    }
    try {
      target = await loadEndpointTarget(services, endpoint.id);
    } catch (error) {
      if (!(error instanceof DictaMeshError) || error.code !== 'NOTIFICATION_ENDPOINT_UNKNOWN') throw error;
      await finishWithoutAttempt(services, delivery, 'endpoint deleted');
      return;
    }
  }

  if (!services.channels.isAvailable(delivery.channel)) {
    await reschedule(services, delivery, new Date(services.now().getTime() + UNAVAILABLE_RECHECK_MS));
    return;
  }
  const waitMs = await rateLimitWaitMs(services.channels, delivery.channel);
  if (waitMs > 0) {
    await reschedule(services, delivery, new Date(services.now().getTime() + waitMs));
    return;
  }

  const attempt = await beginAttempt(prisma, delivery, services.now());
  if (attempt === undefined) return; // another worker took this attempt

  const started = performance.now();
  const outcome = await send(services, message(delivery, target, attempt.row));
  const durationMs = Math.round(performance.now() - started);
  services.metrics?.attempted(delivery.channel, outcome.outcome, durationMs / 1000);
  const secrets = target ? [...target.secrets, ...(delivery.channel === 'SLACK' ? [target.url] : [])] : [];
  await recordOutcome(services, delivery, { attempt, outcome, durationMs, secrets });
}

/** The provider's answer; a bug in it or an unavailable channel is a RETRY (throws nothing). */
async function send(services: NotificationsServices, outgoing: OutgoingMessage): Promise<SendOutcome> {
  try {
    return await services.channels.require(outgoing.channel).send(outgoing);
  } catch (error) {
    if (error instanceof DictaMeshError) return { outcome: 'RETRY', error: error.code };
    services.log.error({ err: error, deliveryId: outgoing.id, channel: outgoing.channel }, 'channel provider threw');
    return { outcome: 'RETRY', error: `provider error: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** The message a provider sends for `delivery`'s attempt `attempt`. */
function message(delivery: LoadedDelivery, endpoint: EndpointTarget | undefined, attempt: number): OutgoingMessage {
  const { notification } = delivery;
  return {
    id: delivery.id,
    orgId: delivery.orgId,
    channel: delivery.channel,
    typeKey: notification.typeKey,
    priority: notification.priority,
    ...(endpoint ? { endpoint } : delivery.destination && delivery.channel !== 'IN_APP' ? { to: delivery.destination } : {}),
    subject: delivery.subject,
    text: delivery.content,
    html: delivery.html,
    notification: {
      id: notification.id,
      subscriberId: notification.subscriberId,
      subscriberExternalId: notification.subscriber?.externalId ?? null,
      title: notification.title,
      body: notification.body,
      payload: notification.payload,
      entityUrn: notification.entityUrn,
      createdAt: notification.createdAt,
    },
    attempt,
  };
}

/** An attempt taken: its row number (1, 2, … over the delivery's whole history) and the delivery's `attemptCount` after it (the retry policy's count, reset by an operator's retry). */
interface TakenAttempt {
  row: number;
  count: number;
}

/**
 * Commits the attempt before the provider is called: `attemptCount + 1`, SENDING, an attempt
 * row with outcome NULL numbered after the delivery's last one, in one statement and only if the
 * delivery is still in the state read. Returns the attempt, or undefined when another worker
 * moved the delivery first.
 */
async function beginAttempt(prisma: PrismaClient, delivery: LoadedDelivery, now: Date): Promise<TakenAttempt | undefined> {
  const rows = await prisma.$queryRaw<{ attempt: number; count: number }[]>`
    WITH d AS (
      UPDATE "dictamesh_notification_deliveries"
      SET "attempt_count" = "attempt_count" + 1, "status" = 'SENDING', "updated_at" = ${now}::timestamptz
      WHERE "id" = ${delivery.id}::uuid AND "status" = ${delivery.status}::"NotificationStatus" AND "attempt_count" = ${delivery.attemptCount}
      RETURNING "id", "attempt_count")
    INSERT INTO "dictamesh_notification_delivery_attempts" ("id", "delivery_id", "attempt", "started_at")
    SELECT gen_random_uuid(), d."id",
      COALESCE((SELECT max(a."attempt") FROM "dictamesh_notification_delivery_attempts" a WHERE a."delivery_id" = d."id"), 0) + 1,
      ${now}::timestamptz
    FROM d
    RETURNING "attempt", (SELECT "attempt_count" FROM d) AS "count"`;
  return rows[0] === undefined ? undefined : { row: Number(rows[0].attempt), count: Number(rows[0].count) };
}

/** Queues the delivery again at `at` without an attempt (rate limit, throttled endpoint). */
async function reschedule(services: NotificationsServices, delivery: LoadedDelivery, at: Date): Promise<void> {
  await services.prisma.$transaction(async (tx) => {
    await tx.notificationDelivery.update({ where: { id: delivery.id }, data: { nextAttemptAt: at } });
    await services.queue.enqueueDelivery(tx, delivery.id, at);
  });
}

/** The delivery fails without an attempt (its endpoint is gone or disabled). */
async function finishWithoutAttempt(services: NotificationsServices, delivery: LoadedDelivery, reason: string): Promise<void> {
  const now = services.now();
  await services.prisma.$transaction([
    lockNotification(services.prisma, delivery.notificationId),
    services.prisma.notificationDelivery.update({
      where: { id: delivery.id },
      data: { status: 'FAILED', lastError: reason, nextAttemptAt: null },
    }),
    refreshNotificationStatus(services.prisma, delivery.notificationId, now),
  ]);
}

interface AttemptResult {
  attempt: TakenAttempt;
  outcome: SendOutcome;
  durationMs: number;
  /** Strings that must not be stored (the endpoint's secrets). */
  secrets: string[];
}

/** Records the provider's answer and what follows from it (see {@link deliver}), in one transaction. */
async function recordOutcome(services: NotificationsServices, delivery: LoadedDelivery, result: AttemptResult): Promise<void> {
  const { prisma } = services;
  const { attempt, outcome, durationMs, secrets } = result;
  const now = services.now();
  const error = 'error' in outcome ? attemptText(outcome.error, secrets) : null;
  const attemptUpdate = (db: Prisma.TransactionClient | PrismaClient) =>
    db.notificationDeliveryAttempt.update({
      where: { deliveryId_attempt: { deliveryId: delivery.id, attempt: attempt.row } },
      data: {
        outcome: outcome.outcome,
        statusCode: outcome.statusCode ?? null,
        providerMessageId: outcome.outcome === 'DELIVERED' ? (outcome.providerMessageId ?? null) : null,
        response: attemptText(outcome.response, secrets),
        error,
        finishedAt: now,
        durationMs,
      },
    });

  if (outcome.outcome === 'DELIVERED') {
    await prisma.$transaction([
      lockNotification(prisma, delivery.notificationId),
      attemptUpdate(prisma),
      prisma.notificationDelivery.update({
        where: { id: delivery.id },
        data: {
          status: 'DELIVERED',
          providerMessageId: outcome.providerMessageId ?? null,
          deliveredAt: now,
          lastError: null,
          nextAttemptAt: null,
        },
      }),
      refreshNotificationStatus(prisma, delivery.notificationId, now),
    ]);
    return;
  }

  const policy = services.delivery ?? DEFAULT_DELIVERY_POLICY;
  const transient = outcome.outcome === 'RETRY' || outcome.outcome === 'THROTTLED';
  const delay = transient ? retryDelayMs(policy, delivery.channel, attempt.count) : null;
  if (transient && delay !== null) {
    const waitMs = outcome.outcome === 'THROTTLED' && outcome.retryAfterMs !== undefined ? outcome.retryAfterMs : delay;
    const at = new Date(now.getTime() + waitMs);
    await prisma.$transaction(async (tx) => {
      await lockNotification(tx, delivery.notificationId);
      await attemptUpdate(tx);
      await tx.notificationDelivery.update({ where: { id: delivery.id }, data: { status: 'QUEUED', nextAttemptAt: at, lastError: error } });
      if (outcome.outcome === 'THROTTLED' && delivery.endpointId)
        await tx.notificationEndpoint.update({ where: { id: delivery.endpointId }, data: { throttledUntil: at } });
      await services.queue.enqueueDelivery(tx, delivery.id, at);
      await refreshNotificationStatus(tx, delivery.notificationId, now);
    });
    return;
  }

  // dead (attempts exhausted) or a permanent failure: the fallback channel, once
  const status: NotificationStatus = outcome.outcome === 'BOUNCED' ? 'BOUNCED' : 'FAILED';
  const fallback: FallbackPlan | null = await planFallback(services, delivery, delivery.notification);
  let fallbackId: string | undefined;
  await prisma.$transaction(async (tx) => {
    await lockNotification(tx, delivery.notificationId);
    await attemptUpdate(tx);
    await tx.notificationDelivery.update({
      where: { id: delivery.id },
      data: { status, nextAttemptAt: null, lastError: error ?? deadReason(outcome.outcome) },
    });
    if (outcome.outcome === 'GONE' && delivery.endpointId)
      await tx.notificationEndpoint.update({
        where: { id: delivery.endpointId },
        data: { status: 'DISABLED', disabledReason: '410 Gone' },
      });
    if (fallback) {
      fallbackId = await writeFallback(tx, fallback, delivery);
      await services.queue.enqueueDelivery(tx, fallbackId);
    }
    await refreshNotificationStatus(tx, delivery.notificationId, now);
  });
  if (fallbackId) services.queue.wake();
  services.log.info(
    { deliveryId: delivery.id, channel: delivery.channel, outcome: outcome.outcome, attempt: attempt.row, fallbackId },
    'notification delivery failed for good',
  );
}

function deadReason(outcome: NotificationAttemptOutcome): string {
  return outcome === 'GONE' ? '410 Gone' : outcome.toLowerCase();
}

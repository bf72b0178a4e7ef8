import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database, type NotificationChannel } from '@dictamesh/db';
import type { ChannelProvider, OutgoingMessage, SendOutcome } from '../channels/channel';
import { createSmtpProvider } from '../channels/email/smtp-provider';
import type { NotificationsServices } from '../context';
import { createNotificationsMetrics } from '../metrics';
import type { DeliveryQueue } from '../queue/queue';
import { attemptsOf, seedDeliveries, workerServices } from '../test/delivery-fixtures';
import { startSmtpSink, type SmtpSink } from '../test/smtp-sink';
import { until } from '../test/wait';
import { deliver, UNAVAILABLE_RECHECK_MS } from './deliver';
import type { DeliveryPolicy } from './policy';

const TIMEOUT_MS = 120_000;
let db: Database;
let sink: SmtpSink;
const running: (NotificationsServices & { queue: DeliveryQueue })[] = [];

beforeAll(async () => {
  [db, sink] = await Promise.all([openDatabase({ dataDir: 'memory://' }), startSmtpSink()]);
});
afterAll(async () => {
  for (const services of running) await services.queue.stop();
  await Promise.all([db.close(), sink.stop()]);
});

/** A provider double of `channel` answering `answers` in turn (then DELIVERED), recording its calls. */
function double(channel: NotificationChannel, answers: SendOutcome[]) {
  const calls: { message: OutgoingMessage; at: number }[] = [];
  const provider: ChannelProvider = {
    channel,
    available: true,
    async send(message) {
      calls.push({ message, at: Date.now() });
      return answers.shift() ?? { outcome: 'DELIVERED', statusCode: 200, providerMessageId: `p-${message.id}` };
    },
  };
  return { provider, calls };
}

/** A worker in this process with `providers` (plus EMAIL to the sink), under `policy`. */
async function worker(
  providers: ChannelProvider[],
  options: { delivery?: DeliveryPolicy; rateLimits?: Partial<Record<NotificationChannel, number>> } = {},
) {
  const smtp = createSmtpProvider({ url: sink.url, from: 'notifications@dictamesh.test' });
  const services = workerServices(db, { providers: [smtp, ...providers], ...options });
  services.metrics = createNotificationsMetrics({ prisma: db.prisma, queue: services.queue });
  running.push(services);
  await services.queue.start();
  return services;
}

const statusOf = async (id: string) => (await db.prisma.notificationDelivery.findUniqueOrThrow({ where: { id } })).status;
const finished = (id: string) => async () => !['QUEUED', 'SENDING'].includes(await statusOf(id));

describe('deliver', () => {
  it(
    'retries a provider failing 5xx on the backoff schedule, then the delivery is dead and the fallback channel (EMAIL) is used once',
    async () => {
      const org = 'acme';
      await db.prisma.notificationType.create({
        data: { orgId: org, key: 'acme.flaky', defaultChannels: ['SMS'], fallbackChannel: 'EMAIL', priority: 'HIGH' },
      });
      await db.prisma.notificationTemplate.create({
        data: {
          orgId: org,
          typeKey: 'acme.flaky',
          channel: 'EMAIL',
          locale: 'en',
          version: 1,
          subject: 'Fallback for {{name}}',
          body: 'Hello {{name}}, the SMS did not go through.',
          html: '<p>Hello {{name}}</p>',
          variables: { name: { type: 'string', required: true } },
        },
      });
      const unavailable: SendOutcome = { outcome: 'RETRY', statusCode: 503, error: '503 Service Unavailable', response: 'try later' };
      const sms = double('SMS', [unavailable, unavailable, unavailable]);
      // full jitter with a draw of 0.5: 50 ms after attempt 1 (ceiling 100), 100 ms after attempt 2 (ceiling 200)
      const services = await worker([sms.provider], {
        delivery: { webhookScheduleMs: [], backoff: { baseMs: 100, capMs: 200, maxAttempts: 3 }, random: () => 0.5 },
      });
      const before = (await sink.received()).length;
      const [id] = await seedDeliveries(db.prisma, services.queue, {
        orgId: org,
        typeKey: 'acme.flaky',
        payload: { name: 'Ada' },
        addresses: [{ channel: 'EMAIL', address: 'ada@example.test' }],
        deliveries: [{ channel: 'SMS', destination: '+33612345678' }],
      });
      await until('the SMS delivery to die', finished(id!), 30_000);
      const fallback = await until('the fallback delivery', () =>
        db.prisma.notificationDelivery.findFirst({ where: { fallbackOfId: id! } }).then((d) => d ?? undefined),
      );
      await until('the fallback to be delivered', finished(fallback.id), 30_000);

      expect(sms.calls.map((c) => [c.message.id, c.message.attempt, c.message.to])).toEqual([
        [id, 1, '+33612345678'],
        [id, 2, '+33612345678'],
        [id, 3, '+33612345678'],
      ]);
      expect(sms.calls[1]!.at - sms.calls[0]!.at).toBeGreaterThanOrEqual(50);
      expect(sms.calls[2]!.at - sms.calls[1]!.at).toBeGreaterThanOrEqual(100);
      const dead = await db.prisma.notificationDelivery.findUniqueOrThrow({
        where: { id: id! },
        include: { attempts: { orderBy: { attempt: 'asc' } } },
      });
      expect([dead.status, dead.attemptCount, dead.lastError, dead.nextAttemptAt]).toEqual(['FAILED', 3, '503 Service Unavailable', null]);
      expect(dead.attempts.map((a) => [a.attempt, a.outcome, a.statusCode, a.response, a.error])).toEqual([
        [1, 'RETRY', 503, 'try later', '503 Service Unavailable'],
        [2, 'RETRY', 503, 'try later', '503 Service Unavailable'],
        [3, 'RETRY', 503, 'try later', '503 Service Unavailable'],
      ]);
      expect(dead.attempts.every((a) => a.finishedAt !== null && a.durationMs !== null)).toBe(true);

      expect([fallback.channel, fallback.destination, fallback.subject, fallback.templateVersion, fallback.locale]).toEqual([
        'EMAIL',
        'ada@example.test',
        'Fallback for Ada',
        1,
        'en',
      ]);
      expect(await statusOf(fallback.id)).toBe('DELIVERED');
      expect(await attemptsOf(db.prisma, fallback.id)).toEqual([['DELIVERED', null]]);
      const mails = (await sink.received()).slice(before);
      expect(mails.map((m) => [m.messageId, m.to, m.subject, m.text.trim(), m.html?.trim()])).toEqual([
        [
          `<${fallback.id}@dictamesh>`,
          ['ada@example.test'],
          'Fallback for Ada',
          'Hello Ada, the SMS did not go through.',
          '<p>Hello Ada</p>',
        ],
      ]);
      const notification = await db.prisma.notification.findUniqueOrThrow({ where: { id: dead.notificationId } });
      expect(notification.status).toBe('DELIVERED');
      // the fallback is not retried again, and there is one
      expect(await db.prisma.notificationDelivery.count({ where: { notificationId: dead.notificationId } })).toBe(2);

      const text = await services.metrics!.registry.metrics();
      expect(text).toContain('dictamesh_notifications_deliveries_total{channel="SMS",outcome="RETRY"} 3');
      expect(text).toContain('dictamesh_notifications_deliveries_total{channel="EMAIL",outcome="DELIVERED"} 1');
      expect(text).toContain('dictamesh_notifications_dead_deliveries 1');
      expect(text).toMatch(/dictamesh_notifications_queue_jobs\{state="completed"\} [1-9]/);

      // an operator's retry (resolvers/deliveries.ts): QUEUED, attemptCount 0, a job now; the attempts go on from 4
      const now = new Date();
      await db.prisma.$transaction(async (tx) => {
        await tx.notificationDelivery.update({ where: { id: id! }, data: { status: 'QUEUED', attemptCount: 0, nextAttemptAt: now } });
        await services.queue.enqueueDelivery(tx, id!, now);
      });
      services.queue.wake();
      await until('the retried delivery', finished(id!), 30_000);
      expect(await attemptsOf(db.prisma, id!)).toEqual([
        ['RETRY', 503],
        ['RETRY', 503],
        ['RETRY', 503],
        ['DELIVERED', 200],
      ]);
      const retried = await db.prisma.notificationDelivery.findUniqueOrThrow({ where: { id: id! } });
      expect([retried.status, retried.attemptCount, retried.providerMessageId]).toEqual(['DELIVERED', 1, `p-${id}`]);
      expect(sms.calls.at(-1)!.message.attempt).toBe(4);
      // a fallback is made once: none more
      expect(await db.prisma.notificationDelivery.count({ where: { notificationId: dead.notificationId } })).toBe(2);
      await services.queue.stop();
    },
    TIMEOUT_MS,
  );

  it(
    'a 410 answer disables the endpoint (the delivery FAILED, later deliveries to it fail without an attempt); a 429 throttles the endpoint until Retry-After',
    async () => {
      const org = 'hooks';
      const gone = await db.prisma.notificationEndpoint.create({
        data: { orgId: org, channel: 'WEBHOOK', name: 'gone', url: 'https://gone.example.test/hook', typeKeys: [] },
      });
      const busy = await db.prisma.notificationEndpoint.create({
        data: { orgId: org, channel: 'WEBHOOK', name: 'busy', url: 'https://busy.example.test/hook', typeKeys: [] },
      });
      const webhook = double('WEBHOOK', []);
      const answers = new Map<string, SendOutcome[]>([
        [gone.id, [{ outcome: 'GONE', statusCode: 410, error: '410 Gone', response: 'no such hook' }]],
        [busy.id, [{ outcome: 'THROTTLED', statusCode: 429, error: '429 Too Many Requests', retryAfterMs: 800 }]],
      ]);
      webhook.provider.send = async (message) => {
        webhook.calls.push({ message, at: Date.now() });
        return answers.get(message.endpoint!.id)!.shift() ?? { outcome: 'DELIVERED', statusCode: 200 };
      };
      const services = await worker([webhook.provider]);
      const [toGone] = await seedDeliveries(db.prisma, services.queue, {
        orgId: org,
        typeKey: 'notifications.test',
        deliveries: [{ channel: 'WEBHOOK', destination: `endpoint:${gone.id}`, endpointId: gone.id }],
      });
      await until('the 410', finished(toGone!), 30_000);
      const disabled = await db.prisma.notificationEndpoint.findUniqueOrThrow({ where: { id: gone.id } });
      expect([disabled.status, disabled.disabledReason]).toEqual(['DISABLED', '410 Gone']);
      expect(await statusOf(toGone!)).toBe('FAILED');
      expect(await attemptsOf(db.prisma, toGone!)).toEqual([['GONE', 410]]);

      const [again, throttled] = await seedDeliveries(db.prisma, services.queue, {
        orgId: org,
        typeKey: 'notifications.test',
        deliveries: [
          { channel: 'WEBHOOK', destination: `endpoint:${gone.id}`, endpointId: gone.id },
          { channel: 'WEBHOOK', destination: `endpoint:${busy.id}`, endpointId: busy.id },
        ],
      });
      await until('the delivery to the disabled endpoint', finished(again!), 30_000);
      const refused = await db.prisma.notificationDelivery.findUniqueOrThrow({ where: { id: again! } });
      expect([refused.status, refused.lastError, refused.attemptCount]).toEqual(['FAILED', 'endpoint disabled: 410 Gone', 0]);
      expect(webhook.calls.filter((c) => c.message.id === again)).toHaveLength(0);

      await until('the throttled delivery', finished(throttled!), 30_000);
      const attempts = await db.prisma.notificationDeliveryAttempt.findMany({
        where: { deliveryId: throttled! },
        orderBy: { attempt: 'asc' },
      });
      expect(attempts.map((a) => [a.outcome, a.statusCode, a.error])).toEqual([
        ['THROTTLED', 429, '429 Too Many Requests'],
        ['DELIVERED', 200, null],
      ]);
      const until429 = (await db.prisma.notificationEndpoint.findUniqueOrThrow({ where: { id: busy.id } })).throttledUntil!;
      expect(until429.getTime()).toBe(attempts[0]!.finishedAt!.getTime() + 800);
      expect(attempts[1]!.startedAt.getTime()).toBeGreaterThanOrEqual(until429.getTime());
      expect(await statusOf(throttled!)).toBe('DELIVERED');
      await services.queue.stop();
    },
    TIMEOUT_MS,
  );

  it(
    'keeps a channel under its rate limit by rescheduling (no attempt) and skips duplicate jobs of finished deliveries',
    async () => {
      const push = double('PUSH', []);
      const services = await worker([push.provider], { rateLimits: { PUSH: 4 } });
      const ids = await seedDeliveries(db.prisma, services.queue, {
        orgId: 'limited',
        typeKey: 'notifications.test',
        deliveries: Array.from({ length: 8 }, (_, i) => ({ channel: 'PUSH' as const, destination: `ExponentPushToken[t${i}]` })),
      });
      await until(
        '8 deliveries',
        async () => (await db.prisma.notificationDelivery.count({ where: { id: { in: ids }, status: 'DELIVERED' } })) === 8,
        30_000,
      );
      const times = push.calls.map((c) => c.at).sort((a, b) => a - b);
      expect(times).toHaveLength(8);
      // 4 per second: the fifth call waits for the next window
      expect(times[4]! - times[0]!).toBeGreaterThanOrEqual(900);
      expect(await db.prisma.notificationDeliveryAttempt.count({ where: { deliveryId: { in: ids } } })).toBe(8);
      // a duplicate job of a finished delivery does nothing
      await db.prisma.$transaction((tx) => services.queue.enqueueDelivery(tx, ids[0]!, new Date()));
      services.queue.wake();
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(push.calls).toHaveLength(8);
      await services.queue.stop();
    },
    TIMEOUT_MS,
  );

  it(
    'lets a delivery on a switched-off channel wait without an attempt, and delivers it once the channel is back',
    async () => {
      const push = double('PUSH', []);
      const services = workerServices(db, { providers: [push.provider] });
      const [id] = await seedDeliveries(db.prisma, services.queue, {
        orgId: 'paused',
        typeKey: 'notifications.test',
        deliveries: [{ channel: 'PUSH', destination: 'ExponentPushToken[paused]' }],
      });
      const now = new Date('2026-12-01T12:00:00.000Z');
      services.now = () => now;
      services.channels.setDisabled(['PUSH']);
      await deliver(services, id!);
      const waiting = await db.prisma.notificationDelivery.findUniqueOrThrow({ where: { id: id! } });
      expect(waiting).toMatchObject({ status: 'QUEUED', attemptCount: 0, nextAttemptAt: new Date(now.getTime() + UNAVAILABLE_RECHECK_MS) });
      expect(push.calls).toHaveLength(0);
      services.channels.setDisabled([]);
      await deliver(services, id!, waiting.nextAttemptAt!);
      expect(await statusOf(id!)).toBe('DELIVERED');
      expect(push.calls.map((c) => c.message.id)).toEqual([id]);
    },
    TIMEOUT_MS,
  );
});

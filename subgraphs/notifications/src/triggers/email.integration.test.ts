import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '@dictamesh/db';
import { InProcessEventBus, TOPICS, toDictaMeshEvent, toEntityChangeEvent, type BillingInvoiceEvent } from '@dictamesh/events';
import { Keyring, LocalMasterKey } from '@dictamesh/secrets';
import { createNotificationsService, type NotificationsService } from '../service';
import { renderNotification } from '../templates/render';
import { startSmtpSink, type SmtpSink } from '../test/smtp-sink';
import { until } from '../test/wait';
import { TRIGGER_GROUPS } from './consumers';

// The whole notifications subgraph (consumers, accept, pg-boss worker, SMTP provider) on PGlite
// and the in-process bus: a billing event becomes one email received by a real SMTP server on
// loopback (src/test/smtp-sink.ts), rendered from the platform template; so does an entity change
// matching a rule.
let db: Database;
let bus: InProcessEventBus;
let sink: SmtpSink;
let service: NotificationsService;

beforeAll(async () => {
  db = await openDatabase({ dataDir: 'memory://' });
  bus = new InProcessEventBus({ retryInitialDelayMs: 1 });
  sink = await startSmtpSink();
  service = await createNotificationsService({
    db,
    bus,
    logger: pino({ level: 'silent' }),
    introspection: false,
    secrets: await Keyring.open(db.prisma, [LocalMasterKey.fromBase64(randomBytes(32).toString('base64'))]),
    channels: { smtp: { url: sink.url, from: 'notifications@dictamesh.test' } },
    allowPrivateNetworks: true,
    queue: { pollIntervalMs: 100 },
  });
}, 120_000);

afterAll(async () => {
  await service?.close();
  await sink?.stop();
  await bus?.close();
  await db?.close();
});

describe('triggers to email', () => {
  it("mails an invoice finalized to the organisation's billing email, once, with the rendered template", async () => {
    const data: BillingInvoiceEvent = {
      org: 'acme',
      billingEmail: 'billing@acme.test',
      invoiceId: 'inv-7',
      subscriptionId: null,
      number: 'ACME-000007',
      status: 'FINALIZED',
      currency: 'EUR',
      totalMinor: '60194',
      amountDueMinor: '60194',
      periodStart: '2026-11-01T00:00:00.000Z',
      periodEnd: '2026-12-01T00:00:00.000Z',
      dueAt: '2026-12-15T00:00:00.000Z',
      occurredAt: '2026-12-01T00:05:00.000Z',
    };
    const event = toDictaMeshEvent(TOPICS.invoiceFinalized, data, {
      id: 'inv-7.finalized',
      source: 'dictamesh:billing',
      org: 'acme',
      subject: 'invoice:inv-7',
    });
    // published twice (the outbox's at-least-once): one email
    await bus.publish(TOPICS.invoiceFinalized, [{ key: 'acme', event }]);
    await bus.publish(TOPICS.invoiceFinalized, [{ key: 'acme', event }]);
    const [mail] = await sink.waitFor(1, 60_000);
    const expected = await renderNotification(db.prisma, {
      orgId: 'acme',
      typeKey: 'billing.invoice.finalized',
      channel: 'EMAIL',
      locale: 'en',
      variables: {
        invoiceId: 'inv-7',
        currency: 'EUR',
        total: 'EUR 601.94',
        amountDue: 'EUR 601.94',
        invoiceNumber: 'ACME-000007',
        periodStart: '2026-11-01T00:00:00.000Z',
        periodEnd: '2026-12-01T00:00:00.000Z',
        dueAt: '2026-12-15T00:00:00.000Z',
      },
    });
    expect([mail!.from, mail!.to, mail!.subject, mail!.text.trim(), mail!.html?.trim()]).toEqual([
      'notifications@dictamesh.test',
      ['billing@acme.test'],
      expected.subject,
      expected.text.trim(),
      expected.html?.trim(),
    ]);
    expect(mail!.text).toContain('EUR 601.94');
    const delivery = await db.prisma.notificationDelivery.findFirstOrThrow({ where: { destination: 'billing@acme.test' } });
    expect(mail!.messageId).toBe(`<${delivery.id}@dictamesh>`);
    // the redeliveries were not told again
    await bus.publish(TOPICS.invoiceFinalized, [{ key: 'acme', event }]);
    await until('the billing group to catch up', async () => (await bus.lag(TRIGGER_GROUPS.billing)) === 0);
    expect(await db.prisma.notification.count({ where: { sourceEventId: 'inv-7.finalized' } })).toBe(1);
    expect((await sink.received()).length).toBe(1);
  }, 120_000);

  it("mails an entity change matching a rule to the rule's subscriber, rendered from entity.changed", async () => {
    const ann = await db.prisma.notificationSubscriber.create({
      data: { orgId: 'acme', externalId: 'ann', addresses: { create: { channel: 'EMAIL', address: 'ann@acme.test' } } },
    });
    await db.prisma.notificationRule.create({
      data: {
        orgId: 'acme',
        subscriberId: ann.id,
        name: 'VIP contacts',
        filter: { urnPrefix: 'dictamesh:chatwoot:contact:' },
        channels: ['EMAIL'],
      },
    });
    const change = {
      urn: 'dictamesh:chatwoot:contact:42',
      source: 'chatwoot',
      entityType: 'contact',
      sourceId: '42',
      domain: 'crm',
      operation: 'updated' as const,
      displayName: 'Ada Lovelace',
      attributes: {},
      changedAttributes: ['email'],
      occurredAt: '2026-12-01T03:59:00.000Z',
      relationships: [],
    };
    await bus.publish(TOPICS.entityUpdated, [
      { key: change.urn, event: toEntityChangeEvent(change, { id: 'chg-42', source: '/dictamesh/adapters/chatwoot', org: 'acme' }) },
    ]);
    const mails = await sink.waitFor(2, 60_000);
    const expected = await renderNotification(db.prisma, {
      orgId: 'acme',
      typeKey: 'entity.changed',
      channel: 'EMAIL',
      locale: 'en',
      variables: {
        ruleName: 'VIP contacts',
        operation: 'updated',
        entityUrn: change.urn,
        entityType: 'contact',
        source: 'chatwoot',
        occurredAt: change.occurredAt,
        entityName: 'Ada Lovelace',
        changedFields: ['email'],
      },
    });
    expect(mails.slice(1).map((m) => [m.to, m.subject, m.text.trim()])).toEqual([
      [['ann@acme.test'], expected.subject, expected.text.trim()],
    ]);
  }, 120_000);
});

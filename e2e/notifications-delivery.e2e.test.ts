import { createHmac } from 'node:crypto';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpSink, type ReceivedMail, type SmtpSink } from '../subgraphs/notifications/src/test/smtp-sink';
import { startWebhookReceiver, type WebhookReceiver } from '../subgraphs/notifications/src/test/webhook-receiver';
import { startTestStack, tempDataDir, type FullStack } from './harness/harness';
import { orgToken } from './harness/identities';

// Notifications through the gateway, on the embedded stack (development mode: endpoints on
// loopback are allowed) with EMAIL pointed at a real SMTP server in a child process: a Chatwoot
// webhook whose entity change matches a rule made through the gateway yields one email with the
// organisation's template rendered; an invoice finalized in billing reaches the organisation's
// billing email and its webhook endpoint, whose POST verifies per Standard Webhooks; bad input
// gives coded errors and queues nothing.
const SECRET = 'test-jwt-secret-notifications-0123456789abcdef';
const ADAPTERS_DIR = fileURLToPath(new URL('../adapters', import.meta.url));
const CHATWOOT_SECRET = 'acme-chatwoot-webhook-secret-0123';
const dataDir = tempDataDir();
let stack: FullStack;
let sink: SmtpSink;
let receiver: WebhookReceiver;

// answers are read loosely: each test asserts the exact shape it expects
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = Record<string, any>;
type Answer<T = Loose> = {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: { code?: string; [k: string]: unknown } }>;
};
async function as<T = Loose>(org: string, scope: string, query: string, variables: Record<string, unknown> = {}): Promise<Answer<T>> {
  const response = await fetch(stack.urls.gateway, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await orgToken(SECRET, org, scope)}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as Answer<T>;
}
const operator = (query: string, variables?: Record<string, unknown>) => as('platform', 'dictamesh:platform', query, variables);
/** The organisation's administrator (every notifications and billing scope of acme). */
const admin = (query: string, variables?: Record<string, unknown>) => as('acme', 'dictamesh:admin', query, variables);
const ok = <T>(answer: Answer<T>): T => {
  expect(answer.errors, JSON.stringify(answer.errors)).toBeUndefined();
  return answer.data!;
};

/** POSTs a Chatwoot webhook to the registration's route, signed as Chatwoot ≥ 4.11 does. */
async function chatwoot(body: string) {
  const timestamp = String(Math.floor(Date.now() / 1_000));
  const response = await fetch(`${stack.urls.webhooks}/chatwoot/adapters/cw-acme`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-chatwoot-timestamp': timestamp,
      'x-chatwoot-signature': `sha256=${createHmac('sha256', CHATWOOT_SECRET).update(`${timestamp}.${body}`).digest('hex')}`,
    },
    body,
  });
  return response.status;
}

/** Rows the notifications service wrote, and the jobs it queued (pg-boss, every state). */
async function written() {
  const prisma = stack.db.prisma;
  const [jobs] = await prisma.$queryRawUnsafe<Array<{ n: bigint }>>('SELECT count(*) AS n FROM dictamesh_notification_jobs.job');
  return {
    notifications: await prisma.notification.count(),
    deliveries: await prisma.notificationDelivery.count(),
    rules: await prisma.notificationRule.count(),
    templates: await prisma.notificationTemplate.count(),
    endpoints: await prisma.notificationEndpoint.count(),
    addresses: await prisma.notificationSubscriberAddress.count(),
    jobs: Number(jobs!.n),
  };
}

/** Bounded wait for a condition (polls every 100 ms). */
async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The mails addressed to `to` once `count` of them arrived (then a pause shows no more come). */
async function mailsTo(to: string, count: number): Promise<ReceivedMail[]> {
  const mails = await until(`${count} mail(s) to ${to}`, async () => {
    const got = (await sink.received()).filter((mail) => mail.to.includes(to));
    return got.length >= count ? got : undefined;
  });
  return mails;
}

beforeAll(async () => {
  sink = await startSmtpSink();
  receiver = await startWebhookReceiver();
  stack = await startTestStack(
    dataDir,
    {},
    {
      JWT_SECRET: SECRET,
      AUTH_ANONYMOUS_SCOPES: '',
      ADAPTER_SYNC_INTERVAL_MS: '0',
      DICTAMESH_ADAPTER_DIRS: ADAPTERS_DIR,
      RATE_LIMIT: 'off',
      NOTIFICATIONS_SMTP_URL: sink.url,
      NOTIFICATIONS_EMAIL_FROM: 'DictaMesh <notifications@dictamesh.test>',
    },
  );
  ok(
    await operator(`mutation ($input: CreateOrganizationInput!) { createOrganization(input: $input) { id } }`, {
      input: { id: 'acme', name: 'Acme Robotics', currency: 'USD', billingEmail: 'billing@acme.test' },
    }),
  );
  ok(
    await admin(`mutation ($input: RegisterAdapterInput!) { registerAdapter(input: $input) { id } }`, {
      input: {
        id: 'cw-acme',
        kind: 'chatwoot',
        config: { baseUrl: 'http://127.0.0.1:9', accountId: 12, apiAccessToken: 't', timeoutMs: 200, webhookSecret: CHATWOOT_SECRET },
      },
    }),
  );
}, 180_000);
afterAll(async () => {
  await stack?.close();
  await sink?.stop();
  await receiver?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('notifications through the gateway', () => {
  it('lists EMAIL as available (SMTP configured) and SMS as not', async () => {
    const { notificationChannels } = ok(await admin(`{ notificationChannels { channel available } }`));
    expect(notificationChannels).toContainEqual({ channel: 'EMAIL', available: true });
    expect(notificationChannels).toContainEqual({ channel: 'SMS', available: false });
    expect(notificationChannels).toContainEqual({ channel: 'IN_APP', available: true });
  });

  it('sends ONE email rendered from the template when an entity change matches a rule', async () => {
    // the organisation's own EMAIL template of entity.changed (a new version over the platform's)
    const template = ok(
      await admin(
        `mutation ($input: SaveNotificationTemplateInput!) { saveNotificationTemplate(input: $input) { version platform locale } }`,
        {
          input: {
            type: 'entity.changed',
            channel: 'EMAIL',
            subject: '[{{ruleName}}] {{entityType}} {{operation}}: {{entityName}}',
            body: '{{entityUrn}} was {{operation}} in {{source}} at {{occurredAt}}.',
            html: '<p><b>{{entityName}}</b> ({{entityUrn}}) was {{operation}}.</p>',
            variables: [
              { name: 'ruleName', type: 'STRING' },
              { name: 'operation', type: 'STRING' },
              { name: 'entityUrn', type: 'STRING' },
              { name: 'entityType', type: 'STRING' },
              { name: 'source', type: 'STRING' },
              { name: 'entityName', type: 'STRING', required: false },
              { name: 'occurredAt', type: 'DATE' },
            ],
          },
        },
      ),
    ).saveNotificationTemplate;
    expect(template).toEqual({ version: 1, platform: false, locale: 'en' });
    const address = ok(
      await admin(`mutation { addNotificationAddress(input: { channel: EMAIL, address: "user@acme.test" }) { channel address } }`),
    );
    expect(address.addNotificationAddress).toEqual({ channel: 'EMAIL', address: 'user@acme.test' });
    const rule = ok(
      await admin(
        `mutation ($input: NotificationRuleInput!) { createNotificationRule(input: $input) { id name type channels enabled filter { entityTypes urnPrefix } } }`,
        {
          input: {
            name: 'Acme contacts',
            filter: { entityTypes: ['contact'], sources: ['chatwoot'], urnPrefix: 'dictamesh:chatwoot:account/12:contact:' },
            channels: ['EMAIL', 'IN_APP'],
          },
        },
      ),
    ).createNotificationRule as { id: string };
    expect(rule).toMatchObject({
      name: 'Acme contacts',
      type: 'entity.changed',
      channels: ['EMAIL', 'IN_APP'],
      enabled: true,
      filter: { entityTypes: ['contact'], urnPrefix: 'dictamesh:chatwoot:account/12:contact:' },
    });

    // a conversation of the same account does not match; the contact does
    expect(
      await chatwoot(JSON.stringify({ event: 'conversation_status_changed', id: 300, status: 'resolved', account: { id: 12 }, meta: {} })),
    ).toBeLessThan(500);
    expect(
      await chatwoot(JSON.stringify({ event: 'contact_updated', id: 5001, name: 'Maya Okafor', account: { id: 12, name: 'Shop' } })),
    ).toBe(202);
    expect(await stack.drained(20_000)).toBe(true);
    const [mail] = await mailsTo('user@acme.test', 1);
    const urn = 'dictamesh:chatwoot:account/12:contact:5001';
    const notification = await until('the notification to be delivered', async () => {
      const answer = ok(
        await admin(
          `{ myNotifications(first: 10) { nodes { id type ruleId entityUrn payload deliveries { id channel destination status providerMessageId } } } }`,
        ),
      ).myNotifications.nodes as Array<{
        id: string;
        ruleId: string;
        payload: Record<string, unknown>;
        deliveries: Array<Record<string, unknown>>;
      }>;
      return answer.length === 1 && answer[0]!.deliveries.every((d) => d.status === 'DELIVERED') ? answer[0]! : undefined;
    });
    const operation = notification.payload.operation as string;
    expect(['created', 'updated']).toContain(operation);
    expect(mail!.subject).toBe(`[Acme contacts] contact ${operation}: Maya Okafor`);
    expect(mail!.text.trim()).toBe(`${urn} was ${operation} in chatwoot at ${notification.payload.occurredAt as string}.`);
    expect(mail!.html).toContain(`<p><b>Maya Okafor</b> (${urn}) was ${operation}.</p>`);
    expect(mail!.from).toBe('notifications@dictamesh.test');
    expect(mail!.headers.from).toContain('DictaMesh');
    // the delivery id is the message id the SMTP server saw
    expect(notification).toMatchObject({ type: 'entity.changed', ruleId: rule.id, entityUrn: urn });
    const byChannel = Object.fromEntries(notification.deliveries.map((d) => [d.channel as string, d]));
    expect(Object.keys(byChannel).sort()).toEqual(['EMAIL', 'IN_APP']);
    expect(byChannel.EMAIL).toMatchObject({ destination: 'user@acme.test', status: 'DELIVERED' });
    expect(byChannel.IN_APP).toMatchObject({ destination: null, status: 'DELIVERED' });
    expect(mail!.messageId).toBe(`<${byChannel.EMAIL!.id as string}@dictamesh>`);

    // the same delivery again (a retried webhook: same state, same event id) sends nothing more
    expect(
      await chatwoot(JSON.stringify({ event: 'contact_updated', id: 5001, name: 'Maya Okafor', account: { id: 12, name: 'Shop' } })),
    ).toBe(202);
    expect(await stack.drained(20_000)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // a second mail would have come by now
    expect((await sink.received()).filter((m) => m.to.includes('user@acme.test'))).toHaveLength(1);
    expect(await stack.db.prisma.notification.count({ where: { ruleId: rule.id } })).toBe(1);
  }, 120_000);

  it("mails a finalized invoice to the organisation's billing email and POSTs it, signed, to its webhook endpoint", async () => {
    const created = ok(
      await admin(
        `mutation ($input: NotificationEndpointInput!) { createNotificationEndpoint(input: $input) { secret endpoint { id channel url types status activeSecrets } } }`,
        { input: { channel: 'WEBHOOK', name: 'finance hook', url: receiver.url, types: ['billing.invoice.finalized'] } },
      ),
    ).createNotificationEndpoint as { secret: string; endpoint: { id: string } };
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(created.endpoint).toMatchObject({
      channel: 'WEBHOOK',
      url: receiver.url,
      types: ['billing.invoice.finalized'],
      status: 'ENABLED',
      activeSecrets: 1,
    });
    // the secret is shown once: never again
    const listed = JSON.stringify(ok(await admin(`{ notificationEndpoints { id url activeSecrets } }`)));
    expect(listed).not.toContain(created.secret);

    for (const [code, fixedAmount] of [
      ['team', '49'],
      ['pro', '99'],
    ] as const) {
      ok(
        await operator(`mutation ($input: CreatePlanInput!) { createPlan(input: $input) { code } }`, {
          input: { code, name: code, currency: 'USD', interval: 'MONTHLY', fixedAmount, charges: [] },
        }),
      );
    }
    // an upgrade mid-period leaves proration items to bill on demand
    ok(await admin(`mutation { subscribe(planCode: "team") { status } }`));
    ok(await admin(`mutation { changePlan(planCode: "pro", confirm: true) { applied } }`));
    const draft = ok(await operator(`mutation { createInvoice(orgId: "acme") { id status } }`)).createInvoice as { id: string };
    const invoice = ok(
      await admin(`mutation ($id: ID!) { finalizeInvoice(id: $id) { id number status currency total { amount } amountDue { amount } } }`, {
        id: draft.id,
      }),
    ).finalizeInvoice as {
      id: string;
      number: string;
      status: string;
      currency: string;
      total: { amount: string };
      amountDue: { amount: string };
    };
    expect(invoice).toMatchObject({ status: 'FINALIZED', currency: 'USD' });
    expect(invoice.number).toMatch(/^[A-Z0-9-]+$/);

    const [mail] = await mailsTo('billing@acme.test', 1);
    expect(mail!.subject).toContain(invoice.number);
    expect(mail!.text).toContain(invoice.number);
    expect(mail!.text).toContain(`USD ${invoice.amountDue.amount}`);
    expect(mail!.html).toContain(invoice.number);

    const [post] = await receiver.waitFor(1, 20_000);
    const signed = new Webhook(created.secret).verify(post!.body, post!.headers) as { type: string; data: Record<string, unknown> };
    expect(signed.type).toBe('billing.invoice.finalized');
    expect(JSON.stringify(signed.data)).toContain(invoice.id);
    expect(post!.headers['webhook-id']).toMatch(/^msg_/);
    expect(post!.headers['content-type']).toContain('application/json');
    // a body changed in transit (or signed with another secret) does not verify
    expect(() => new Webhook(created.secret).verify(`${post!.body} `, post!.headers)).toThrow();
    expect(() => new Webhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw').verify(post!.body, post!.headers)).toThrow();
    // the webhook-id is the delivery id, the same on every retry
    // the POST arrived; the worker records the answer right after
    const deliveries = await until('the webhook delivery to be recorded DELIVERED', async () => {
      const nodes = ok(
        await admin(`query ($id: ID!) { notificationDeliveries(filter: { endpointId: $id }) { nodes { id status attemptCount } } }`, {
          id: created.endpoint.id,
        }),
      ).notificationDeliveries.nodes as Array<{ id: string; status: string; attemptCount: number }>;
      return nodes.length > 0 && nodes.every((d) => d.status !== 'QUEUED' && d.status !== 'SENDING') ? nodes : undefined;
    });
    expect(deliveries).toHaveLength(1);
    expect(post!.headers['webhook-id']).toBe(`msg_${deliveries[0]!.id}`);
    const tried = ok(
      await admin(`query ($id: ID!) { notificationDelivery(id: $id) { attempts { attempt outcome statusCode error startedAt } } }`, {
        id: deliveries[0]!.id,
      }),
    );
    // at least once under one message id: every POST of it (a retry too) carries the same webhook-id
    const diagnosis = JSON.stringify({ tried, posts: receiver.received().map((r) => [r.id, r.status]) });
    expect(deliveries[0]!.status, diagnosis).toBe('DELIVERED');
    expect(
      receiver
        .received()
        .filter((r) => (r.json as { type?: string } | undefined)?.type === 'billing.invoice.finalized')
        .map((r) => r.id),
      diagnosis,
    ).toEqual(
      Array.from({ length: (tried.notificationDelivery as { attempts: unknown[] }).attempts.length }, () => post!.headers['webhook-id']),
    );
    // nothing in any answer, delivery or attempt carries the secret
    const attempts = JSON.stringify(
      ok(await admin(`query ($id: ID!) { notificationDelivery(id: $id) { attempts { response error } } }`, { id: deliveries[0]!.id })),
    );
    expect(attempts).not.toContain(created.secret);
  }, 120_000);

  it('sends a test notification to the webhook endpoint, verified by the receiver', async () => {
    const endpoints = ok(await admin(`{ notificationEndpoints { id } }`)).notificationEndpoints as Array<{ id: string }>;
    const before = receiver.received().length;
    const sent = ok(
      await admin(`mutation ($id: ID!) { sendTestNotification(channel: WEBHOOK, endpointId: $id) { type } }`, { id: endpoints[0]!.id }),
    );
    expect(sent.sendTestNotification).toEqual({ type: 'notifications.test' });
    const posts = await receiver.waitFor(before + 1, 20_000);
    const post = posts[before]!;
    expect(post.json).toMatchObject({ type: 'notifications.test' });
    expect(post.status).toBe(200);
  }, 60_000);

  it('refuses bad input with coded errors, writing and queuing nothing', async () => {
    const before = await written();
    const send = (input: Record<string, unknown>) =>
      admin(`mutation ($input: SendNotificationInput!) { sendNotification(input: $input) { replayed } }`, { input });
    const code = (answer: Answer) => answer.errors?.[0]?.extensions?.code;
    const VARIABLES = { channel: 'EMAIL', requestedBy: 'e2e' };

    expect(code(await send({ type: 'no.such.type', recipients: [{ subscriberExternalId: 'user@acme' }], variables: {} }))).toBe(
      'NOTIFICATION_TYPE_UNKNOWN',
    );
    // a required variable missing, another of the wrong type
    const missing = await send({
      type: 'billing.usage.threshold_reached',
      recipients: [{ address: { channel: 'EMAIL', address: 'ops@acme.test' } }],
      channels: ['EMAIL'],
      variables: { metricCode: 'graphql_operations', threshold: 'eighty', usage: '80', periodEnd: '2026-12-31T00:00:00.000Z' },
    });
    expect(code(missing)).toBe('NOTIFICATION_VARIABLES_INVALID');
    const problems = (missing.errors![0]!.extensions!.problems as Array<{ name: string }>).map((p) => p.name).sort();
    expect(problems).toEqual(['included', 'threshold']);
    expect(
      code(
        await send({
          type: 'notifications.test',
          recipients: [{ address: { channel: 'EMAIL', address: 'not-an-address' } }],
          channels: ['EMAIL'],
          variables: VARIABLES,
        }),
      ),
    ).toBe('NOTIFICATION_ADDRESS_INVALID');
    expect(
      code(
        await send({
          type: 'notifications.test',
          recipients: [{ subscriberExternalId: 'user@acme' }],
          channels: ['SMS'],
          variables: VARIABLES,
        }),
      ),
    ).toBe('NOTIFICATION_CHANNEL_UNAVAILABLE');
    expect(
      code(
        await send({
          type: 'notifications.test',
          recipients: [{ subscriberExternalId: 'user@acme' }],
          channels: ['IN_APP'],
          variables: { ...VARIABLES, padding: 'x'.repeat(70_000) },
        }),
      ),
    ).toBe('NOTIFICATION_BODY_TOO_LARGE');
    // an unknown channel is not a channel at all
    expect(code(await send({ type: 'notifications.test', recipients: [], channels: ['CARRIER_PIGEON'], variables: VARIABLES }))).toBe(
      'BAD_USER_INPUT',
    );
    expect(code(await admin(`mutation { addNotificationAddress(input: { channel: EMAIL, address: "user@@acme" }) { id } }`))).toBe(
      'NOTIFICATION_ADDRESS_INVALID',
    );
    // a template using a variable it does not declare is refused at save time
    const template = await admin(`mutation ($input: SaveNotificationTemplateInput!) { saveNotificationTemplate(input: $input) { id } }`, {
      input: {
        type: 'notifications.test',
        channel: 'EMAIL',
        subject: 'Hi {{requestedBy}}',
        body: '{{secretSauce}}',
        variables: [{ name: 'requestedBy', type: 'STRING' }],
      },
    });
    expect(code(template)).toBe('NOTIFICATION_TEMPLATE_INVALID');
    expect(JSON.stringify(template.errors![0]!.extensions!.problems)).toContain('secretSauce');
    expect(
      code(
        await admin(`mutation ($input: NotificationRuleInput!) { createNotificationRule(input: $input) { id } }`, {
          input: { name: 'everything', filter: {} },
        }),
      ),
    ).toBe('NOTIFICATION_RULE_INVALID');
    expect(
      code(
        await admin(`mutation ($input: NotificationEndpointInput!) { createNotificationEndpoint(input: $input) { secret } }`, {
          input: { channel: 'WEBHOOK', name: 'bad', url: 'ftp://files.acme.test/hook' },
        }),
      ),
    ).toBe('NOTIFICATION_ENDPOINT_FORBIDDEN');
    expect(code(await admin(`mutation { retryNotificationDelivery(id: "00000000-0000-0000-0000-000000000000") { id } }`))).toBe(
      'NOTIFICATION_DELIVERY_UNKNOWN',
    );
    // scopes: a reader cannot send, and another organisation sees none of acme's deliveries
    expect(code(await as('acme', 'notifications:read', `mutation { sendTestNotification(channel: IN_APP) { id } }`))).toBe('UNAUTHORIZED');
    expect(ok(await as('globex', 'dictamesh:admin', `{ notificationDeliveries { nodes { id } } notificationEndpoints { id } }`))).toEqual({
      notificationDeliveries: { nodes: [] },
      notificationEndpoints: [],
    });
    expect(await written()).toEqual(before);
  }, 60_000);
});

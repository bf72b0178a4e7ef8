import { randomBytes } from 'node:crypto';
import pino from 'pino';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openDatabase, type Database } from '@dictamesh/db';
import { BILLING_TOPICS, InProcessEventBus, type BusRecord } from '@dictamesh/events';
import { GatewayTokens, PRINCIPAL_HEADER, type Principal } from '@dictamesh/runtime';
import { createBillingService, type BillingService } from './service';
import { StripePaymentProvider } from './payments';

// The billing subgraph over HTTP as the gateway calls it (signed principal per request), on an
// in-memory PGlite, the in-process bus and stripe-mock; the clock is ours.
const log = pino({ level: 'silent' });
const tokens = new GatewayTokens(randomBytes(32).toString('base64'));
const WEBHOOK_SECRET = 'whsec_billing_service_test';
let clock = new Date('2026-11-01T00:00:00.000Z');
let db: Database;
let bus: InProcessEventBus;
let billing: BillingService;
const events: BusRecord[] = [];

const operator: Principal = { subject: 'ops', org: 'platform', scopes: ['dictamesh:platform'], method: 'jwt' };
const acme: Principal = { subject: 'ann@acme', org: 'acme', scopes: ['billing:read', 'billing:write'], method: 'api-key' };
const globex: Principal = { subject: 'gus@globex', org: 'globex', scopes: ['billing:read', 'billing:write'], method: 'api-key' };
const initech: Principal = { subject: 'ian@initech', org: 'initech', scopes: ['billing:read', 'billing:write'], method: 'api-key' };

interface GqlResult {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test reads of GraphQL JSON
  data?: Record<string, any> | null;
  errors?: { message: string; extensions?: { code?: string } & Record<string, unknown> }[];
}

async function gql(principal: Principal, query: string, variables: Record<string, unknown> = {}): Promise<GqlResult> {
  const response = await billing.app.inject({
    method: 'POST',
    url: '/graphql',
    headers: { 'content-type': 'application/json', [PRINCIPAL_HEADER]: await tokens.sign(principal) },
    payload: { query, variables },
  });
  return response.json() as GqlResult;
}

/** The data of a request that must succeed. */
async function ok(principal: Principal, query: string, variables: Record<string, unknown> = {}) {
  const result = await gql(principal, query, variables);
  expect(result.errors).toBeUndefined();
  return result.data!;
}

/** The error code of a request that must fail. */
async function code(principal: Principal, query: string, variables: Record<string, unknown> = {}) {
  const result = await gql(principal, query, variables);
  expect(result.errors, JSON.stringify(result.data)).toHaveLength(1);
  return result.errors![0]!.extensions?.code;
}

/** Waits (bounded) until the outbox has published the billing events of `type`. */
async function published(type: string, count: number) {
  for (let i = 0; i < 200 && events.filter((e) => e.event.type === type).length < count; i++) {
    await billing.outbox.flush();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return events.filter((e) => e.event.type === type);
}

beforeAll(async () => {
  db = await openDatabase({ dataDir: 'memory://' });
  bus = new InProcessEventBus();
  await bus.subscribe({
    groupId: 'test-billing-events',
    topics: BILLING_TOPICS,
    eachBatch: async (records) => void events.push(...records),
  });
  billing = await createBillingService({
    db,
    bus,
    logger: log,
    introspection: false,
    gatewayTokens: tokens,
    publicUrl: 'http://127.0.0.1:4004',
    seller: { name: 'DictaMesh Cloud', addressLines: ['Torstraße 42', '10119 Berlin'] },
    providers: [
      new StripePaymentProvider({
        secretKey: 'sk_test_dictamesh',
        apiBaseUrl: inject('stripeMockUrl'),
        webhookSecret: WEBHOOK_SECRET,
        maxNetworkRetries: 0,
      }),
    ],
    now: () => clock,
    scheduleCron: false,
    outboxIntervalMs: 60_000,
  });
});
afterAll(async () => {
  await billing?.close();
  await bus?.close();
  await db?.close();
});

const CREATE_ORG = `mutation ($input: CreateOrganizationInput!) { createOrganization(input: $input) { id currency } }`;
const CREATE_PLAN = `mutation ($input: CreatePlanInput!) { createPlan(input: $input) { code fixedAmount { amount } charges { metric { code } } } }`;
const SUBSCRIBE = `mutation ($plan: String!, $orgId: ID) { subscribe(planCode: $plan, orgId: $orgId) { id status currentPeriodEnd plan { code } } }`;
const CHANGE = `mutation ($plan: String!, $confirm: Boolean!) {
  changePlan(planCode: $plan, confirm: $confirm) {
    applied subscription { plan { code } }
    preview { net { amount formatted } lines { kind amount { amount } } }
  } }`;
const INVOICE = `query ($id: ID!) { invoice(id: $id) {
  id number status subtotal { amount } tax { amount } total { amount } amountDue { amount } downloadUrl
  lines { kind description amount { amount } tax { amount } taxRatePercent } payments { provider status providerRef amount { amount } } } }`;

describe('billing subgraph', () => {
  it('lets the operator create organisations and plans, refusing bad plans with nothing written', async () => {
    await ok(operator, `mutation { setTaxRate(input: { jurisdiction: "DE", name: "VAT", ratePercent: "19" }) { ratePercent } }`);
    for (const input of [
      { id: 'acme', name: 'Acme', currency: 'USD', taxJurisdiction: 'DE', billingEmail: 'billing@acme.example' },
      { id: 'globex', name: 'Globex', currency: 'EUR' },
      { id: 'initech', name: 'Initech', currency: 'USD', paymentProvider: 'stripe', billingEmail: 'ap@initech.example' },
    ])
      await ok(operator, CREATE_ORG, { input });
    expect(await code(operator, CREATE_ORG, { input: { id: 'acme', name: 'Again' } })).toBe('ORGANIZATION_EXISTS');
    const graduated = {
      model: 'graduated',
      tiers: [
        { upTo: '1000', unitPrice: '0', flatFee: '0' },
        { upTo: null, unitPrice: '0.001', flatFee: '0' },
      ],
    };
    const starter = await ok(operator, CREATE_PLAN, {
      input: {
        code: 'starter',
        name: 'Starter',
        currency: 'USD',
        interval: 'MONTHLY',
        fixedAmount: '10',
        charges: [{ metricCode: 'graphql_operations', description: 'GraphQL operations', pricing: graduated, includedUnits: '0' }],
      },
    });
    expect(starter.createPlan).toEqual({
      code: 'starter',
      fixedAmount: { amount: '10.00' },
      charges: [{ metric: { code: 'graphql_operations' } }],
    });
    await ok(operator, CREATE_PLAN, { input: { code: 'pro', name: 'Pro', currency: 'USD', interval: 'MONTHLY', fixedAmount: '20' } });
    await ok(operator, CREATE_PLAN, { input: { code: 'euro', name: 'Euro', currency: 'EUR', interval: 'MONTHLY', fixedAmount: '9' } });
    const bad = { code: 'bad', name: 'Bad', currency: 'USD', interval: 'MONTHLY', fixedAmount: '1' };
    const badTiers = { model: 'volume', tiers: [{ upTo: '10', unitPrice: '-1', flatFee: '0' }] };
    expect(
      await code(operator, CREATE_PLAN, {
        input: { ...bad, charges: [{ metricCode: 'graphql_operations', description: 'x', pricing: badTiers }] },
      }),
    ).toBe('PRICING_INVALID');
    expect(
      await code(operator, CREATE_PLAN, { input: { ...bad, charges: [{ metricCode: 'nope', description: 'x', pricing: graduated }] } }),
    ).toBe('METRIC_UNKNOWN');
    expect(await code(operator, CREATE_PLAN, { input: { ...bad, fixedAmount: '-5' } })).toBe('QUANTITY_INVALID');
    expect(await code(operator, CREATE_PLAN, { input: { ...bad, currency: 'XYZ' } })).toBe('CURRENCY_UNKNOWN');
    expect(await db.prisma.billingPlan.count()).toBe(3);
  });

  it('subscribes, refusing unknown plans, another currency and a second subscription', async () => {
    expect(await code(acme, SUBSCRIBE, { plan: 'nope' })).toBe('PLAN_UNKNOWN');
    expect(await code(acme, SUBSCRIBE, { plan: 'euro' })).toBe('CURRENCY_MISMATCH');
    expect(await code(globex, SUBSCRIBE, { plan: 'starter', orgId: 'acme' })).toBe('FORBIDDEN');
    const { subscribe } = await ok(acme, SUBSCRIBE, { plan: 'starter' });
    expect(subscribe).toMatchObject({ status: 'ACTIVE', currentPeriodEnd: '2026-12-01T00:00:00.000Z', plan: { code: 'starter' } });
    expect(await code(acme, SUBSCRIBE, { plan: 'pro' })).toBe('SUBSCRIPTION_STATE_INVALID');
    await ok(globex, SUBSCRIBE, { plan: 'euro' });
    expect(await db.prisma.billingSubscription.count()).toBe(2);
  });

  it('previews a mid-period upgrade (10 → 20 per month at half the period: +5 net) before applying it', async () => {
    clock = new Date('2026-11-16T00:00:00.000Z'); // 15 of 30 days
    const preview = await ok(acme, CHANGE, { plan: 'pro', confirm: false });
    expect(preview.changePlan).toEqual({
      applied: false,
      subscription: { plan: { code: 'starter' } },
      preview: {
        net: { amount: '5.00', formatted: '$5.00' },
        lines: [
          { kind: 'proration_credit', amount: { amount: '-5.00' } },
          { kind: 'proration_charge', amount: { amount: '10.00' } },
        ],
      },
    });
    expect(await db.prisma.billingPendingItem.count()).toBe(0);
    const applied = await ok(acme, CHANGE, { plan: 'pro', confirm: true });
    expect(applied.changePlan).toMatchObject({ applied: true, subscription: { plan: { code: 'pro' } } });
    expect(await db.prisma.billingPendingItem.count()).toBe(2);
  });

  it('refuses a plan change on a cancelled subscription, writing nothing', async () => {
    const cancelled = await ok(globex, `mutation { cancelSubscription(atPeriodEnd: false) { status cancelledAt } }`);
    expect(cancelled.cancelSubscription).toEqual({ status: 'CANCELLED', cancelledAt: '2026-11-16T00:00:00.000Z' });
    // the period so far is invoiced at once: nothing used goes unbilled
    const final = await db.prisma.invoice.findMany({ where: { orgId: 'globex' } });
    expect(final.map((i) => [i.number, i.reason, i.status, i.periodEnd.toISOString(), i.currency, i.totalMinor])).toEqual([
      ['GLOBEX-000001', 'period_close', 'FINALIZED', '2026-11-16T00:00:00.000Z', 'EUR', 900n],
    ]);
    expect(await code(globex, CHANGE, { plan: 'euro', confirm: true })).toBe('SUBSCRIPTION_STATE_INVALID');
    expect(await code(globex, `mutation { cancelSubscription { id } }`)).toBe('SUBSCRIPTION_STATE_INVALID');
    expect(await db.prisma.billingPendingItem.count({ where: { orgId: 'globex' } })).toBe(0);
  });

  it('invoices the proration on demand, finalizes it with a number, takes a manual payment and publishes the events', async () => {
    const { createInvoice } = await ok(operator, `mutation { createInvoice(orgId: "acme") { id status number } }`);
    expect(createInvoice).toMatchObject({ status: 'DRAFT', number: null });
    const { finalizeInvoice } = await ok(acme, `mutation ($id: ID!) { finalizeInvoice(id: $id) { number status total { amount } } }`, {
      id: createInvoice.id,
    });
    expect(finalizeInvoice.number).toBe('ACME-000001');
    expect(finalizeInvoice.status).toBe('FINALIZED');
    const { invoice } = await ok(acme, INVOICE, { id: createInvoice.id });
    expect(invoice.subtotal.amount).toBe('5.00');
    expect(invoice.tax.amount).toBe('0.95'); // 19 % of the 5.00 taxable after the credit line is netted
    expect(invoice.total.amount).toBe('5.95');
    expect(invoice.lines.map((l: { kind: string }) => l.kind)).toEqual(['proration_credit', 'proration_charge']);
    expect(
      await code(acme, `mutation ($id: ID!) { recordManualPayment(input: { invoiceId: $id, amount: "5.95", reference: "x" }) { id } }`, {
        id: invoice.id,
      }),
    ).toBe('FORBIDDEN');
    const pay = `mutation ($id: ID!, $amount: String!) { recordManualPayment(input: { invoiceId: $id, amount: $amount, reference: "SEPA-42" }) { status amount { amount } } }`;
    expect(await code(operator, pay, { id: invoice.id, amount: '6.00' })).toBe('QUANTITY_INVALID');
    expect(await code(operator, pay, { id: invoice.id, amount: '-1' })).toBe('QUANTITY_INVALID');
    expect((await ok(operator, pay, { id: invoice.id, amount: '5.95' })).recordManualPayment).toEqual({
      status: 'SUCCEEDED',
      amount: { amount: '5.95' },
    });
    expect((await ok(acme, INVOICE, { id: invoice.id })).invoice).toMatchObject({ status: 'PAID', amountDue: { amount: '0.00' } });
    const finalized = (await published('dictamesh.billing.invoice.finalized', 2)).find((e) => e.key === 'acme');
    const [paid] = await published('dictamesh.billing.invoice.paid', 1);
    expect(finalized).toMatchObject({
      key: 'acme',
      event: {
        source: 'dictamesh:billing',
        data: { org: 'acme', billingEmail: 'billing@acme.example', number: 'ACME-000001', totalMinor: '595' },
      },
    });
    expect(paid?.event.data).toMatchObject({ status: 'PAID', amountDueMinor: '0', billingEmail: 'billing@acme.example' });
    expect(await code(operator, `mutation ($id: ID!) { voidInvoice(id: $id) { id } }`, { id: invoice.id })).toBe('INVOICE_STATE_INVALID');
  });

  it("keeps every organisation out of another's billing", async () => {
    const acmeInvoice = await db.prisma.invoice.findFirstOrThrow({ where: { orgId: 'acme' } });
    expect((await ok(globex, INVOICE, { id: acmeInvoice.id })).invoice).toBeNull();
    expect(await code(globex, `mutation ($id: ID!) { finalizeInvoice(id: $id) { id } }`, { id: acmeInvoice.id })).toBe('NOT_FOUND');
    expect((await ok(globex, `{ organization(id: "acme") { name } }`)).organization).toBeNull();
    const refs = await ok(globex, `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Organization { id name } } }`, {
      r: [
        { __typename: 'Organization', id: 'acme' },
        { __typename: 'Organization', id: 'globex' },
      ],
    });
    expect(refs._entities).toEqual([null, { id: 'globex', name: 'Globex' }]);
    expect((await ok(globex, `{ organization { id invoices { nodes { number } } } }`)).organization).toEqual({
      id: 'globex',
      invoices: { nodes: [{ number: 'GLOBEX-000001' }] },
    });
    expect((await ok(operator, `{ organization(id: "acme") { invoices { nodes { number } } } }`)).organization.invoices.nodes).toEqual([
      { number: 'ACME-000001' },
    ]);
  });

  it('serves the PDF behind a signed link only', async () => {
    const invoice = await db.prisma.invoice.findFirstOrThrow({ where: { orgId: 'acme' } });
    const { downloadUrl } = (await ok(acme, INVOICE, { id: invoice.id })).invoice;
    const url = new URL(downloadUrl);
    const pdf = await billing.app.inject({ method: 'GET', url: url.pathname + url.search });
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['content-disposition']).toBe('attachment; filename="ACME-000001.pdf"');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    url.searchParams.set('org', 'globex');
    const forged = await billing.app.inject({ method: 'GET', url: url.pathname + url.search });
    expect(forged.statusCode).toBe(401);
    expect(forged.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('closes the period at its end: the fee of the plan it started on, usage priced, the next number; December on the new plan', async () => {
    clock = new Date('2026-12-01T00:00:05.000Z');
    const result = await billing.scheduler.tick();
    expect(result).toMatchObject({ closed: 1, failed: 0 }); // acme (globex cancelled)
    expect(await billing.scheduler.tick()).toMatchObject({ closed: 0 });
    const invoices = await db.prisma.invoice.findMany({
      where: { orgId: 'acme' },
      orderBy: { createdAt: 'asc' },
      include: { lines: true },
    });
    expect(invoices.map((i) => [i.number, i.reason, i.status])).toEqual([
      ['ACME-000001', 'on_demand', 'PAID'],
      ['ACME-000002', 'period_close', 'FINALIZED'],
    ]);
    expect(invoices[1]!.periodStart.toISOString()).toBe('2026-11-01T00:00:00.000Z');
    // November's fixed fee is Starter's (10.00, the plan the period started on): the upgrade was billed by its proration
    // (+5.00 on ACME-000001), so November costs 15.00 in all, as 15 days of each plan
    expect(invoices[1]!.lines.map((l) => [l.kind, l.description, l.amountMinor])).toEqual([
      ['fixed', expect.stringContaining('Starter'), 1000n],
    ]);
    expect(invoices[1]!.totalMinor).toBe(1190n); // + 19 % VAT
    const { organization } = await ok(acme, `{ organization { subscription { currentPeriodStart status } } }`);
    expect(organization.subscription).toEqual({ currentPeriodStart: '2026-12-01T00:00:00.000Z', status: 'ACTIVE' });
    expect((await db.prisma.billingSubscription.findFirstOrThrow({ where: { orgId: 'acme' }, include: { plan: true } })).periodPlanId).toBe(
      (await db.prisma.billingPlan.findUniqueOrThrow({ where: { code: 'pro' } })).id,
    );
  });

  it('collects through Stripe (stripe-mock) and applies signed webhooks once: a failure makes the subscription past due', async () => {
    clock = new Date('2026-12-02T00:00:00.000Z');
    await ok(initech, SUBSCRIBE, { plan: 'starter' });
    await db.prisma.billingPendingItem.create({
      data: {
        orgId: 'initech',
        subscriptionId: (await db.prisma.billingSubscription.findFirstOrThrow({ where: { orgId: 'initech' } })).id,
        kind: 'adjustment',
        description: 'Setup',
        currency: 'USD',
        amountMinor: 4_900n,
      },
    });
    const { createInvoice } = await ok(operator, `mutation { createInvoice(orgId: "initech") { id } }`);
    await ok(initech, `mutation ($id: ID!) { finalizeInvoice(id: $id) { id } }`, { id: createInvoice.id });
    const { invoice } = await ok(initech, INVOICE, { id: createInvoice.id });
    expect(invoice.status).toBe('FINALIZED');
    expect(invoice.payments).toEqual([
      { provider: 'stripe', status: 'PENDING', providerRef: expect.stringMatching(/^pi_/), amount: { amount: '49.00' } },
    ]);
    expect((await db.prisma.organization.findUniqueOrThrow({ where: { id: 'initech' } })).providerCustomerId).toMatch(/^cus_/);

    const intent = invoice.payments[0].providerRef as string;
    const webhook = async (id: string, type: string, signature?: string) => {
      const payload = JSON.stringify({
        id,
        object: 'event',
        type,
        data: {
          object: {
            id: intent,
            object: 'payment_intent',
            amount: 4900,
            amount_received: type.endsWith('succeeded') ? 4900 : 0,
            currency: 'usd',
            metadata: { invoice_id: invoice.id, org_id: 'initech' },
            last_payment_error: type.endsWith('failed') ? { message: 'Your card was declined.' } : null,
          },
        },
      });
      const header =
        signature ??
        Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET, timestamp: Math.floor(clock.getTime() / 1000) });
      return billing.app.inject({
        method: 'POST',
        url: '/webhooks/payments/stripe',
        headers: { 'content-type': 'application/json', 'stripe-signature': header },
        payload,
      });
    };
    const forged = await webhook('evt_forged', 'payment_intent.succeeded', `t=${Math.floor(clock.getTime() / 1000)},v1=${'0'.repeat(64)}`);
    expect(forged.statusCode).toBe(401);
    expect(forged.json()).toMatchObject({ code: 'WEBHOOK_SIGNATURE_INVALID' });
    const stale = Stripe.webhooks.generateTestHeaderString({
      payload: '{}',
      secret: WEBHOOK_SECRET,
      timestamp: Math.floor(clock.getTime() / 1000) - 301,
    });
    expect((await webhook('evt_stale', 'payment_intent.succeeded', stale)).statusCode).toBe(401);
    expect(await db.prisma.paymentWebhookReceipt.count()).toBe(0);

    expect((await webhook('evt_failed', 'payment_intent.payment_failed')).json()).toEqual({ received: true, applied: true });
    expect((await webhook('evt_failed', 'payment_intent.payment_failed')).json()).toEqual({ received: true, applied: false });
    const afterFailure = await ok(initech, `{ organization { subscription { status } } }`);
    expect(afterFailure.organization.subscription.status).toBe('PAST_DUE');
    const [failed] = await published('dictamesh.billing.payment.failed', 1);
    expect(failed?.event.data).toMatchObject({
      org: 'initech',
      billingEmail: 'ap@initech.example',
      invoiceId: invoice.id,
      provider: 'stripe',
      amountMinor: '4900',
      failureMessage: 'Your card was declined.',
    });

    // the customer fixes the card and Stripe retries: paid, and the subscription is active again
    expect((await webhook('evt_paid', 'payment_intent.succeeded')).json()).toEqual({ received: true, applied: true });
    expect((await ok(initech, INVOICE, { id: invoice.id })).invoice.status).toBe('PAID');
    expect((await ok(initech, `{ organization { subscription { status } } }`)).organization.subscription.status).toBe('ACTIVE');

    // a partial refund through Stripe, then the rest
    const payment = await db.prisma.payment.findFirstOrThrow({ where: { orgId: 'initech' } });
    const refund = `mutation ($id: ID!, $amount: String) { refundPayment(input: { paymentId: $id, amount: $amount, reason: "goodwill" }) { status refunded { amount } } }`;
    expect(await code(initech, refund, { id: payment.id, amount: '10.00' })).toBe('FORBIDDEN');
    expect(await code(operator, refund, { id: payment.id, amount: '50.00' })).toBe('QUANTITY_INVALID');
    expect((await ok(operator, refund, { id: payment.id, amount: '10.00' })).refundPayment).toEqual({
      status: 'PARTIALLY_REFUNDED',
      refunded: { amount: '10.00' },
    });
    expect((await ok(operator, refund, { id: payment.id })).refundPayment).toEqual({ status: 'REFUNDED', refunded: { amount: '49.00' } });
    expect(await db.prisma.refund.findMany({ where: { paymentId: payment.id }, select: { amountMinor: true, providerRef: true } })).toEqual(
      [
        { amountMinor: 1000n, providerRef: expect.stringMatching(/^re_/) },
        { amountMinor: 3900n, providerRef: expect.stringMatching(/^re_/) },
      ],
    );
  });

  it('exports MRR, subscriptions by status, churn and invoice totals', async () => {
    const metrics = (await billing.app.inject({ method: 'GET', url: '/metrics' })).body;
    // acme on Pro (20), initech on Starter (10); globex cancelled on 2026-11-16, within 30 days of the clock
    expect(metrics).toContain('dictamesh_billing_mrr{currency="USD"} 30');
    expect(metrics).toContain('dictamesh_billing_subscriptions{status="ACTIVE"} 2');
    expect(metrics).toContain('dictamesh_billing_subscriptions{status="CANCELLED"} 1');
    expect(metrics).toContain('dictamesh_billing_churned_subscriptions 1');
    expect(metrics).toContain('dictamesh_billing_invoice_totals{currency="USD",status="PAID"}');
    // verified deliveries, the redelivered one included
    expect(metrics).toMatch(/dictamesh_billing_payment_webhooks_total\{provider="stripe",kind="payment.failed"\} 2/);
  });
});

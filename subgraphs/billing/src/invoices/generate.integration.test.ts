import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '@dictamesh/db';
import { createDraftInvoice } from './generate';
import { NOV, OCT, PRO_CHARGES, seedOrg, usageTable } from './test-fixtures';

let db: Database;
const now = new Date('2026-11-01T00:05:00.000Z');

beforeAll(async () => {
  db = await openDatabase({ dataDir: 'memory://' });
  await db.prisma.taxRate.createMany({
    data: [
      { jurisdiction: 'DE', name: 'Umsatzsteuer', ratePercent: '19' },
      { jurisdiction: 'JP', name: 'Consumption tax', ratePercent: '10' },
    ],
  });
});
afterAll(async () => {
  await db.close();
});

const lineFigures = (
  lines: {
    position: number;
    kind: string;
    description: string;
    metricCode: string | null;
    quantity: { toFixed(): string };
    unitPrice: string;
    amountMinor: bigint;
    taxRatePercent: { toFixed(): string };
    taxMinor: bigint;
  }[],
) =>
  lines.map((l) => [
    l.position,
    l.kind,
    l.description,
    l.metricCode,
    l.quantity.toFixed(),
    l.unitPrice,
    l.amountMinor,
    l.taxRatePercent.toFixed(),
    l.taxMinor,
  ]);

describe('createDraftInvoice', () => {
  it('prices a multi-metric period: one line per charge, tax per line (half-even), totals by hand', async () => {
    const { subscriptionId } = await seedOrg(db.prisma, {
      orgId: 'acme',
      taxJurisdiction: 'DE',
      plan: { fixedAmount: '49', charges: PRO_CHARGES },
    });
    const usage = usageTable({
      acme: { graphql_operations: '150000', cost_units: '5000.5', active_adapters: '5', storage_gb: '25.3', kafka_events: '999' },
    });
    const invoice = await db.prisma.$transaction((tx) =>
      createDraftInvoice(tx, { subscriptionId: subscriptionId!, period: OCT, reason: 'period_close', now, usage }),
    );
    expect(usage.calls).toEqual([
      {
        orgId: 'acme',
        metricCodes: ['graphql_operations', 'cost_units', 'active_adapters', 'storage_gb', 'kafka_events'],
        from: '2026-10-01T00:00:00.000Z',
        to: '2026-11-01T00:00:00.000Z',
      },
    ]);
    // 10 000 × 0 + 90 000 × 0.001 + 50 000 × 0.0005 = 115.00; (5000.5 − 1000) × 0.00125 = 5.000625 → 5.00;
    // 5 adapters in the 4–10 tier × 8 = 40.00; ⌈25.3 / 10⌉ = 3 packages × 2.50 = 7.50 (shown 7.5 / 25.3 = 0.29644); flat 5.00.
    // Tax 19 %: 931, 2185, 95, 760, 142.5 → 142 (half-even), 95.
    expect(lineFigures(invoice.lines)).toEqual([
      [1, 'fixed', 'Pro plan', null, '1', '49', 4900n, '19', 931n],
      [2, 'usage', 'GraphQL operations', 'graphql_operations', '150000', '0.00077', 11500n, '19', 2185n],
      [3, 'usage', 'Query cost units', 'cost_units', '5000.5', '0.00125', 500n, '19', 95n],
      [4, 'usage', 'Active adapters', 'active_adapters', '5', '8', 4000n, '19', 760n],
      [5, 'usage', 'Catalog storage', 'storage_gb', '25.3', '0.29644', 750n, '19', 142n],
      [6, 'fixed', 'Event streaming', 'kafka_events', '1', '5', 500n, '19', 95n],
    ]);
    expect(invoice.lines[1]!.details).toEqual({
      tiers: [
        { from: '0', to: '10000', units: '10000', unitPrice: '0', flatFee: '0', amount: '0' },
        { from: '10000', to: '100000', units: '90000', unitPrice: '0.001', flatFee: '0', amount: '90' },
        { from: '100000', to: null, units: '50000', unitPrice: '0.0005', flatFee: '0', amount: '25' },
      ],
    });
    expect(invoice.lines[0]!.details).toBeNull();
    expect([invoice.status, invoice.number, invoice.sequence, invoice.reason, invoice.currency, invoice.taxJurisdiction]).toEqual([
      'DRAFT',
      null,
      null,
      'period_close',
      'USD',
      'DE',
    ]);
    expect([invoice.subtotalMinor, invoice.creditsAppliedMinor, invoice.taxMinor, invoice.totalMinor]).toEqual([22150n, 0n, 4208n, 26358n]);
    expect([invoice.periodStart.toISOString(), invoice.periodEnd.toISOString()]).toEqual([OCT.start.toISOString(), OCT.end.toISOString()]);
  });

  it('bills a zero-usage period: every line kept at 0, the minimum commitment fills the gap', async () => {
    const { subscriptionId } = await seedOrg(db.prisma, {
      orgId: 'zero',
      taxJurisdiction: 'DE',
      plan: { fixedAmount: '49', minimumCommitment: '60', charges: PRO_CHARGES },
    });
    const invoice = await db.prisma.$transaction((tx) =>
      createDraftInvoice(tx, { subscriptionId: subscriptionId!, period: OCT, reason: 'period_close', now, usage: usageTable({}) }),
    );
    // positive lines 49 + 5 = 54.00 < 60.00 → 6.00 minimum commitment line; tax 931 + 95 + 114
    expect(lineFigures(invoice.lines)).toEqual([
      [1, 'fixed', 'Pro plan', null, '1', '49', 4900n, '19', 931n],
      [2, 'usage', 'GraphQL operations', 'graphql_operations', '0', '0', 0n, '19', 0n],
      [3, 'usage', 'Query cost units', 'cost_units', '0', '0.00125', 0n, '19', 0n],
      [4, 'usage', 'Active adapters', 'active_adapters', '0', '10', 0n, '19', 0n],
      [5, 'usage', 'Catalog storage', 'storage_gb', '0', '0.25', 0n, '19', 0n],
      [6, 'fixed', 'Event streaming', 'kafka_events', '1', '5', 500n, '19', 95n],
      [7, 'minimum_commitment', 'Minimum commitment', null, '1', '6.00', 600n, '19', 114n],
    ]);
    expect([invoice.subtotalMinor, invoice.taxMinor, invoice.totalMinor]).toEqual([6000n, 1140n, 7140n]);
  });

  it('rounds JPY (0 decimals) and KWD (3 decimals) half-even at the line total', async () => {
    const jp = await seedOrg(db.prisma, {
      orgId: 'nihon',
      currency: 'JPY',
      taxJurisdiction: 'JP',
      plan: {
        fixedAmount: '980',
        charges: [{ metricCode: 'graphql_operations', description: 'Operations', pricing: { model: 'standard', unitPrice: '0.35' } }],
      },
    });
    const kw = await seedOrg(db.prisma, {
      orgId: 'kuwait',
      currency: 'KWD',
      plan: {
        fixedAmount: '5.25',
        charges: [{ metricCode: 'graphql_operations', description: 'Operations', pricing: { model: 'standard', unitPrice: '0.0125' } }],
      },
    });
    const usage = usageTable({ nihon: { graphql_operations: '1010' }, kuwait: { graphql_operations: '333' } });
    const [yen, dinar] = await db.prisma.$transaction(async (tx) => [
      await createDraftInvoice(tx, { subscriptionId: jp.subscriptionId!, period: OCT, reason: 'period_close', now, usage }),
      await createDraftInvoice(tx, { subscriptionId: kw.subscriptionId!, period: OCT, reason: 'period_close', now, usage }),
    ]);
    // 1010 × 0.35 = 353.5 → 354 (even); tax 10 %: 98 + 35.4 → 35
    expect(yen!.lines.map((l) => [l.amountMinor, l.taxMinor])).toEqual([
      [980n, 98n],
      [354n, 35n],
    ]);
    expect([yen!.currency, yen!.subtotalMinor, yen!.taxMinor, yen!.totalMinor]).toEqual(['JPY', 1334n, 133n, 1467n]);
    // 333 × 0.0125 = 4.1625 → 4.162 (even); no tax jurisdiction
    expect(dinar!.lines.map((l) => [l.unitPrice, l.amountMinor, l.taxMinor])).toEqual([
      ['5.25', 5250n, 0n],
      ['0.0125', 4162n, 0n],
    ]);
    expect([dinar!.currency, dinar!.taxJurisdiction, dinar!.totalMinor]).toEqual(['KWD', null, 9412n]);
  });

  it('appends the pending items of the subscription, marks them, and leaves them to no other invoice', async () => {
    const { subscriptionId } = await seedOrg(db.prisma, { orgId: 'prorated', plan: { fixedAmount: '10' } });
    await db.prisma.billingPendingItem.createMany({
      data: [
        {
          orgId: 'prorated',
          subscriptionId: subscriptionId!,
          kind: 'proration_charge',
          description: 'Upgrade to Pro',
          currency: 'USD',
          amountMinor: 1234n,
          createdAt: new Date('2026-10-10T00:00:00Z'),
        },
        {
          orgId: 'prorated',
          subscriptionId: subscriptionId!,
          kind: 'proration_credit',
          description: 'Unused Starter',
          currency: 'USD',
          amountMinor: -300n,
          createdAt: new Date('2026-10-11T00:00:00Z'),
        },
        {
          orgId: 'prorated',
          subscriptionId: subscriptionId!,
          kind: 'goodwill',
          description: 'Other currency',
          currency: 'EUR',
          amountMinor: 100n,
        },
      ],
    });
    const first = await db.prisma.$transaction((tx) =>
      createDraftInvoice(tx, { orgId: 'prorated', period: OCT, reason: 'on_demand', now, usage: usageTable({}) }),
    );
    expect(first.lines.map((l) => [l.kind, l.description, l.unitPrice, l.amountMinor])).toEqual([
      ['fixed', 'Pro plan', '10', 1000n],
      ['proration_charge', 'Upgrade to Pro', '12.34', 1234n],
      ['proration_credit', 'Unused Starter', '-3.00', -300n],
    ]);
    expect([first.subscriptionId, first.subtotalMinor, first.totalMinor]).toEqual([subscriptionId, 1934n, 1934n]);
    const items = await db.prisma.billingPendingItem.findMany({ where: { orgId: 'prorated' }, orderBy: { amountMinor: 'asc' } });
    expect(items.map((i) => [i.amountMinor, i.invoiceId])).toEqual([
      [-300n, first.id],
      [100n, null],
      [1234n, first.id],
    ]);
    const second = await db.prisma.$transaction((tx) =>
      createDraftInvoice(tx, { subscriptionId: subscriptionId!, period: NOV, reason: 'on_demand', now, usage: usageTable({}) }),
    );
    expect(second.lines.map((l) => l.kind)).toEqual(['fixed']);
  });

  it('without a live subscription bills only the pending items on demand, and refuses when there are none', async () => {
    const { subscriptionId } = await seedOrg(db.prisma, {
      orgId: 'gone',
      plan: { fixedAmount: '10' },
      subscription: { status: 'CANCELLED' },
    });
    await expect(
      db.prisma.$transaction((tx) =>
        createDraftInvoice(tx, { orgId: 'gone', period: OCT, reason: 'on_demand', now, usage: usageTable({}) }),
      ),
    ).rejects.toMatchObject({ code: 'SUBSCRIPTION_STATE_INVALID' });
    await db.prisma.billingPendingItem.create({
      data: {
        orgId: 'gone',
        subscriptionId: subscriptionId!,
        kind: 'adjustment',
        description: 'Final usage',
        currency: 'USD',
        amountMinor: 777n,
      },
    });
    const invoice = await db.prisma.$transaction((tx) =>
      createDraftInvoice(tx, { orgId: 'gone', period: OCT, reason: 'on_demand', now, usage: usageTable({}) }),
    );
    expect([invoice.subscriptionId, invoice.totalMinor, invoice.lines.map((l) => [l.kind, l.amountMinor])]).toEqual([
      null,
      777n,
      [['adjustment', 777n]],
    ]);
    await expect(
      db.prisma.$transaction((tx) =>
        createDraftInvoice(tx, { orgId: 'gone', period: OCT, reason: 'period_close', now, usage: usageTable({}) }),
      ),
    ).rejects.toMatchObject({ code: 'SUBSCRIPTION_STATE_INVALID' });
  });

  it('refuses a plan in another currency than the organisation, and unknown subscriptions and organisations', async () => {
    const { subscriptionId } = await seedOrg(db.prisma, { orgId: 'euro', currency: 'EUR', plan: { fixedAmount: '10', currency: 'USD' } });
    const draft = (input: Parameters<typeof createDraftInvoice>[1]) => db.prisma.$transaction((tx) => createDraftInvoice(tx, input));
    const base = { period: OCT, reason: 'period_close' as const, now, usage: usageTable({}) };
    await expect(draft({ ...base, subscriptionId: subscriptionId! })).rejects.toMatchObject({
      code: 'CURRENCY_MISMATCH',
      details: { orgCurrency: 'EUR', planCurrency: 'USD' },
    });
    await expect(draft({ ...base, subscriptionId: subscriptionId!, orgId: 'acme' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(draft({ ...base, subscriptionId: 'nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(draft({ ...base, orgId: 'nobody', reason: 'on_demand' })).rejects.toMatchObject({ code: 'ORGANIZATION_UNKNOWN' });
    expect(await db.prisma.invoice.count({ where: { orgId: 'euro' } })).toBe(0);
  });
});

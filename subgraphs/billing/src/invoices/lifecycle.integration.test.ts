import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '@dictamesh/db';
import { createDraftInvoice } from './generate';
import { finalizeInvoice, grantCredit, markInvoicePaid, markUncollectible, voidInvoice } from './lifecycle';
import { NOV, OCT, seedOrg, usageTable } from './test-fixtures';

let db: Database;
const now = new Date('2026-11-01T00:05:00.000Z');
const later = new Date('2026-11-02T09:00:00.000Z');
const usage = usageTable({});

beforeAll(async () => {
  db = await openDatabase({ dataDir: 'memory://' });
});
afterAll(async () => {
  await db.close();
});

/** An on-demand draft of the organisation over October. */
const draft = (orgId: string, period = OCT) =>
  db.prisma.$transaction((tx) => createDraftInvoice(tx, { orgId, period, reason: 'on_demand', now, usage }));

/** The organisation's outbox events: [type, id, data]. */
async function events(orgId: string) {
  const rows = await db.prisma.billingOutboxRecord.findMany({ where: { key: orgId }, orderBy: { id: 'asc' } });
  return rows.map((r) => {
    const e = r.event as { type: string; id: string; data: Record<string, unknown> };
    return [e.type, e.id, e.data] as const;
  });
}

describe('finalizeInvoice and voidInvoice', () => {
  it('numbers ACME-000001, -000002…: a voided draft takes no number, so the next finalized one leaves no gap', async () => {
    await seedOrg(db.prisma, { orgId: 'acme', plan: { fixedAmount: '100', paymentTermDays: 14 } });
    const [a, b, c, d] = [await draft('acme'), await draft('acme'), await draft('acme'), await draft('acme')];
    const first = await finalizeInvoice(db.prisma, { invoiceId: a.id, orgId: 'acme', now });
    expect([first.number, first.sequence, first.status, first.totalMinor]).toEqual(['ACME-000001', 1, 'FINALIZED', 10000n]);
    expect([first.finalizedAt?.toISOString(), first.dueAt?.toISOString(), first.paidAt]).toEqual([
      '2026-11-01T00:05:00.000Z',
      '2026-11-15T00:05:00.000Z',
      null,
    ]);
    expect((await finalizeInvoice(db.prisma, { invoiceId: b.id, orgId: 'acme', now })).number).toBe('ACME-000002');
    const voided = await voidInvoice(db.prisma, { invoiceId: c.id, orgId: 'acme', now: later });
    expect([voided.status, voided.number, voided.sequence, voided.voidedAt?.toISOString()]).toEqual([
      'VOIDED',
      null,
      null,
      later.toISOString(),
    ]);
    expect((await finalizeInvoice(db.prisma, { invoiceId: d.id, orgId: 'acme', now })).number).toBe('ACME-000003');
    expect((await db.prisma.invoiceSequence.findUniqueOrThrow({ where: { orgId: 'acme' } })).lastSequence).toBe(3);

    const evs = await events('acme');
    expect(evs.map(([type, id]) => [type, id])).toEqual([
      ['dictamesh.billing.invoice.finalized', `${a.id}.finalized`],
      ['dictamesh.billing.invoice.finalized', `${b.id}.finalized`],
      ['dictamesh.billing.invoice.voided', `${c.id}.voided`],
      ['dictamesh.billing.invoice.finalized', `${d.id}.finalized`],
    ]);
    expect(evs[0]![2]).toEqual({
      org: 'acme',
      billingEmail: null,
      invoiceId: a.id,
      subscriptionId: a.subscriptionId,
      number: 'ACME-000001',
      status: 'FINALIZED',
      currency: 'USD',
      totalMinor: '10000',
      amountDueMinor: '10000',
      periodStart: '2026-10-01T00:00:00.000Z',
      periodEnd: '2026-11-01T00:00:00.000Z',
      dueAt: '2026-11-15T00:05:00.000Z',
      occurredAt: '2026-11-01T00:05:00.000Z',
    });
    expect(evs[2]![2]).toMatchObject({ number: null, status: 'VOIDED', totalMinor: '10000', amountDueMinor: '0', dueAt: null });
  });

  it('refuses to finalize a voided invoice and writes nothing; another organisation’s invoice is NOT_FOUND', async () => {
    await seedOrg(db.prisma, { orgId: 'initech', plan: { fixedAmount: '5' } });
    await seedOrg(db.prisma, { orgId: 'hooli' });
    const d = await draft('initech');
    await voidInvoice(db.prisma, { invoiceId: d.id, orgId: 'initech', now });
    const outbox = await db.prisma.billingOutboxRecord.count();
    await expect(finalizeInvoice(db.prisma, { invoiceId: d.id, orgId: 'initech', now })).rejects.toMatchObject({
      code: 'INVOICE_STATE_INVALID',
      details: { status: 'VOIDED' },
    });
    await expect(voidInvoice(db.prisma, { invoiceId: d.id, orgId: 'initech', now })).rejects.toMatchObject({
      code: 'INVOICE_STATE_INVALID',
      details: { status: 'VOIDED' },
    });
    expect(await db.prisma.billingOutboxRecord.count()).toBe(outbox);
    expect(await db.prisma.invoiceSequence.findUnique({ where: { orgId: 'initech' } })).toBeNull();
    expect((await db.prisma.invoice.findUniqueOrThrow({ where: { id: d.id } })).number).toBeNull();

    const other = await draft('initech');
    for (const call of [
      finalizeInvoice(db.prisma, { invoiceId: other.id, orgId: 'hooli', now }),
      voidInvoice(db.prisma, { invoiceId: other.id, orgId: 'hooli', now }),
      markUncollectible(db.prisma, { invoiceId: other.id, orgId: 'hooli', now }),
      finalizeInvoice(db.prisma, { invoiceId: 'no-such-invoice', orgId: 'hooli', now }),
    ])
      await expect(call).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'No such invoice.' });
    expect((await db.prisma.invoice.findUniqueOrThrow({ where: { id: other.id } })).status).toBe('DRAFT');
  });

  it('spends credits larger than the invoice: PAID at once, the grant keeps the rest for the next invoice', async () => {
    await seedOrg(db.prisma, { orgId: 'credo', plan: { fixedAmount: '10' } });
    const grant = await grantCredit(db.prisma, {
      orgId: 'credo',
      amountMinor: 1500n,
      currency: 'usd',
      source: 'purchase',
      reason: 'Top-up',
    });
    const expired = await grantCredit(db.prisma, {
      orgId: 'credo',
      amountMinor: 9999n,
      currency: 'USD',
      source: 'goodwill',
      expiresAt: new Date('2026-10-31T00:00:00Z'),
    });
    const oct = await finalizeInvoice(db.prisma, { invoiceId: (await draft('credo')).id, orgId: 'credo', now });
    expect([oct.status, oct.number, oct.subtotalMinor, oct.creditsAppliedMinor, oct.totalMinor, oct.paidAt?.toISOString()]).toEqual([
      'PAID',
      'CREDO-000001',
      1000n,
      1000n,
      0n,
      now.toISOString(),
    ]);
    expect((await db.prisma.creditGrant.findUniqueOrThrow({ where: { id: grant.id } })).remainingMinor).toBe(500n);
    expect((await db.prisma.creditGrant.findUniqueOrThrow({ where: { id: expired.id } })).remainingMinor).toBe(9999n);
    const nov = await finalizeInvoice(db.prisma, { invoiceId: (await draft('credo', NOV)).id, orgId: 'credo', now: later });
    expect([nov.status, nov.number, nov.creditsAppliedMinor, nov.totalMinor]).toEqual(['FINALIZED', 'CREDO-000002', 500n, 500n]);
    expect((await db.prisma.creditGrant.findUniqueOrThrow({ where: { id: grant.id } })).remainingMinor).toBe(0n);
    const applications = await db.prisma.creditApplication.findMany({ where: { creditId: grant.id }, orderBy: { createdAt: 'asc' } });
    expect(applications.map((a) => [a.invoiceId, a.amountMinor])).toEqual([
      [oct.id, 1000n],
      [nov.id, 500n],
    ]);
    const lines = await db.prisma.invoiceLine.findMany({ where: { invoiceId: nov.id } });
    expect(lines.map((l) => l.creditAppliedMinor)).toEqual([500n]);
    expect((await events('credo')).map(([type, , data]) => [type, data.number, data.status, data.amountDueMinor])).toEqual([
      ['dictamesh.billing.invoice.finalized', 'CREDO-000001', 'FINALIZED', '0'],
      ['dictamesh.billing.invoice.paid', 'CREDO-000001', 'PAID', '0'],
      ['dictamesh.billing.invoice.finalized', 'CREDO-000002', 'FINALIZED', '500'],
    ]);

    // voiding gives the credit back to its grant
    const back = await voidInvoice(db.prisma, { invoiceId: nov.id, orgId: 'credo', now: later });
    expect([back.status, back.number]).toEqual(['VOIDED', 'CREDO-000002']);
    expect((await db.prisma.creditGrant.findUniqueOrThrow({ where: { id: grant.id } })).remainingMinor).toBe(500n);
    await expect(voidInvoice(db.prisma, { invoiceId: oct.id, orgId: 'credo', now })).rejects.toMatchObject({
      code: 'INVOICE_STATE_INVALID',
      details: { status: 'PAID' },
    });
  });

  it('recomputes tax at finalization from the stored lines and the rate of now', async () => {
    await seedOrg(db.prisma, { orgId: 'taxed', taxJurisdiction: 'US-NY', plan: { fixedAmount: '19.99' } });
    const d = await draft('taxed');
    expect([d.taxMinor, d.taxJurisdiction]).toEqual([0n, null]);
    await db.prisma.taxRate.create({ data: { jurisdiction: 'US-NY', name: 'NY sales tax', ratePercent: '8.875' } });
    const f = await finalizeInvoice(db.prisma, { invoiceId: d.id, orgId: 'taxed', now });
    // 1999 × 8.875 % = 177.41… → 177
    expect([f.taxJurisdiction, f.taxMinor, f.totalMinor]).toEqual(['US-NY', 177n, 2176n]);
    const [line] = await db.prisma.invoiceLine.findMany({ where: { invoiceId: d.id } });
    expect([line!.taxRatePercent.toFixed(), line!.taxMinor]).toEqual(['8.875', 177n]);
  });
});

describe('payments and credits', () => {
  it('markInvoicePaid: partial then full; PAID with an event; the PAST_DUE subscription is ACTIVE again once nothing is unpaid', async () => {
    const { subscriptionId } = await seedOrg(db.prisma, {
      orgId: 'late',
      plan: { fixedAmount: '30' },
      subscription: { status: 'PAST_DUE' },
    });
    const a = await finalizeInvoice(db.prisma, { invoiceId: (await draft('late')).id, orgId: 'late', now });
    const b = await finalizeInvoice(db.prisma, { invoiceId: (await draft('late', NOV)).id, orgId: 'late', now });
    await markUncollectible(db.prisma, { invoiceId: b.id, orgId: 'late', now });
    await expect(markUncollectible(db.prisma, { invoiceId: b.id, orgId: 'late', now })).rejects.toMatchObject({
      code: 'INVOICE_STATE_INVALID',
    });
    const part = await db.prisma.$transaction((tx) => markInvoicePaid(tx, a.id, 1000n, later));
    expect([part.status, part.amountPaidMinor, part.paidAt]).toEqual(['FINALIZED', 1000n, null]);
    await db.prisma.$transaction((tx) => markInvoicePaid(tx, a.id, 2000n, later));
    const status = async () => (await db.prisma.billingSubscription.findUniqueOrThrow({ where: { id: subscriptionId! } })).status;
    expect(await status()).toBe('PAST_DUE'); // b is still unpaid (uncollectible)
    const paid = await db.prisma.$transaction((tx) => markInvoicePaid(tx, b.id, 3000n, later));
    expect([paid.status, paid.amountPaidMinor, paid.paidAt?.toISOString()]).toEqual(['PAID', 3000n, later.toISOString()]);
    expect(await status()).toBe('ACTIVE');
    await expect(db.prisma.$transaction((tx) => markInvoicePaid(tx, b.id, 1n, later))).rejects.toMatchObject({
      code: 'INVOICE_STATE_INVALID',
      details: { status: 'PAID' },
    });
    await expect(db.prisma.$transaction((tx) => markInvoicePaid(tx, b.id, 0n, later))).rejects.toMatchObject({ code: 'QUANTITY_INVALID' });
    const paidEvents = (await events('late')).filter(([type]) => type === 'dictamesh.billing.invoice.paid');
    expect(paidEvents.map(([, , data]) => [data.invoiceId, data.status, data.amountDueMinor])).toEqual([
      [a.id, 'PAID', '0'],
      [b.id, 'PAID', '0'],
    ]);
  });

  it('grantCredit refuses amounts ≤ 0, another currency than the organisation’s and unknown organisations', async () => {
    await seedOrg(db.prisma, { orgId: 'yen', currency: 'JPY' });
    const base = { orgId: 'yen', amountMinor: 100n, currency: 'JPY', source: 'goodwill' as const };
    await expect(grantCredit(db.prisma, { ...base, amountMinor: 0n })).rejects.toMatchObject({ code: 'QUANTITY_INVALID' });
    await expect(grantCredit(db.prisma, { ...base, amountMinor: -5n })).rejects.toMatchObject({ code: 'QUANTITY_INVALID' });
    await expect(grantCredit(db.prisma, { ...base, currency: 'USD' })).rejects.toMatchObject({ code: 'CURRENCY_MISMATCH' });
    await expect(grantCredit(db.prisma, { ...base, currency: 'XYZ' })).rejects.toMatchObject({ code: 'CURRENCY_UNKNOWN' });
    await expect(grantCredit(db.prisma, { ...base, orgId: 'nobody' })).rejects.toMatchObject({ code: 'ORGANIZATION_UNKNOWN' });
    const grant = await grantCredit(db.prisma, base);
    expect([grant.amountMinor, grant.remainingMinor, grant.currency, grant.expiresAt]).toEqual([100n, 100n, 'JPY', null]);
  });
});

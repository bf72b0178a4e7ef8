// Renders a sample invoice produced by the real billing engine to docs/invoice-sample.pdf and its
// first page to docs/invoice-sample.png (MuPDF, 144 dpi). Every figure on it is what DictaMesh
// bills for this history, on an in-memory PGlite database with the billing schema:
//
// - seller DictaMesh Cloud GmbH (the service's `seller` option); buyer the organisation
//   `acme-robotics` (Acme Robotics GmbH, EUR, tax jurisdiction DE, 19 % VAT via setTaxRate);
// - 2026-09-01: subscribed to the Starter plan (EUR 99.00 a month); its September period closes on
//   2026-10-01 (invoice ACME-ROBOTICS-000001, no usage);
// - 2026-10-05: EUR 100.00 of prepaid credit bought;
// - 2026-10-12: plan change to Team (EUR 499.00 a month + usage charges): the proration credit for
//   the unused Starter time and the charge for the remaining Team time wait as pending items;
// - October: GraphQL operations, entity change events, adapter events and daily storage
//   measurements metered through recordUsage (a seeded generator, always the same events);
// - 2026-11-01T00:00Z: closeDuePeriods drafts and finalizes the October invoice
//   (ACME-ROBOTICS-000002), which is rendered from invoiceDocument as the PDF route does.
//
// The only text not from the engine is the notes block (built from the stored credit balance) and
// the payment instructions; the service's PDF route prints neither today. The clock is fixed, so
// the same run gives the same bytes. The figures are checked (subtotal − credits + tax = total,
// each line's tax = half-even(19 % of its taxable amount)) before anything is written.
// Run: npm run docs:invoice-sample
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as mupdf from 'mupdf';
import { openDatabase } from '@dictamesh/db';
import { TOPICS, toDictaMeshEvent, type BusRecord, type EventDataOf, type EventType } from '@dictamesh/events';
import { createLogger } from '@dictamesh/runtime';
import { invoiceDocument } from '../subgraphs/billing/src/invoices/document-of';
import type { UsageSource } from '../subgraphs/billing/src/invoices/generate';
import { grantCredit } from '../subgraphs/billing/src/invoices/lifecycle';
import { renderInvoicePdf, type InvoiceParty } from '../subgraphs/billing/src/invoices/pdf';
import { closeDuePeriods } from '../subgraphs/billing/src/invoices/scheduler';
import { aggregateUsage } from '../subgraphs/billing/src/metering/aggregate';
import { recordUsage } from '../subgraphs/billing/src/metering/record-usage';
import { currency, formatMoney, fromMinor, Money, toMinor } from '../subgraphs/billing/src/money';
import { createOrganization } from '../subgraphs/billing/src/organizations/organizations';
import { ManualPaymentProvider, PaymentProviders } from '../subgraphs/billing/src/payments';
import { createPlan, type NewPlan } from '../subgraphs/billing/src/plans/plans';
import { setTaxRate } from '../subgraphs/billing/src/plans/tax-rates';
import { applyPlanChange, planChange, subscribe } from '../subgraphs/billing/src/subscriptions/subscriptions';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

const EUR = currency('EUR');
const ORG = 'acme-robotics';
const at = (iso: string) => new Date(iso);
const SUBSCRIBED_AT = at('2026-09-01T00:00:00Z');
const SEPTEMBER_CLOSE = at('2026-10-01T00:00:00Z');
const CREDIT_BOUGHT_AT = at('2026-10-05T09:30:00Z');
const PLAN_CHANGED_AT = at('2026-10-12T00:00:00Z');
const OCTOBER_CLOSE = at('2026-11-01T00:00:00Z');
const OCTOBER = { start: SEPTEMBER_CLOSE, end: OCTOBER_CLOSE };

/** The seller, as the service's `seller` option (BILLING_SELLER_* settings) gives it. */
const SELLER: InvoiceParty = {
  name: 'DictaMesh Cloud GmbH',
  addressLines: ['Torstraße 42', '10119 Berlin', 'Germany'],
  email: 'billing@dictamesh.example',
  taxId: 'DE123456789',
};

/** The usage charges of both plans (EUR); Team is the plan October is billed on. */
const CHARGES: NewPlan['charges'] = [
  {
    metricCode: 'graphql_operations',
    description: 'GraphQL operations (first 1,000 included, then EUR 0.02, above 10,000 EUR 0.015)',
    pricing: {
      model: 'graduated',
      tiers: [
        { upTo: '1000', unitPrice: '0', flatFee: '0' },
        { upTo: '10000', unitPrice: '0.02', flatFee: '0' },
        { upTo: null, unitPrice: '0.015', flatFee: '0' },
      ],
    },
  },
  {
    metricCode: 'cost_units',
    description: 'Query cost units (EUR 2.50 per started 1,000)',
    pricing: { model: 'package', packageSize: 1000, packagePrice: '2.50' },
  },
  { metricCode: 'kafka_events', description: 'Entity change events', pricing: { model: 'standard', unitPrice: '0.004' } },
  { metricCode: 'storage_gb', description: 'Catalog storage, GB (latest measurement)', pricing: { model: 'standard', unitPrice: '0.25' } },
  {
    metricCode: 'active_adapters',
    description: 'Active adapters (most at the same time)',
    pricing: { model: 'standard', unitPrice: '15.00' },
  },
];

/** A seeded generator of numbers uniform in [0, 1) (pure-rand's xoroshiro128+). */
function prng(seed: number): () => number {
  const rng = xoroshiro128plus(seed);
  return () => uniformFloat64(rng);
}

let offset = 0;
function busRecord<T extends EventType>(type: T, data: EventDataOf[T], id: string, instant: Date, source: string): BusRecord {
  const event = toDictaMeshEvent(type, data, { id, source, org: ORG, subject: ORG });
  return { topic: type, partition: 0, offset: offset++, key: ORG, event, headers: {}, timestamp: instant.getTime() };
}

/**
 * Acme's October: 3,412 GraphQL operations (cost 0.5–9.9 each), 1,850 entity changes, adapters
 * crm and erp from the 2nd and 3rd, shop from the 20th, erp paused on the 25th (at most 3 at
 * once), and one storage measurement a day at 23:00 growing to 412.5 GB on the 31st.
 */
function octoberUsage(): BusRecord[] {
  const random = prng(20261031);
  const instant = () => new Date(OCTOBER.start.getTime() + Math.floor(random() * (OCTOBER.end.getTime() - OCTOBER.start.getTime())));
  const records: BusRecord[] = [];
  for (let k = 0; k < 3_412; k++) {
    const when = instant();
    const data = {
      org: ORG,
      subject: `user-${Math.floor(random() * 40)}`,
      operationName: ['Contacts', 'Orders', 'Shipments', 'Invoices'][Math.floor(random() * 4)]!,
      operationType: random() < 0.9 ? 'query' : 'mutation',
      cost: Math.round((0.5 + random() * 9.4) * 10) / 10,
      durationMs: 3 + Math.floor(random() * 80),
      result: 'ok',
      errorCount: 0,
      occurredAt: when.toISOString(),
    } satisfies EventDataOf[typeof TOPICS.operationUsage];
    records.push(busRecord(TOPICS.operationUsage, data, `op-${k}`, when, '/dictamesh/gateway'));
  }
  for (let k = 0; k < 1_850; k++) {
    const when = instant();
    const data = {
      urn: `dictamesh:erp:acme/1:order:${k}`,
      source: 'erp',
      entityType: 'order',
      sourceId: String(k),
      domain: 'sales',
      operation: 'updated',
      attributes: {},
      relationships: [],
      occurredAt: when.toISOString(),
    } satisfies EventDataOf[typeof TOPICS.entityUpdated];
    records.push(busRecord(TOPICS.entityUpdated, data, `change-${k}`, when, '/adapters/erp'));
  }
  const adapters = [
    ['crm', 'registered', 'RUNNING', '2026-10-02T08:00:00Z'],
    ['erp', 'registered', 'RUNNING', '2026-10-03T08:00:00Z'],
    ['shop', 'registered', 'RUNNING', '2026-10-20T08:00:00Z'],
    ['erp', 'paused', 'PAUSED', '2026-10-25T18:00:00Z'],
  ] as const;
  for (const [k, [adapterId, event, status, iso]] of adapters.entries()) {
    const data = { adapterId, kind: 'rest-json', event, status, occurredAt: iso } satisfies EventDataOf[typeof TOPICS.adapterEvent];
    records.push(busRecord(TOPICS.adapterEvent, data, `adapter-${k}`, at(iso), `/adapters/${adapterId}`));
  }
  for (let day = 1; day <= 31; day++) {
    const when = at(`2026-10-${String(day).padStart(2, '0')}T23:00:00Z`);
    const bytes = day === 31 ? 412_500_000_000 : 380_000_000_000 + day * 1_000_000_000;
    records.push(
      busRecord(TOPICS.storageUsage, { org: ORG, bytes, measuredAt: when.toISOString() }, `storage-${day}`, when, 'dictamesh:catalog'),
    );
  }
  return records;
}

const db = await openDatabase({ dataDir: 'memory://' });
const { prisma } = db;
const log = createLogger('invoice-sample', 'error');
const usage: UsageSource = (orgId, metricCodes, from, to, tx) => aggregateUsage(tx, { orgId, metricCodes, from, to });
let pdf: Buffer;
try {
  await setTaxRate(prisma, { jurisdiction: 'DE', name: 'VAT', ratePercent: '19' });
  const plan = { currency: 'EUR', interval: 'MONTHLY', paymentTermDays: 14, charges: CHARGES } as const;
  await createPlan(prisma, { ...plan, code: 'starter-eur', name: 'Starter plan', fixedAmount: '99.00' });
  await createPlan(prisma, { ...plan, code: 'team-eur', name: 'Team plan', fixedAmount: '499.00' });
  await createOrganization(prisma, new PaymentProviders([new ManualPaymentProvider()]), {
    id: ORG,
    name: 'Acme Robotics GmbH',
    billingEmail: 'ap@acme-robotics.example',
    currency: 'EUR',
    taxJurisdiction: 'DE',
  });
  await subscribe(prisma, { orgId: ORG, planCode: 'starter-eur', now: SUBSCRIBED_AT });
  const september = await closeDuePeriods(prisma, { now: SEPTEMBER_CLOSE, usage, log });
  await grantCredit(prisma, {
    orgId: ORG,
    amountMinor: 10_000n,
    currency: 'EUR',
    source: 'purchase',
    reason: 'Prepaid credit',
    now: CREDIT_BOUGHT_AT,
  });
  await applyPlanChange(prisma, await planChange(prisma, { orgId: ORG, planCode: 'team-eur', now: PLAN_CHANGED_AT }));
  const usageRecords = octoberUsage();
  for (let from = 0; from < usageRecords.length; from += 500)
    await recordUsage(prisma, usageRecords.slice(from, from + 500), { now: () => OCTOBER_CLOSE });
  const october = await closeDuePeriods(prisma, { now: OCTOBER_CLOSE, usage, log });
  if (september.closed !== 1 || october.closed !== 1 || september.failed + october.failed > 0)
    throw new Error(`closeDuePeriods: September ${JSON.stringify(september)}, October ${JSON.stringify(october)}`);

  const invoice = await prisma.invoice.findFirstOrThrow({
    where: { orgId: ORG, periodStart: OCTOBER.start },
    include: { lines: { orderBy: { position: 'asc' } } },
  });
  if (invoice.status !== 'FINALIZED') throw new Error(`the October invoice is ${invoice.status}`);
  // the figures must add up by billing's rules before they are published
  const problems: string[] = [];
  const sum = (values: bigint[]) => values.reduce((a, b) => a + b, 0n);
  if (sum(invoice.lines.map((l) => l.amountMinor)) !== invoice.subtotalMinor) problems.push('Σ line amounts ≠ subtotal');
  if (sum(invoice.lines.map((l) => l.taxMinor)) !== invoice.taxMinor) problems.push('Σ line taxes ≠ tax');
  if (sum(invoice.lines.map((l) => l.creditAppliedMinor)) !== invoice.creditsAppliedMinor)
    problems.push('Σ line credits ≠ credits applied');
  if (invoice.subtotalMinor - invoice.creditsAppliedMinor + invoice.taxMinor !== invoice.totalMinor)
    problems.push('subtotal − credits + tax ≠ total');
  // taxable per line: the amount less its share of the negative lines (netted in line order) and its prepaid credit
  let negatives = -sum(invoice.lines.filter((l) => l.amountMinor < 0n).map((l) => l.amountMinor));
  console.log('line                                                      amount   taxable      tax');
  for (const line of invoice.lines) {
    const positive = line.amountMinor > 0n ? line.amountMinor : 0n;
    const netted = positive < negatives ? positive : negatives;
    negatives -= netted;
    const taxable = positive - netted - line.creditAppliedMinor;
    const expected = toMinor(fromMinor(taxable, EUR).mul(19).div(100), EUR);
    if (line.taxMinor !== expected) problems.push(`${line.description}: tax ${line.taxMinor} ≠ 19 % of ${taxable}`);
    if (line.amountMinor < 0n && line.taxMinor !== 0n) problems.push(`${line.description}: a negative line carries tax`);
    console.log(
      `${line.description.slice(0, 52).padEnd(52)} ${formatMoney(line.amountMinor, EUR).padStart(12)} ${formatMoney(taxable, EUR).padStart(9)} ${formatMoney(line.taxMinor, EUR).padStart(8)}`,
    );
  }
  if (problems.length > 0) throw new Error(`the sample invoice does not add up: ${problems.join('; ')}`);

  const credits = await prisma.creditGrant.findMany({ where: { orgId: ORG } });
  const balance = sum(credits.map((c) => c.remainingMinor));
  const document = await invoiceDocument(prisma, invoice.id, SELLER, OCTOBER_CLOSE);
  // applyPlanChange gives both proration items the same createdAt, so their stored order follows
  // their random ids: print the credit before the charge (as prorateChange lists them) so that
  // the same run gives the same bytes. The figures do not depend on that order.
  const rank = (kind: string, position: number) => (kind === 'proration_credit' ? 1e6 : kind === 'proration_charge' ? 1e6 + 1 : position);
  document.lines = invoice.lines
    .map((line, i) => ({ rank: rank(line.kind, line.position), printed: document.lines[i]! }))
    .sort((a, b) => a.rank - b.rank)
    .map((entry) => entry.printed);
  document.notes =
    `${formatMoney(invoice.creditsAppliedMinor, EUR)} of prepaid credit applied before tax (credit left: ${formatMoney(balance, EUR)}). ` +
    'Plan changed from Starter to Team on 2026-10-12 (prorated). Usage details: DictaMesh console › Billing › Usage.';
  document.paymentInstructions = `SEPA transfer to DictaMesh Cloud GmbH, IBAN DE89 3704 0044 0532 0130 00, BIC COBADEFFXXX, reference ${invoice.number}.`;
  pdf = await renderInvoicePdf(document, { creationDate: OCTOBER_CLOSE });
  console.log(
    `${invoice.number}: subtotal ${formatMoney(invoice.subtotalMinor, EUR)} − credits ${formatMoney(invoice.creditsAppliedMinor, EUR)} + tax ${formatMoney(invoice.taxMinor, EUR)} = total ${formatMoney(invoice.totalMinor, EUR)} (19 % of the taxable ${formatMoney(invoice.subtotalMinor - invoice.creditsAppliedMinor, EUR)} = ${new Money(fromMinor(invoice.subtotalMinor - invoice.creditsAppliedMinor, EUR)).mul('0.19').toFixed(4)})`,
  );
} finally {
  await db.close();
}

const docs = new URL('../docs/', import.meta.url);
mkdirSync(docs, { recursive: true });
writeFileSync(new URL('invoice-sample.pdf', docs), pdf);
const pages = mupdf.Document.openDocument(pdf, 'application/pdf');
const png = pages.loadPage(0).toPixmap(mupdf.Matrix.scale(2, 2), mupdf.ColorSpace.DeviceRGB).asPNG();
writeFileSync(new URL('invoice-sample.png', docs), png);
console.log(
  `${fileURLToPath(new URL('invoice-sample.pdf', docs))}: ${pdf.length} bytes, ${pages.countPages()} page(s); page 1 as PNG: ${png.length} bytes`,
);

// Billing period close and invoice PDFs on the embedded default (PGlite), without the event bus:
//
//   npm run bench:billing-invoices -- [--orgs 1000] [--events 200] [--seed 42]
//
// 1. Opens a fresh in-memory PGlite database with the schema, a 19 % VAT rate for DE and one
//    EUR plan with a fixed fee and five usage charges (graduated graphql_operations, standard
//    kafka_events, package cost_units, standard storage_gb (LATEST), standard active_adapters (MAX)).
// 2. Creates `orgs` organisations (createOrganization): half of them in DE (taxed), a quarter
//    with €25.00 of prepaid credit; subscribes each one to the plan on 2026-10-01 (subscribe).
// 3. Meters `events` usage CloudEvents per organisation through recordUsage (operations, entity
//    changes, adapter events, storage measurements, all in October 2026), from a seeded generator.
// 4. Times closeDuePeriods at 2026-11-01T00:05Z: a draft per subscription, then its finalization
//    (number, credits, tax). Per-invoice time = the time between one subscription's usage read
//    and the next one's (one draft + subscription move + finalization); the listing of due
//    subscriptions before the first and the leftover-draft sweep after the last are in the total only.
// 5. Times invoiceDocument + renderInvoicePdf of every invoice.
// 6. Checks: one FINALIZED invoice per organisation, sequence 1, total > 0, subtotal − credits +
//    tax = total, credit applied exactly on the credited quarter, tax exactly on the DE half.
//    A failed check prints it and exits 1.
// Figures go to stdout and bench/out/billing-invoices.json. Bounded loops only.
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
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
import { createOrganization } from '../subgraphs/billing/src/organizations/organizations';
import { ManualPaymentProvider, PaymentProviders } from '../subgraphs/billing/src/payments';
import { createPlan } from '../subgraphs/billing/src/plans/plans';
import { setTaxRate } from '../subgraphs/billing/src/plans/tax-rates';
import { subscribe } from '../subgraphs/billing/src/subscriptions/subscriptions';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

const { values } = parseArgs({
  options: {
    orgs: { type: 'string', default: '1000' },
    events: { type: 'string', default: '200' },
    seed: { type: 'string', default: '42' },
    batch: { type: 'string', default: '500' },
  },
});
const orgs = Number(values.orgs);
const eventsPerOrg = Number(values.events);
const seed = Number(values.seed);
const batchSize = Number(values.batch);
if (![orgs, eventsPerOrg, batchSize].every((n) => Number.isInteger(n) && n > 0) || !Number.isInteger(seed))
  throw new Error('--orgs, --events and --batch must be positive integers, --seed an integer');

const OCTOBER = { start: new Date('2026-10-01T00:00:00Z'), end: new Date('2026-11-01T00:00:00Z') };
const CLOSE_AT = new Date('2026-11-01T00:05:00Z');
const monthMs = OCTOBER.end.getTime() - OCTOBER.start.getTime();
const CREDIT_MINOR = 2_500n; // €25.00, below any invoice: the fixed fee alone is €49.00
const orgId = (i: number) => `bench-org-${String(i).padStart(5, '0')}`;
const taxed = (i: number) => i % 2 === 0;
const credited = (i: number) => i % 8 < 2; // a quarter: half of them taxed, half not
const SELLER: InvoiceParty = {
  name: 'DictaMesh Cloud GmbH',
  addressLines: ['Torstraße 42', '10119 Berlin', 'Germany'],
  email: 'billing@dictamesh.example',
  taxId: 'DE123456789',
};

/** A seeded generator of numbers uniform in [0, 1) (pure-rand's xoroshiro128+). */
function prng(seed: number): () => number {
  const rng = xoroshiro128plus(seed);
  return () => uniformFloat64(rng);
}

let offset = 0;
function busRecord<T extends EventType>(type: T, data: EventDataOf[T], id: string, at: Date, org: string, source: string): BusRecord {
  const event = toDictaMeshEvent(type, data, { id, source, org, subject: org });
  return { topic: type, partition: 0, offset: offset++, key: org, event, headers: {}, timestamp: at.getTime() };
}

/**
 * The usage of one organisation in October: `eventsPerOrg` CloudEvents, ~60 % GraphQL operations
 * (cost 0.5–12), ~30 % entity changes, ~6 % adapter events over 4 adapters (mostly running, some
 * paused), ~4 % storage measurements (1–80 GB); instants uniform over the month.
 */
function usageOf(i: number): BusRecord[] {
  const random = prng(seed * 1_000_003 + i);
  const org = orgId(i);
  const records: BusRecord[] = [];
  for (let j = 0; j < eventsPerOrg; j++) {
    const at = new Date(OCTOBER.start.getTime() + Math.floor(random() * monthMs));
    const id = `${org}-${j}`;
    const kind = random();
    if (kind < 0.6) {
      const data = {
        org,
        subject: `user-${Math.floor(random() * 25)}`,
        operationName: ['Contacts', 'Accounts', 'Orders', 'Invoices'][Math.floor(random() * 4)]!,
        operationType: random() < 0.85 ? 'query' : 'mutation',
        cost: Math.round((0.5 + random() * 11.5) * 10) / 10,
        durationMs: 2 + Math.floor(random() * 60),
        result: 'ok',
        errorCount: 0,
        occurredAt: at.toISOString(),
      } satisfies EventDataOf[typeof TOPICS.operationUsage];
      records.push(busRecord(TOPICS.operationUsage, data, id, at, org, '/dictamesh/gateway/bench'));
    } else if (kind < 0.9) {
      const data = {
        urn: `dictamesh:crm:${org}/1:contact:${j}`,
        source: 'crm',
        entityType: 'contact',
        sourceId: String(j),
        domain: 'sales',
        operation: 'updated',
        attributes: {},
        relationships: [],
        occurredAt: at.toISOString(),
      } satisfies EventDataOf[typeof TOPICS.entityUpdated];
      records.push(busRecord(TOPICS.entityUpdated, data, id, at, org, '/adapters/crm'));
    } else if (kind < 0.96) {
      const adapterId = `adapter-${Math.floor(random() * 4)}`;
      const paused = random() < 0.2;
      const data = {
        adapterId,
        kind: 'rest-json',
        event: paused ? 'paused' : 'resumed',
        status: paused ? 'PAUSED' : 'RUNNING',
        occurredAt: at.toISOString(),
      } satisfies EventDataOf[typeof TOPICS.adapterEvent];
      records.push(busRecord(TOPICS.adapterEvent, data, id, at, org, `/adapters/${adapterId}`));
    } else {
      const data = { org, bytes: Math.floor((1 + random() * 79) * 1e9), measuredAt: at.toISOString() };
      records.push(busRecord(TOPICS.storageUsage, data, id, at, org, 'dictamesh:catalog'));
    }
  }
  return records;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

const db = await openDatabase({ dataDir: 'memory://' });
const { prisma } = db;
const providers = new PaymentProviders([new ManualPaymentProvider()]);
const log = createLogger('bench-billing-invoices', 'error');

// --- setup (not timed as period close) ---
const setupStart = performance.now();
await setTaxRate(prisma, { jurisdiction: 'DE', name: 'VAT', ratePercent: '19' });
await createPlan(prisma, {
  code: 'team-eur',
  name: 'Team plan',
  currency: 'EUR',
  interval: 'MONTHLY',
  fixedAmount: '49.00',
  paymentTermDays: 14,
  charges: [
    {
      metricCode: 'graphql_operations',
      description: 'GraphQL operations',
      pricing: {
        model: 'graduated',
        tiers: [
          { upTo: '50', unitPrice: '0', flatFee: '0' },
          { upTo: '100', unitPrice: '0.02', flatFee: '0' },
          { upTo: null, unitPrice: '0.01', flatFee: '0' },
        ],
      },
    },
    { metricCode: 'kafka_events', description: 'Entity change events', pricing: { model: 'standard', unitPrice: '0.005' } },
    { metricCode: 'cost_units', description: 'Query cost units', pricing: { model: 'package', packageSize: 100, packagePrice: '1.50' } },
    { metricCode: 'storage_gb', description: 'Catalog storage (GB, latest)', pricing: { model: 'standard', unitPrice: '0.25' } },
    { metricCode: 'active_adapters', description: 'Active adapters (most at once)', pricing: { model: 'standard', unitPrice: '12.00' } },
  ],
});
for (let i = 0; i < orgs; i++) {
  await createOrganization(prisma, providers, {
    id: orgId(i),
    name: `Bench Customer ${i} GmbH`,
    billingEmail: `billing@${orgId(i)}.example`,
    currency: 'EUR',
    taxJurisdiction: taxed(i) ? 'DE' : null,
  });
  await subscribe(prisma, { orgId: orgId(i), planCode: 'team-eur', now: OCTOBER.start });
  if (credited(i))
    await grantCredit(prisma, { orgId: orgId(i), amountMinor: CREDIT_MINOR, currency: 'EUR', source: 'purchase', now: OCTOBER.start });
}
const setupMs = performance.now() - setupStart;

// --- metering (building and schema-checking the events is not metering) ---
const all: BusRecord[] = [];
for (let i = 0; i < orgs; i++) all.push(...usageOf(i));
let recorded = 0;
const meterStart = performance.now();
for (let from = 0; from < all.length; from += batchSize)
  recorded += (await recordUsage(prisma, all.slice(from, from + batchSize), { now: () => CLOSE_AT })).recorded;
const meterMs = performance.now() - meterStart;
const usageRows = await prisma.usageRecord.count();

// --- period close: drafts + finalization ---
const marks: number[] = [];
const usage: UsageSource = (org, metricCodes, from, to, tx) => {
  marks.push(performance.now());
  return aggregateUsage(tx, { orgId: org, metricCodes, from, to });
};
const closeStart = performance.now();
const closed = await closeDuePeriods(prisma, { now: CLOSE_AT, usage, log });
const closeMs = performance.now() - closeStart;
const perInvoice = marks.map((mark, k) => (marks[k + 1] ?? closeStart + closeMs) - mark).sort((a, b) => a - b);

// --- PDFs ---
const invoices = await prisma.invoice.findMany({ orderBy: [{ orgId: 'asc' }, { sequence: 'asc' }] });
const pdfTimes: number[] = [];
const renderTimes: number[] = [];
let pdfBytes = 0;
const pdfStart = performance.now();
for (const invoice of invoices) {
  const t0 = performance.now();
  const document = await invoiceDocument(prisma, invoice.id, SELLER, CLOSE_AT);
  const t1 = performance.now();
  const pdf = await renderInvoicePdf(document, { creationDate: CLOSE_AT });
  const t2 = performance.now();
  pdfBytes += pdf.length;
  pdfTimes.push(t2 - t0);
  renderTimes.push(t2 - t1);
}
const pdfMs = performance.now() - pdfStart;
pdfTimes.sort((a, b) => a - b);
renderTimes.sort((a, b) => a - b);

// --- checks ---
const failures: string[] = [];
const byOrg = new Map<string, number>();
for (const invoice of invoices) byOrg.set(invoice.orgId, (byOrg.get(invoice.orgId) ?? 0) + 1);
if (invoices.length !== orgs) failures.push(`${invoices.length} invoices for ${orgs} organisations`);
for (let i = 0; i < orgs; i++) if (byOrg.get(orgId(i)) !== 1) failures.push(`${orgId(i)} has ${byOrg.get(orgId(i)) ?? 0} invoices`);
if (closed.closed !== orgs || closed.failed !== 0 || closed.skipped !== 0)
  failures.push(`closeDuePeriods returned ${JSON.stringify(closed)}`);
if (recorded !== orgs * eventsPerOrg) failures.push(`metered ${recorded} of ${orgs * eventsPerOrg} events`);
for (const invoice of invoices) {
  const i = Number(invoice.orgId.slice('bench-org-'.length));
  const at = `${invoice.orgId} ${invoice.number ?? invoice.id}`;
  if (invoice.status !== 'FINALIZED') failures.push(`${at}: status ${invoice.status}`);
  if (invoice.sequence !== 1) failures.push(`${at}: sequence ${invoice.sequence}`);
  if (invoice.totalMinor <= 0n) failures.push(`${at}: total ${invoice.totalMinor}`);
  if (invoice.subtotalMinor - invoice.creditsAppliedMinor + invoice.taxMinor !== invoice.totalMinor)
    failures.push(
      `${at}: subtotal ${invoice.subtotalMinor} − credits ${invoice.creditsAppliedMinor} + tax ${invoice.taxMinor} ≠ ${invoice.totalMinor}`,
    );
  if (invoice.creditsAppliedMinor !== (credited(i) ? CREDIT_MINOR : 0n)) failures.push(`${at}: credits ${invoice.creditsAppliedMinor}`);
  if (taxed(i) !== invoice.taxMinor > 0n) failures.push(`${at}: tax ${invoice.taxMinor} (taxed: ${taxed(i)})`);
}
if (pdfTimes.length !== orgs) failures.push(`${pdfTimes.length} PDFs rendered for ${orgs} organisations`);
const totals = await prisma.invoice.aggregate({
  _sum: { subtotalMinor: true, creditsAppliedMinor: true, taxMinor: true, totalMinor: true },
});
await db.close();

const memory = process.memoryUsage();
const result = {
  organisations: orgs,
  eventsPerOrg,
  seed,
  setupSeconds: round(setupMs / 1_000),
  metering: { events: recorded, usageRows, seconds: round(meterMs / 1_000), eventsPerSecond: Math.round((recorded / meterMs) * 1_000) },
  periodClose: {
    invoicesCreated: invoices.length,
    result: closed,
    seconds: round(closeMs / 1_000),
    invoicesPerSecond: round((invoices.length / closeMs) * 1_000, 1),
    perInvoiceMs: { p50: round(percentile(perInvoice, 50)), p95: round(percentile(perInvoice, 95)), max: round(perInvoice.at(-1)!) },
  },
  pdf: {
    rendered: pdfTimes.length,
    totalSeconds: round(pdfMs / 1_000),
    perInvoiceMs: { p50: round(percentile(pdfTimes, 50)), p95: round(percentile(pdfTimes, 95)) },
    renderOnlyMs: { p50: round(percentile(renderTimes, 50)), p95: round(percentile(renderTimes, 95)) },
    averageBytes: Math.round(pdfBytes / Math.max(1, pdfTimes.length)),
  },
  totalsEur: {
    subtotal: Number(totals._sum.subtotalMinor ?? 0n) / 100,
    creditsApplied: Number(totals._sum.creditsAppliedMinor ?? 0n) / 100,
    tax: Number(totals._sum.taxMinor ?? 0n) / 100,
    total: Number(totals._sum.totalMinor ?? 0n) / 100,
  },
  memoryMb: { rss: Math.round(memory.rss / 1_048_576), maxRss: Math.round(process.resourceUsage().maxRSS / 1_024) },
  checks: failures.length === 0 ? 'ok' : `${failures.length} failed`,
};
console.log(JSON.stringify(result, null, 2));
mkdirSync(new URL('out/', import.meta.url), { recursive: true });
writeFileSync(new URL('out/billing-invoices.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
if (failures.length > 0) {
  for (const failure of failures.slice(0, 50)) console.error(`check failed: ${failure}`);
  process.exit(1);
}

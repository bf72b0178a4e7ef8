import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import pino from 'pino';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MIGRATIONS_DIR, PrismaClient, openDatabase, openPGlite, type Database } from '@dictamesh/db';
import { createScratchDatabase } from '../../../../test/postgres-database';
import { createDraftInvoice } from './generate';
import { finalizeInvoice } from './lifecycle';
import { BillingScheduler, closeDuePeriods } from './scheduler';
import { NOV, OCT, seedOrg, usageTable } from './test-fixtures';

const log = pino({ level: 'silent' });
let db: Database;
const nov1 = new Date('2026-11-01T00:05:00.000Z');
const dec1 = new Date('2026-12-01T00:05:00.000Z');

beforeAll(async () => {
  db = await openDatabase({ dataDir: 'memory://' });
});
afterAll(async () => {
  await db.close();
});

const invoicesOf = (prisma: PrismaClient, orgId: string) =>
  prisma.invoice.findMany({ where: { orgId }, orderBy: { periodStart: 'asc' }, include: { lines: { orderBy: { position: 'asc' } } } });
const subscription = (id: string) => db.prisma.billingSubscription.findUniqueOrThrow({ where: { id } });

describe('closeDuePeriods', () => {
  it('closes every due period of a subscription, one finalized invoice each, and moves it to the next anchored period', async () => {
    const { subscriptionId } = await seedOrg(db.prisma, {
      orgId: 'acme',
      plan: {
        fixedAmount: '20',
        charges: [{ metricCode: 'graphql_operations', description: 'Operations', pricing: { model: 'standard', unitPrice: '0.01' } }],
      },
    });
    const usage = usageTable({ acme: { graphql_operations: '150' } });
    expect(await closeDuePeriods(db.prisma, { now: dec1, usage, log })).toEqual({ closed: 1, skipped: 0, failed: 0 });
    expect(usage.calls.map((c) => [c.from, c.to])).toEqual([
      ['2026-10-01T00:00:00.000Z', '2026-11-01T00:00:00.000Z'],
      ['2026-11-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z'],
    ]);
    const invoices = await invoicesOf(db.prisma, 'acme');
    expect(
      invoices.map((i) => [i.reason, i.periodStart.toISOString(), i.number, i.status, i.totalMinor, i.lines.map((l) => l.amountMinor)]),
    ).toEqual([
      ['period_close', OCT.start.toISOString(), 'ACME-000001', 'FINALIZED', 2150n, [2000n, 150n]],
      ['period_close', NOV.start.toISOString(), 'ACME-000002', 'FINALIZED', 2150n, [2000n, 150n]],
    ]);
    const sub = await subscription(subscriptionId!);
    expect([sub.status, sub.currentPeriodStart.toISOString(), sub.currentPeriodEnd.toISOString()]).toEqual([
      'ACTIVE',
      '2026-12-01T00:00:00.000Z',
      '2027-01-01T00:00:00.000Z',
    ]);
    // nothing is due any more
    expect(await closeDuePeriods(db.prisma, { now: dec1, usage, log })).toEqual({ closed: 0, skipped: 0, failed: 0 });
    expect(await db.prisma.invoice.count({ where: { orgId: 'acme' } })).toBe(2);
  });

  it('bills no trial period and activates the subscription when its trial ends; cancels at period end after the last invoice', async () => {
    const trial = await seedOrg(db.prisma, {
      orgId: 'trial',
      plan: { fixedAmount: '20' },
      subscription: { status: 'TRIALING', trialEndsAt: OCT.end },
    });
    const leaving = await seedOrg(db.prisma, { orgId: 'leaving', plan: { fixedAmount: '20' }, subscription: { cancelAtPeriodEnd: true } });
    const result = await closeDuePeriods(db.prisma, { now: nov1, usage: usageTable({}), log });
    expect(result).toEqual({ closed: 2, skipped: 0, failed: 0 });
    expect(await db.prisma.invoice.count({ where: { orgId: 'trial' } })).toBe(0);
    const t = await subscription(trial.subscriptionId!);
    expect([t.status, t.currentPeriodStart.toISOString()]).toEqual(['ACTIVE', NOV.start.toISOString()]);
    expect((await invoicesOf(db.prisma, 'leaving')).map((i) => [i.number, i.totalMinor])).toEqual([['LEAVING-000001', 2000n]]);
    const l = await subscription(leaving.subscriptionId!);
    expect([l.status, l.cancelledAt?.toISOString(), l.currentPeriodStart.toISOString()]).toEqual([
      'CANCELLED',
      OCT.end.toISOString(),
      OCT.start.toISOString(),
    ]);
  });

  it('rolls back and skips when the period’s invoice exists already (the unique index): never two invoices', async () => {
    const { subscriptionId } = await seedOrg(db.prisma, { orgId: 'twice', plan: { fixedAmount: '20' } });
    // another instance's invoice for the same subscription and period
    await db.prisma.$transaction((tx) =>
      createDraftInvoice(tx, { subscriptionId: subscriptionId!, period: OCT, reason: 'period_close', now: nov1, usage: usageTable({}) }),
    );
    const result = await closeDuePeriods(db.prisma, { now: nov1, usage: usageTable({}), log });
    expect(result).toEqual({ closed: 0, skipped: 1, failed: 0 });
    const invoices = await invoicesOf(db.prisma, 'twice');
    // the existing draft was finalized by the leftover sweep, and stays the only one
    expect(invoices.map((i) => [i.number, i.status])).toEqual([['TWICE-000001', 'FINALIZED']]);
    expect((await subscription(subscriptionId!)).currentPeriodStart.toISOString()).toBe(OCT.start.toISOString());
    await db.prisma.billingSubscription.update({ where: { id: subscriptionId! }, data: { status: 'CANCELLED' } });
  });

  it('logs and counts a subscription that cannot be billed, and goes on with the others', async () => {
    await seedOrg(db.prisma, { orgId: 'mismatch', currency: 'EUR', plan: { fixedAmount: '20', currency: 'USD' } });
    const errors: unknown[] = [];
    const spy = pino({ level: 'error' }, { write: (line: string) => void errors.push(JSON.parse(line)) });
    const { subscriptionId } = await seedOrg(db.prisma, { orgId: 'fine', plan: { fixedAmount: '1' } });
    expect(await closeDuePeriods(db.prisma, { now: nov1, usage: usageTable({}), log: spy })).toEqual({ closed: 1, skipped: 0, failed: 1 });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ err: { code: 'CURRENCY_MISMATCH' } });
    expect((await subscription(subscriptionId!)).currentPeriodStart.toISOString()).toBe(NOV.start.toISOString());
  });

  it('BillingScheduler.tick runs closeDuePeriods at the injected clock; start and stop', async () => {
    await db.prisma.billingSubscription.updateMany({ where: { org: { id: 'mismatch' } }, data: { status: 'CANCELLED' } });
    await seedOrg(db.prisma, { orgId: 'ticked', plan: { fixedAmount: '3' } });
    const scheduler = new BillingScheduler({ prisma: db.prisma, usage: usageTable({}), log, now: () => nov1, pattern: '0 0 1 1 *' });
    scheduler.start();
    scheduler.start();
    expect(await scheduler.tick()).toEqual({ closed: 1, skipped: 0, failed: 0 });
    await scheduler.stop();
    expect((await invoicesOf(db.prisma, 'ticked')).map((i) => i.number)).toEqual(['TICKED-000001']);
  });
});

/**
 * Two billing instances on one database: 20 organisations with a due period closed by both at
 * once, and 30 drafts of one organisation finalized by both at once.
 */
async function twoInstances(a: PrismaClient, b: PrismaClient): Promise<void> {
  const orgs = Array.from({ length: 20 }, (_, i) => `org${String(i).padStart(2, '0')}`);
  for (const orgId of orgs) await seedOrg(a, { orgId, plan: { fixedAmount: '10' } });
  const usage = usageTable({});
  const [ra, rb] = await Promise.all([closeDuePeriods(a, { now: nov1, usage, log }), closeDuePeriods(b, { now: nov1, usage, log })]);
  expect(ra.closed + rb.closed).toBe(20);
  expect(ra.failed + rb.failed).toBe(0);
  const invoices = await a.invoice.findMany({ where: { orgId: { in: orgs } }, orderBy: { orgId: 'asc' } });
  expect(invoices.map((i) => [i.orgId, i.periodStart.toISOString(), i.number, i.status])).toEqual(
    orgs.map((o) => [o, OCT.start.toISOString(), `${o.toUpperCase()}-000001`, 'FINALIZED']),
  );
  expect(await a.billingSubscription.count({ where: { orgId: { in: orgs }, currentPeriodStart: NOV.start } })).toBe(20);

  await seedOrg(a, { orgId: 'busy', plan: { fixedAmount: '1' } });
  const drafts: string[] = [];
  for (let i = 0; i < 30; i += 1)
    drafts.push(
      (await a.$transaction((tx) => createDraftInvoice(tx, { orgId: 'busy', period: OCT, reason: 'on_demand', now: nov1, usage }))).id,
    );
  const attempt = (prisma: PrismaClient, invoiceId: string) =>
    finalizeInvoice(prisma, { invoiceId, orgId: 'busy', now: nov1 }).then(
      (inv) => inv.sequence,
      (error: { code?: string }) => error.code ?? String(error),
    );
  // both instances try every draft at once: each one is finalized exactly once
  const outcomes = await Promise.all([...drafts.map((id) => attempt(a, id)), ...[...drafts].reverse().map((id) => attempt(b, id))]);
  const sequences = outcomes.filter((o): o is number => typeof o === 'number').sort((x, y) => x - y);
  expect(sequences).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
  expect(outcomes.filter((o) => o === 'INVOICE_STATE_INVALID')).toHaveLength(30);
  const busy = await b.invoice.findMany({ where: { orgId: 'busy' }, orderBy: { sequence: 'asc' } });
  expect(busy.map((i) => i.number)).toEqual(Array.from({ length: 30 }, (_, i) => `BUSY-${String(i + 1).padStart(6, '0')}`));
  expect(await b.billingOutboxRecord.count({ where: { key: 'busy', topic: 'dictamesh.billing.invoice.finalized' } })).toBe(30);
}

describe('two billing instances at once', () => {
  // PGlite is one session: its socket server runs one transaction at a time (the others queue),
  // so this checks the outcome of interleaved instances, not row-lock waits: the next test does.
  it('over one PGlite served on the Postgres wire: one invoice per subscription and period, numbers 1..N without gaps', async () => {
    const pglite = await openPGlite('memory://');
    const server = new PGLiteSocketServer({ db: pglite, host: '127.0.0.1', port: 0, maxConnections: 12 });
    await server.start();
    const url = `postgresql://postgres@${server.getServerConn()}/postgres?sslmode=disable`;
    const a = await openDatabase({ url, poolSize: 4 });
    const b = await openDatabase({ url, poolSize: 4 });
    try {
      await twoInstances(a.prisma, b.prisma);
    } finally {
      await a.close();
      await b.close();
      await server.stop();
      await pglite.close();
    }
  });

  // The shared PostgreSQL of the tests has no pgvector (the catalog migrations need it): billing's
  // tables alone are created there, from billing's migration without its catalog backfill.
  it('over PostgreSQL, where the transactions really overlap (row locks, the numbering row, the unique index)', async () => {
    const scratch = await createScratchDatabase(inject('postgresUrl'), 'dictamesh_billing_invoices_test');
    const sql = readFileSync(join(MIGRATIONS_DIR, '20261130000000_billing', 'migration.sql'), 'utf8');
    await scratch.client.query(sql.slice(0, sql.indexOf('-- Organisations were bare strings')));
    const pools: pg.Pool[] = [];
    const open = () => {
      const pool = new pg.Pool({ connectionString: scratch.url.href, max: 4 });
      pools.push(pool);
      return new PrismaClient({ adapter: new PrismaPg(pool) });
    };
    const [a, b] = [open(), open()];
    try {
      await twoInstances(a, b);
    } finally {
      await Promise.all([a.$disconnect(), b.$disconnect()]);
      await Promise.all(pools.map((p) => p.end()));
      await scratch.drop();
    }
  });
});

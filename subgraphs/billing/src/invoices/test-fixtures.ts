/**
 * Test data for the invoice tests (imported by `*.test.ts` only): organisations, plans,
 * subscriptions and a usage table, written with Prisma.
 */
import type { Prisma, PrismaClient } from '@dictamesh/db';
import type { UsageSource } from './generate';

/** Anchor of the test subscriptions: periods are whole months from 2026-10-01T00:00Z. */
export const ANCHOR = new Date('2026-10-01T00:00:00.000Z');
export const OCT: { start: Date; end: Date } = { start: ANCHOR, end: new Date('2026-11-01T00:00:00.000Z') };
export const NOV: { start: Date; end: Date } = { start: OCT.end, end: new Date('2026-12-01T00:00:00.000Z') };

/** A charge of a test plan (metric codes of the migration's catalogue). */
export interface TestCharge {
  metricCode: string;
  description: string;
  pricing: Prisma.InputJsonValue;
  includedUnits?: string;
}

/** What {@link seedOrg} creates. */
export interface SeedOptions {
  orgId: string;
  currency?: string;
  taxJurisdiction?: string | null;
  plan?: {
    code?: string;
    name?: string;
    currency?: string;
    fixedAmount: string;
    minimumCommitment?: string;
    paymentTermDays?: number;
    interval?: 'MONTHLY' | 'YEARLY';
    charges?: TestCharge[];
  };
  subscription?: {
    status?: 'TRIALING' | 'ACTIVE' | 'PAST_DUE' | 'CANCELLED';
    period?: { start: Date; end: Date };
    trialEndsAt?: Date | null;
    cancelAtPeriodEnd?: boolean;
  };
}

/** Creates an organisation, and with `plan` a plan and a subscription to it; returns their ids. */
export async function seedOrg(
  prisma: PrismaClient,
  options: SeedOptions,
): Promise<{ orgId: string; planId?: string; subscriptionId?: string }> {
  const cur = options.currency ?? 'USD';
  await prisma.organization.create({
    data: { id: options.orgId, name: options.orgId, currency: cur, taxJurisdiction: options.taxJurisdiction ?? null },
  });
  if (!options.plan) return { orgId: options.orgId };
  const p = options.plan;
  const plan = await prisma.billingPlan.create({
    data: {
      code: p.code ?? `plan-${options.orgId}`,
      name: p.name ?? 'Pro plan',
      currency: p.currency ?? cur,
      interval: p.interval ?? 'MONTHLY',
      fixedAmount: p.fixedAmount,
      minimumCommitment: p.minimumCommitment ?? null,
      paymentTermDays: p.paymentTermDays ?? 30,
      charges: {
        create: (p.charges ?? []).map((c, i) => ({
          metricCode: c.metricCode,
          description: c.description,
          pricing: c.pricing,
          includedUnits: c.includedUnits ?? null,
          position: i + 1,
        })),
      },
    },
  });
  const s = options.subscription ?? {};
  const period = s.period ?? OCT;
  const sub = await prisma.billingSubscription.create({
    data: {
      orgId: options.orgId,
      planId: plan.id,
      status: s.status ?? 'ACTIVE',
      anchorAt: ANCHOR,
      currentPeriodStart: period.start,
      currentPeriodEnd: period.end,
      trialEndsAt: s.trialEndsAt ?? null,
      cancelAtPeriodEnd: s.cancelAtPeriodEnd ?? false,
    },
  });
  return { orgId: options.orgId, planId: plan.id, subscriptionId: sub.id };
}

/** A usage source over a fixed table (org → metric → quantity), recording every call. */
export function usageTable(table: Record<string, Record<string, string>>): UsageSource & {
  calls: { orgId: string; metricCodes: string[]; from: string; to: string }[];
} {
  const calls: { orgId: string; metricCodes: string[]; from: string; to: string }[] = [];
  const fn = async (orgId: string, metricCodes: string[], from: Date, to: Date) => {
    calls.push({ orgId, metricCodes, from: from.toISOString(), to: to.toISOString() });
    const usage = table[orgId] ?? {};
    return Object.fromEntries(metricCodes.flatMap((m) => (usage[m] === undefined ? [] : [[m, usage[m]]])));
  };
  return Object.assign(fn, { calls });
}

/** The multi-metric plan of the tests (USD): 49.00 fixed, five charges, one per charge model. */
export const PRO_CHARGES: TestCharge[] = [
  {
    metricCode: 'graphql_operations',
    description: 'GraphQL operations',
    pricing: {
      model: 'graduated',
      tiers: [
        { upTo: '10000', unitPrice: '0', flatFee: '0' },
        { upTo: '100000', unitPrice: '0.001', flatFee: '0' },
        { upTo: null, unitPrice: '0.0005', flatFee: '0' },
      ],
    },
  },
  {
    metricCode: 'cost_units',
    description: 'Query cost units',
    pricing: { model: 'standard', unitPrice: '0.00125' },
    includedUnits: '1000',
  },
  {
    metricCode: 'active_adapters',
    description: 'Active adapters',
    pricing: {
      model: 'volume',
      tiers: [
        { upTo: '3', unitPrice: '10', flatFee: '0' },
        { upTo: '10', unitPrice: '8', flatFee: '0' },
        { upTo: null, unitPrice: '6', flatFee: '0' },
      ],
    },
  },
  { metricCode: 'storage_gb', description: 'Catalog storage', pricing: { model: 'package', packageSize: 10, packagePrice: '2.5' } },
  { metricCode: 'kafka_events', description: 'Event streaming', pricing: { model: 'flat_fee', amount: '5' } },
];

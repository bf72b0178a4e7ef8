/**
 * What the billing resolvers return for each GraphQL type (codegen mappers, codegen.yml): the
 * Prisma rows, with the relations a type's resolvers read, and the computed shapes.
 */
import type { Prisma } from '@dictamesh/db';

/** `Money`: integer minor units of an ISO 4217 currency. */
export interface MoneyValue {
  minor: bigint;
  currency: string;
}

/** `Organization`: its row (`dictamesh_organizations`). */
export type OrganizationRecord = Prisma.OrganizationGetPayload<object>;

/** `Plan` with its charges and their metrics. */
export type PlanRecord = Prisma.BillingPlanGetPayload<{ include: { charges: { include: { metric: true } } } }>;

/** `Charge` with its metric. */
export type ChargeRecord = PlanRecord['charges'][number];

/** `BillableMetric`. */
export type MetricRecord = Prisma.BillableMetricGetPayload<object>;

/** `Subscription` with its plan. */
export type SubscriptionRecord = Prisma.BillingSubscriptionGetPayload<{
  include: { plan: { include: { charges: { include: { metric: true } } } } };
}>;

/** `MetricUsage`: computed for the current period. */
export interface MetricUsageRecord {
  metric: MetricRecord;
  quantity: string;
  includedUnits: string | null;
  allowanceUsedPercent: number | null;
  amount: MoneyValue;
  projectedQuantity: string;
  projectedAmount: MoneyValue;
  periodStart: Date;
  periodEnd: Date;
}

/** `Invoice`: its row (lines and payments are loaded by their resolvers). */
export type InvoiceRecord = Prisma.InvoiceGetPayload<object>;

/** `InvoiceConnection`. */
export interface InvoiceConnectionRecord {
  nodes: InvoiceRecord[];
  hasNextPage: boolean;
  endCursor: string | null;
}

/** `InvoiceLine` with the invoice's currency. */
export type InvoiceLineRecord = Prisma.InvoiceLineGetPayload<object> & { currency: string };

/** `Payment`. */
export type PaymentRecord = Prisma.PaymentGetPayload<object>;

/** `CreditGrant`. */
export type CreditGrantRecord = Prisma.CreditGrantGetPayload<object>;

/** `ProrationLine`. */
export interface ProrationLineRecord {
  kind: 'proration_credit' | 'proration_charge';
  description: string;
  amount: MoneyValue;
}

/** `PlanChangePreview`. */
export interface PlanChangePreviewRecord {
  fromPlan: PlanRecord;
  toPlan: PlanRecord;
  at: Date;
  periodEnd: Date;
  lines: ProrationLineRecord[];
  net: MoneyValue;
}

/** `PlanChange`. */
export interface PlanChangeRecord {
  applied: boolean;
  preview: PlanChangePreviewRecord;
  subscription: SubscriptionRecord;
}

/** `TaxRate`. */
export type TaxRateRecord = Prisma.TaxRateGetPayload<object>;

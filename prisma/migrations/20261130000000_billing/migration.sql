-- Billing (subgraphs/billing): organisations become rows, with plans and charges, subscriptions,
-- billable metrics and usage records, invoices and lines, payments, refunds, credits, tax rates
-- and billing's outbox. Generated from prisma/schema/billing.prisma with `prisma migrate diff
-- --script`; the partial unique indexes, the metric catalogue and the organisation backfill at
-- the end are hand-written.

-- CreateEnum
CREATE TYPE "OrganizationStatus" AS ENUM ('ACTIVE', 'SUSPENDED', 'CLOSED');

-- CreateEnum
CREATE TYPE "BillingInterval" AS ENUM ('MONTHLY', 'YEARLY');

-- CreateEnum
CREATE TYPE "MetricAggregation" AS ENUM ('COUNT', 'SUM', 'MAX', 'UNIQUE_COUNT', 'LATEST');

-- CreateEnum
CREATE TYPE "SubscriptionStatus" AS ENUM ('TRIALING', 'ACTIVE', 'PAST_DUE', 'CANCELLED');

-- CreateEnum
CREATE TYPE "InvoiceStatus" AS ENUM ('DRAFT', 'FINALIZED', 'PAID', 'VOIDED', 'UNCOLLECTIBLE');

-- CreateEnum
CREATE TYPE "PaymentStatus" AS ENUM ('PENDING', 'SUCCEEDED', 'FAILED', 'REFUNDED', 'PARTIALLY_REFUNDED');

-- CreateTable
CREATE TABLE "dictamesh_organizations" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "status" "OrganizationStatus" NOT NULL DEFAULT 'ACTIVE',
    "billing_email" TEXT,
    "currency" CHAR(3) NOT NULL DEFAULT 'USD',
    "tax_jurisdiction" TEXT,
    "payment_provider" TEXT NOT NULL DEFAULT 'manual',
    "provider_customer_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "dictamesh_organizations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dictamesh_billing_plans" (
    "id" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "currency" CHAR(3) NOT NULL,
    "interval" "BillingInterval" NOT NULL,
    "fixed_amount" DECIMAL(24,5) NOT NULL,
    "minimum_commitment" DECIMAL(24,5),
    "trial_days" INTEGER NOT NULL DEFAULT 0,
    "payment_term_days" INTEGER NOT NULL DEFAULT 30,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dictamesh_billing_plans_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dictamesh_billing_charges" (
    "id" TEXT NOT NULL,
    "plan_id" TEXT NOT NULL,
    "metric_code" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "pricing" JSONB NOT NULL,
    "included_units" DECIMAL(30,10),
    "position" INTEGER NOT NULL,

    CONSTRAINT "dictamesh_billing_charges_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dictamesh_billable_metrics" (
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "aggregation" "MetricAggregation" NOT NULL,
    "unit" TEXT NOT NULL,

    CONSTRAINT "dictamesh_billable_metrics_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "dictamesh_billing_subscriptions" (
    "id" TEXT NOT NULL,
    "org_id" TEXT NOT NULL,
    "plan_id" TEXT NOT NULL,
    "period_plan_id" TEXT,
    "status" "SubscriptionStatus" NOT NULL,
    "anchor_at" TIMESTAMPTZ(3) NOT NULL,
    "current_period_start" TIMESTAMPTZ(3) NOT NULL,
    "current_period_end" TIMESTAMPTZ(3) NOT NULL,
    "trial_ends_at" TIMESTAMPTZ(3),
    "cancel_at_period_end" BOOLEAN NOT NULL DEFAULT false,
    "cancelled_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "dictamesh_billing_subscriptions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dictamesh_billing_pending_items" (
    "id" TEXT NOT NULL,
    "org_id" TEXT NOT NULL,
    "subscription_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "amount_minor" BIGINT NOT NULL,
    "invoice_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dictamesh_billing_pending_items_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dictamesh_billing_usage_records" (
    "source" TEXT NOT NULL,
    "event_id" TEXT NOT NULL,
    "metric_code" TEXT NOT NULL,
    "org_id" TEXT NOT NULL,
    "value" DECIMAL(30,10) NOT NULL,
    "unique_key" TEXT,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dictamesh_billing_usage_records_pkey" PRIMARY KEY ("source","event_id","metric_code")
);

-- CreateTable
CREATE TABLE "dictamesh_billing_parked_usage" (
    "source" TEXT NOT NULL,
    "event_id" TEXT NOT NULL,
    "org_id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "event" JSONB NOT NULL,
    "reason" TEXT NOT NULL,
    "parked_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "released_at" TIMESTAMPTZ(3),

    CONSTRAINT "dictamesh_billing_parked_usage_pkey" PRIMARY KEY ("source","event_id")
);

-- CreateTable
CREATE TABLE "dictamesh_billing_usage_alerts" (
    "subscription_id" TEXT NOT NULL,
    "period_start" TIMESTAMPTZ(3) NOT NULL,
    "metric_code" TEXT NOT NULL,
    "threshold" INTEGER NOT NULL,
    "reached_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dictamesh_billing_usage_alerts_pkey" PRIMARY KEY ("subscription_id","period_start","metric_code","threshold")
);

-- CreateTable
CREATE TABLE "dictamesh_billing_invoices" (
    "id" TEXT NOT NULL,
    "org_id" TEXT NOT NULL,
    "subscription_id" TEXT,
    "sequence" INTEGER,
    "number" TEXT,
    "status" "InvoiceStatus" NOT NULL DEFAULT 'DRAFT',
    "reason" TEXT NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "period_start" TIMESTAMPTZ(3) NOT NULL,
    "period_end" TIMESTAMPTZ(3) NOT NULL,
    "tax_jurisdiction" TEXT,
    "subtotal_minor" BIGINT NOT NULL,
    "credits_applied_minor" BIGINT NOT NULL,
    "tax_minor" BIGINT NOT NULL,
    "total_minor" BIGINT NOT NULL,
    "amount_paid_minor" BIGINT NOT NULL DEFAULT 0,
    "finalized_at" TIMESTAMPTZ(3),
    "due_at" TIMESTAMPTZ(3),
    "paid_at" TIMESTAMPTZ(3),
    "voided_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "dictamesh_billing_invoices_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dictamesh_billing_invoice_lines" (
    "id" TEXT NOT NULL,
    "invoice_id" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "metric_code" TEXT,
    "quantity" DECIMAL(30,10) NOT NULL,
    "unit_price" TEXT NOT NULL,
    "amount_minor" BIGINT NOT NULL,
    "credit_applied_minor" BIGINT NOT NULL DEFAULT 0,
    "tax_rate_percent" DECIMAL(9,5) NOT NULL DEFAULT 0,
    "tax_minor" BIGINT NOT NULL DEFAULT 0,
    "details" JSONB,

    CONSTRAINT "dictamesh_billing_invoice_lines_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dictamesh_billing_invoice_sequences" (
    "org_id" TEXT NOT NULL,
    "last_sequence" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "dictamesh_billing_invoice_sequences_pkey" PRIMARY KEY ("org_id")
);

-- CreateTable
CREATE TABLE "dictamesh_billing_payments" (
    "id" TEXT NOT NULL,
    "invoice_id" TEXT NOT NULL,
    "org_id" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "provider_ref" TEXT,
    "currency" CHAR(3) NOT NULL,
    "amount_minor" BIGINT NOT NULL,
    "refunded_minor" BIGINT NOT NULL DEFAULT 0,
    "status" "PaymentStatus" NOT NULL,
    "failure_message" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "dictamesh_billing_payments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dictamesh_billing_refunds" (
    "id" TEXT NOT NULL,
    "payment_id" TEXT NOT NULL,
    "amount_minor" BIGINT NOT NULL,
    "provider_ref" TEXT,
    "status" TEXT NOT NULL,
    "reason" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dictamesh_billing_refunds_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dictamesh_billing_webhook_receipts" (
    "provider" TEXT NOT NULL,
    "event_id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dictamesh_billing_webhook_receipts_pkey" PRIMARY KEY ("provider","event_id")
);

-- CreateTable
CREATE TABLE "dictamesh_billing_credits" (
    "id" TEXT NOT NULL,
    "org_id" TEXT NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "amount_minor" BIGINT NOT NULL,
    "remaining_minor" BIGINT NOT NULL,
    "source" TEXT NOT NULL,
    "reason" TEXT,
    "invoice_id" TEXT,
    "expires_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dictamesh_billing_credits_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dictamesh_billing_credit_applications" (
    "id" TEXT NOT NULL,
    "credit_id" TEXT NOT NULL,
    "invoice_id" TEXT NOT NULL,
    "amount_minor" BIGINT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dictamesh_billing_credit_applications_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dictamesh_billing_tax_rates" (
    "jurisdiction" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "rate_percent" DECIMAL(9,5) NOT NULL,

    CONSTRAINT "dictamesh_billing_tax_rates_pkey" PRIMARY KEY ("jurisdiction")
);

-- CreateTable
CREATE TABLE "dictamesh_billing_outbox" (
    "id" BIGSERIAL NOT NULL,
    "topic" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "event" JSON NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dictamesh_billing_outbox_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "dictamesh_billing_plans_code_key" ON "dictamesh_billing_plans"("code");

-- CreateIndex
CREATE UNIQUE INDEX "dictamesh_billing_charges_plan_id_position_key" ON "dictamesh_billing_charges"("plan_id", "position");

-- CreateIndex
CREATE INDEX "dictamesh_billing_subscriptions_org_id_status_idx" ON "dictamesh_billing_subscriptions"("org_id", "status");

-- CreateIndex
CREATE INDEX "dictamesh_billing_subscriptions_status_current_period_end_idx" ON "dictamesh_billing_subscriptions"("status", "current_period_end");

-- CreateIndex
CREATE INDEX "dictamesh_billing_pending_items_subscription_id_invoice_id_idx" ON "dictamesh_billing_pending_items"("subscription_id", "invoice_id");

-- CreateIndex
CREATE INDEX "dictamesh_billing_usage_records_org_id_metric_code_occurred_idx" ON "dictamesh_billing_usage_records"("org_id", "metric_code", "occurred_at");

-- CreateIndex
CREATE INDEX "dictamesh_billing_parked_usage_org_id_released_at_idx" ON "dictamesh_billing_parked_usage"("org_id", "released_at");

-- CreateIndex
CREATE INDEX "dictamesh_billing_invoices_org_id_created_at_idx" ON "dictamesh_billing_invoices"("org_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "dictamesh_billing_invoices_org_id_sequence_key" ON "dictamesh_billing_invoices"("org_id", "sequence");

-- CreateIndex
CREATE UNIQUE INDEX "dictamesh_billing_invoice_lines_invoice_id_position_key" ON "dictamesh_billing_invoice_lines"("invoice_id", "position");

-- CreateIndex
CREATE INDEX "dictamesh_billing_payments_org_id_created_at_idx" ON "dictamesh_billing_payments"("org_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "dictamesh_billing_payments_provider_provider_ref_key" ON "dictamesh_billing_payments"("provider", "provider_ref");

-- CreateIndex
CREATE INDEX "dictamesh_billing_credits_org_id_created_at_idx" ON "dictamesh_billing_credits"("org_id", "created_at");

-- CreateIndex
CREATE INDEX "dictamesh_billing_credit_applications_invoice_id_idx" ON "dictamesh_billing_credit_applications"("invoice_id");

-- AddForeignKey
ALTER TABLE "dictamesh_billing_charges" ADD CONSTRAINT "dictamesh_billing_charges_plan_id_fkey" FOREIGN KEY ("plan_id") REFERENCES "dictamesh_billing_plans"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dictamesh_billing_charges" ADD CONSTRAINT "dictamesh_billing_charges_metric_code_fkey" FOREIGN KEY ("metric_code") REFERENCES "dictamesh_billable_metrics"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dictamesh_billing_subscriptions" ADD CONSTRAINT "dictamesh_billing_subscriptions_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "dictamesh_organizations"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dictamesh_billing_subscriptions" ADD CONSTRAINT "dictamesh_billing_subscriptions_plan_id_fkey" FOREIGN KEY ("plan_id") REFERENCES "dictamesh_billing_plans"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dictamesh_billing_invoice_lines" ADD CONSTRAINT "dictamesh_billing_invoice_lines_invoice_id_fkey" FOREIGN KEY ("invoice_id") REFERENCES "dictamesh_billing_invoices"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dictamesh_billing_payments" ADD CONSTRAINT "dictamesh_billing_payments_invoice_id_fkey" FOREIGN KEY ("invoice_id") REFERENCES "dictamesh_billing_invoices"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dictamesh_billing_refunds" ADD CONSTRAINT "dictamesh_billing_refunds_payment_id_fkey" FOREIGN KEY ("payment_id") REFERENCES "dictamesh_billing_payments"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- At most one subscription per organisation that is not cancelled.
CREATE UNIQUE INDEX "dictamesh_billing_subscriptions_live_org_key" ON "dictamesh_billing_subscriptions"("org_id") WHERE "status" <> 'CANCELLED';

-- At most one period-close invoice per subscription and period, whichever billing instance closes it.
CREATE UNIQUE INDEX "dictamesh_billing_invoices_period_close_key" ON "dictamesh_billing_invoices"("subscription_id", "period_start") WHERE "reason" = 'period_close';

-- The billable metrics DictaMesh meters (subgraphs/billing/src/metering/metrics.ts names the same codes).
INSERT INTO "dictamesh_billable_metrics" ("code", "name", "description", "aggregation", "unit") VALUES
  ('graphql_operations', 'GraphQL operations', 'Operations the gateway answered (dictamesh.usage.operation), refused ones included.', 'COUNT', 'operations'),
  ('cost_units', 'Query cost units', 'Estimated cost of the operations (demand control, cost spec units).', 'SUM', 'cost units'),
  ('kafka_events', 'Entity change events', 'Entity change CloudEvents published by the organisation''s adapters.', 'COUNT', 'events'),
  ('active_adapters', 'Active adapters', 'Adapters running at the same time, the most in the period.', 'MAX', 'adapters'),
  ('storage_gb', 'Catalog storage', 'Catalog storage of the organisation, the latest measurement in the period.', 'LATEST', 'GB');

-- Organisations were bare strings on entities, adapters and API keys: each one becomes a row
-- (named after its id, USD, active) that its owner can rename and complete.
INSERT INTO "dictamesh_organizations" ("id", "name", "updated_at")
SELECT o."org_id", o."org_id", CURRENT_TIMESTAMP FROM (
  SELECT 'default' AS "org_id"
  UNION SELECT "org_id" FROM "dictamesh_entity_catalog"
  UNION SELECT "org_id" FROM "dictamesh_adapters"
  UNION SELECT "org_id" FROM "dictamesh_api_keys"
) o
ON CONFLICT ("id") DO NOTHING;

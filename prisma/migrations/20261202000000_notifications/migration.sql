-- Notifications subgraph (issue 15): notification types, versioned templates, subscribers and
-- their addresses, preferences, digests, rules, outgoing endpoints with sealed secrets,
-- notifications, deliveries and attempts, sendNotification idempotency keys. pg-boss keeps the
-- delivery queue in its own schema (dictamesh_notification_jobs), which it creates itself.
-- CreateEnum
CREATE TYPE "NotificationChannel" AS ENUM ('EMAIL', 'SMS', 'PUSH', 'SLACK', 'WEBHOOK', 'IN_APP', 'PAGERDUTY');

-- CreateEnum
CREATE TYPE "NotificationPriority" AS ENUM ('LOW', 'NORMAL', 'HIGH', 'CRITICAL');

-- CreateEnum
CREATE TYPE "NotificationStatus" AS ENUM ('QUEUED', 'SENDING', 'DELIVERED', 'FAILED', 'BOUNCED', 'SUPPRESSED');

-- CreateEnum
CREATE TYPE "NotificationAttemptOutcome" AS ENUM ('DELIVERED', 'RETRY', 'THROTTLED', 'FAILED', 'BOUNCED', 'GONE');

-- CreateEnum
CREATE TYPE "NotificationEndpointStatus" AS ENUM ('ENABLED', 'DISABLED');

-- CreateEnum
CREATE TYPE "NotificationDigestStatus" AS ENUM ('OPEN', 'SENT');

-- CreateTable
CREATE TABLE "dictamesh_notification_types" (
    "id" UUID NOT NULL,
    "org_id" TEXT,
    "key" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "priority" "NotificationPriority" NOT NULL DEFAULT 'NORMAL',
    "critical" BOOLEAN NOT NULL DEFAULT false,
    "default_channels" "NotificationChannel"[],
    "fallback_channel" "NotificationChannel",
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "dictamesh_notification_types_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dictamesh_notification_templates" (
    "id" UUID NOT NULL,
    "org_id" TEXT,
    "type_key" TEXT NOT NULL,
    "channel" "NotificationChannel" NOT NULL,
    "locale" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "subject" TEXT,
    "body" TEXT NOT NULL,
    "html" TEXT,
    "variables" JSONB NOT NULL,
    "created_by" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dictamesh_notification_templates_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dictamesh_notification_subscribers" (
    "id" UUID NOT NULL,
    "org_id" TEXT NOT NULL,
    "external_id" TEXT NOT NULL,
    "name" TEXT,
    "locale" TEXT NOT NULL DEFAULT 'en',
    "timezone" TEXT NOT NULL DEFAULT 'UTC',
    "quiet_hours_start" TEXT,
    "quiet_hours_end" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "dictamesh_notification_subscribers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dictamesh_notification_subscriber_addresses" (
    "id" UUID NOT NULL,
    "subscriber_id" UUID NOT NULL,
    "channel" "NotificationChannel" NOT NULL,
    "address" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dictamesh_notification_subscriber_addresses_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dictamesh_notification_preferences" (
    "id" UUID NOT NULL,
    "subscriber_id" UUID NOT NULL,
    "type_key" TEXT,
    "channel" "NotificationChannel",
    "enabled" BOOLEAN NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "dictamesh_notification_preferences_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dictamesh_notification_digest_settings" (
    "id" UUID NOT NULL,
    "subscriber_id" UUID NOT NULL,
    "type_key" TEXT NOT NULL,
    "window_seconds" INTEGER NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "dictamesh_notification_digest_settings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dictamesh_notification_digests" (
    "id" UUID NOT NULL,
    "org_id" TEXT NOT NULL,
    "subscriber_id" UUID NOT NULL,
    "type_key" TEXT NOT NULL,
    "channel" "NotificationChannel" NOT NULL,
    "window_start" TIMESTAMPTZ(3) NOT NULL,
    "window_end" TIMESTAMPTZ(3) NOT NULL,
    "status" "NotificationDigestStatus" NOT NULL DEFAULT 'OPEN',
    "count" INTEGER NOT NULL DEFAULT 0,
    "notification_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dictamesh_notification_digests_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dictamesh_notification_rules" (
    "id" UUID NOT NULL,
    "org_id" TEXT NOT NULL,
    "subscriber_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "filter" JSONB NOT NULL,
    "type_key" TEXT NOT NULL DEFAULT 'entity.changed',
    "channels" "NotificationChannel"[],
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "dictamesh_notification_rules_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dictamesh_notification_endpoints" (
    "id" UUID NOT NULL,
    "org_id" TEXT NOT NULL,
    "channel" "NotificationChannel" NOT NULL,
    "name" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "type_keys" TEXT[],
    "status" "NotificationEndpointStatus" NOT NULL DEFAULT 'ENABLED',
    "disabled_reason" TEXT,
    "throttled_until" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "dictamesh_notification_endpoints_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dictamesh_notification_endpoint_secrets" (
    "id" UUID NOT NULL,
    "endpoint_id" UUID NOT NULL,
    "ciphertext" BYTEA NOT NULL,
    "wrapped_key" BYTEA NOT NULL,
    "key_id" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dictamesh_notification_endpoint_secrets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dictamesh_notifications" (
    "id" UUID NOT NULL,
    "org_id" TEXT NOT NULL,
    "subscriber_id" UUID,
    "type_key" TEXT NOT NULL,
    "priority" "NotificationPriority" NOT NULL DEFAULT 'NORMAL',
    "status" "NotificationStatus" NOT NULL DEFAULT 'QUEUED',
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "source_event_id" TEXT,
    "source_type" TEXT,
    "rule_id" UUID,
    "digest_id" UUID,
    "entity_urn" TEXT,
    "read_at" TIMESTAMPTZ(3),
    "archived_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "dictamesh_notifications_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dictamesh_notification_deliveries" (
    "id" UUID NOT NULL,
    "notification_id" UUID NOT NULL,
    "org_id" TEXT NOT NULL,
    "channel" "NotificationChannel" NOT NULL,
    "destination" TEXT,
    "endpoint_id" UUID,
    "status" "NotificationStatus" NOT NULL DEFAULT 'QUEUED',
    "subject" TEXT,
    "content" TEXT NOT NULL DEFAULT '',
    "html" TEXT,
    "template_version" INTEGER,
    "locale" TEXT,
    "attempt_count" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3),
    "provider_message_id" TEXT,
    "last_error" TEXT,
    "fallback_of_id" UUID,
    "delivered_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "dictamesh_notification_deliveries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dictamesh_notification_delivery_attempts" (
    "id" UUID NOT NULL,
    "delivery_id" UUID NOT NULL,
    "attempt" INTEGER NOT NULL,
    "outcome" "NotificationAttemptOutcome",
    "status_code" INTEGER,
    "provider_message_id" TEXT,
    "response" TEXT,
    "error" TEXT,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),
    "duration_ms" INTEGER,

    CONSTRAINT "dictamesh_notification_delivery_attempts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dictamesh_notification_idempotency_keys" (
    "org_id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "notification_ids" TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "dictamesh_notification_idempotency_keys_pkey" PRIMARY KEY ("org_id","key")
);

-- CreateIndex
CREATE INDEX "dictamesh_notification_types_org_id_key_idx" ON "dictamesh_notification_types"("org_id", "key");

-- CreateIndex
CREATE INDEX "dictamesh_notification_templates_org_id_type_key_channel_lo_idx" ON "dictamesh_notification_templates"("org_id", "type_key", "channel", "locale", "version" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "dictamesh_notification_subscribers_org_id_external_id_key" ON "dictamesh_notification_subscribers"("org_id", "external_id");

-- CreateIndex
CREATE UNIQUE INDEX "dictamesh_notification_subscriber_addresses_subscriber_id_c_key" ON "dictamesh_notification_subscriber_addresses"("subscriber_id", "channel", "address");

-- CreateIndex
CREATE INDEX "dictamesh_notification_preferences_subscriber_id_idx" ON "dictamesh_notification_preferences"("subscriber_id");

-- CreateIndex
CREATE UNIQUE INDEX "dictamesh_notification_digest_settings_subscriber_id_type_k_key" ON "dictamesh_notification_digest_settings"("subscriber_id", "type_key");

-- CreateIndex
CREATE INDEX "dictamesh_notification_digests_status_window_end_idx" ON "dictamesh_notification_digests"("status", "window_end");

-- CreateIndex
CREATE UNIQUE INDEX "dictamesh_notification_digests_subscriber_id_type_key_chann_key" ON "dictamesh_notification_digests"("subscriber_id", "type_key", "channel", "window_start");

-- CreateIndex
CREATE INDEX "dictamesh_notification_rules_org_id_enabled_idx" ON "dictamesh_notification_rules"("org_id", "enabled");

-- CreateIndex
CREATE INDEX "dictamesh_notification_endpoints_org_id_channel_idx" ON "dictamesh_notification_endpoints"("org_id", "channel");

-- CreateIndex
CREATE INDEX "dictamesh_notification_endpoint_secrets_endpoint_id_idx" ON "dictamesh_notification_endpoint_secrets"("endpoint_id");

-- CreateIndex
CREATE INDEX "dictamesh_notifications_org_id_subscriber_id_created_at_id_idx" ON "dictamesh_notifications"("org_id", "subscriber_id", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "dictamesh_notifications_subscriber_id_read_at_idx" ON "dictamesh_notifications"("subscriber_id", "read_at");

-- CreateIndex
CREATE INDEX "dictamesh_notifications_digest_id_idx" ON "dictamesh_notifications"("digest_id");

-- CreateIndex
CREATE INDEX "dictamesh_notification_deliveries_notification_id_idx" ON "dictamesh_notification_deliveries"("notification_id");

-- CreateIndex
CREATE INDEX "dictamesh_notification_deliveries_org_id_status_created_at_idx" ON "dictamesh_notification_deliveries"("org_id", "status", "created_at" DESC);

-- CreateIndex
CREATE INDEX "dictamesh_notification_deliveries_endpoint_id_idx" ON "dictamesh_notification_deliveries"("endpoint_id");

-- CreateIndex
CREATE UNIQUE INDEX "dictamesh_notification_delivery_attempts_delivery_id_attemp_key" ON "dictamesh_notification_delivery_attempts"("delivery_id", "attempt");

-- CreateIndex
CREATE INDEX "dictamesh_notification_idempotency_keys_expires_at_idx" ON "dictamesh_notification_idempotency_keys"("expires_at");

-- AddForeignKey
ALTER TABLE "dictamesh_notification_subscriber_addresses" ADD CONSTRAINT "dictamesh_notification_subscriber_addresses_subscriber_id_fkey" FOREIGN KEY ("subscriber_id") REFERENCES "dictamesh_notification_subscribers"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dictamesh_notification_preferences" ADD CONSTRAINT "dictamesh_notification_preferences_subscriber_id_fkey" FOREIGN KEY ("subscriber_id") REFERENCES "dictamesh_notification_subscribers"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dictamesh_notification_digest_settings" ADD CONSTRAINT "dictamesh_notification_digest_settings_subscriber_id_fkey" FOREIGN KEY ("subscriber_id") REFERENCES "dictamesh_notification_subscribers"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dictamesh_notification_rules" ADD CONSTRAINT "dictamesh_notification_rules_subscriber_id_fkey" FOREIGN KEY ("subscriber_id") REFERENCES "dictamesh_notification_subscribers"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dictamesh_notification_endpoint_secrets" ADD CONSTRAINT "dictamesh_notification_endpoint_secrets_endpoint_id_fkey" FOREIGN KEY ("endpoint_id") REFERENCES "dictamesh_notification_endpoints"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dictamesh_notifications" ADD CONSTRAINT "dictamesh_notifications_subscriber_id_fkey" FOREIGN KEY ("subscriber_id") REFERENCES "dictamesh_notification_subscribers"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dictamesh_notification_deliveries" ADD CONSTRAINT "dictamesh_notification_deliveries_notification_id_fkey" FOREIGN KEY ("notification_id") REFERENCES "dictamesh_notifications"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dictamesh_notification_delivery_attempts" ADD CONSTRAINT "dictamesh_notification_delivery_attempts_delivery_id_fkey" FOREIGN KEY ("delivery_id") REFERENCES "dictamesh_notification_deliveries"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Uniqueness Prisma cannot express: NULL organisation = platform row
CREATE UNIQUE INDEX "dictamesh_notification_types_scope_key" ON "dictamesh_notification_types"(COALESCE("org_id", ''), "key");
CREATE UNIQUE INDEX "dictamesh_notification_templates_version_key" ON "dictamesh_notification_templates"(COALESCE("org_id", ''), "type_key", "channel", "locale", "version");
CREATE UNIQUE INDEX "dictamesh_notification_preferences_scope_key" ON "dictamesh_notification_preferences"("subscriber_id", "type_key", "channel") NULLS NOT DISTINCT;
-- a redelivered event notifies each subscriber once
CREATE UNIQUE INDEX "dictamesh_notifications_source_event_key" ON "dictamesh_notifications"("org_id", COALESCE("subscriber_id"::text, ''), "type_key", "source_event_id") WHERE "source_event_id" IS NOT NULL;

-- Config subgraph (issue 14): configuration entries by scope, their versions (the change log
-- watchers resume from), compaction state, audit log, watchers, and the envelope-encryption key
-- ring (@dictamesh/secrets), which adapter secrets move onto too.
-- CreateEnum
CREATE TYPE "ConfigValueKind" AS ENUM ('VALUE', 'SECRET', 'FLAG');

-- CreateEnum
CREATE TYPE "ConfigOperation" AS ENUM ('SET', 'DELETE', 'ROLLBACK', 'SCHEMA');

-- CreateEnum
CREATE TYPE "EncryptionKeyStatus" AS ENUM ('ACTIVE', 'DECRYPT_ONLY', 'RETIRED');

-- AlterTable
ALTER TABLE "dictamesh_adapters" ADD COLUMN     "secrets_key_id" TEXT,
ADD COLUMN     "secrets_wrapped_key" BYTEA;

-- CreateTable
CREATE TABLE "dictamesh_configurations" (
    "id" UUID NOT NULL,
    "org_id" TEXT,
    "environment" TEXT NOT NULL DEFAULT '',
    "service" TEXT NOT NULL DEFAULT '',
    "component" TEXT NOT NULL DEFAULT '',
    "key" TEXT NOT NULL,
    "kind" "ConfigValueKind" NOT NULL DEFAULT 'VALUE',
    "value" JSONB,
    "has_value" BOOLEAN NOT NULL DEFAULT true,
    "ciphertext" BYTEA,
    "wrapped_key" BYTEA,
    "key_id" TEXT,
    "json_schema" JSONB,
    "version" INTEGER NOT NULL,
    "revision" BIGINT NOT NULL,
    "description" TEXT,
    "updated_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "dictamesh_configurations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dictamesh_config_versions" (
    "id" UUID NOT NULL,
    "entry_id" UUID NOT NULL,
    "org_id" TEXT,
    "environment" TEXT NOT NULL,
    "service" TEXT NOT NULL,
    "component" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "revision" BIGSERIAL NOT NULL,
    "operation" "ConfigOperation" NOT NULL,
    "kind" "ConfigValueKind" NOT NULL,
    "value" JSONB,
    "has_value" BOOLEAN NOT NULL,
    "ciphertext" BYTEA,
    "wrapped_key" BYTEA,
    "key_id" TEXT,
    "json_schema" JSONB,
    "rollback_of" INTEGER,
    "author" TEXT NOT NULL,
    "reason" TEXT,
    "request_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "published_at" TIMESTAMPTZ(3),

    CONSTRAINT "dictamesh_config_versions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dictamesh_config_log_state" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "compacted_revision" BIGINT NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "dictamesh_config_log_state_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dictamesh_config_audit_logs" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "org_id" TEXT,
    "actor" TEXT NOT NULL,
    "actor_method" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "scope" TEXT,
    "key" TEXT,
    "version" INTEGER,
    "request_id" TEXT,
    "ip" TEXT,
    "user_agent" TEXT,
    "detail" JSONB,

    CONSTRAINT "dictamesh_config_audit_logs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dictamesh_config_watchers" (
    "id" UUID NOT NULL,
    "org_id" TEXT,
    "name" TEXT NOT NULL,
    "instance" TEXT,
    "platform" BOOLEAN NOT NULL DEFAULT false,
    "environment" TEXT NOT NULL DEFAULT '',
    "service" TEXT NOT NULL DEFAULT '',
    "component" TEXT NOT NULL DEFAULT '',
    "prefix" TEXT NOT NULL DEFAULT '',
    "last_revision" BIGINT NOT NULL DEFAULT 0,
    "ttl_seconds" INTEGER NOT NULL DEFAULT 60,
    "registered_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_heartbeat_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dictamesh_config_watchers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dictamesh_encryption_keys" (
    "id" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "provider" TEXT NOT NULL DEFAULT 'local',
    "master_key_id" TEXT NOT NULL,
    "wrapped_key" BYTEA NOT NULL,
    "status" "EncryptionKeyStatus" NOT NULL DEFAULT 'ACTIVE',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "rotated_at" TIMESTAMPTZ(3),
    "retired_at" TIMESTAMPTZ(3),

    CONSTRAINT "dictamesh_encryption_keys_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "dictamesh_configurations_org_id_key_idx" ON "dictamesh_configurations"("org_id", "key");

-- CreateIndex
CREATE INDEX "dictamesh_configurations_key_idx" ON "dictamesh_configurations"("key");

-- CreateIndex
CREATE UNIQUE INDEX "dictamesh_config_versions_revision_key" ON "dictamesh_config_versions"("revision");

-- CreateIndex
CREATE INDEX "dictamesh_config_versions_org_id_revision_idx" ON "dictamesh_config_versions"("org_id", "revision");

-- CreateIndex
CREATE UNIQUE INDEX "dictamesh_config_versions_entry_id_version_key" ON "dictamesh_config_versions"("entry_id", "version");

-- CreateIndex
CREATE INDEX "dictamesh_config_audit_logs_org_id_id_idx" ON "dictamesh_config_audit_logs"("org_id", "id");

-- CreateIndex
CREATE INDEX "dictamesh_config_audit_logs_at_idx" ON "dictamesh_config_audit_logs"("at");

-- CreateIndex
CREATE INDEX "dictamesh_config_watchers_org_id_last_heartbeat_at_idx" ON "dictamesh_config_watchers"("org_id", "last_heartbeat_at");

-- CreateIndex
CREATE UNIQUE INDEX "dictamesh_encryption_keys_version_key" ON "dictamesh_encryption_keys"("version");

-- AddForeignKey
ALTER TABLE "dictamesh_config_versions" ADD CONSTRAINT "dictamesh_config_versions_entry_id_fkey" FOREIGN KEY ("entry_id") REFERENCES "dictamesh_configurations"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- One entry per scope and key; the platform scope has a NULL organisation (NULLs are distinct in
-- a plain unique index, so the organisation is compared through COALESCE: '' is no organisation id).
CREATE UNIQUE INDEX "dictamesh_configurations_scope_key_key" ON "dictamesh_configurations"(COALESCE("org_id", ''), "environment", "service", "component", "key");

-- The relay's outbox: versions whose change event is still to publish.
CREATE INDEX "dictamesh_config_versions_unpublished_idx" ON "dictamesh_config_versions"("revision") WHERE "published_at" IS NULL;

INSERT INTO "dictamesh_config_log_state" ("id", "compacted_revision", "updated_at") VALUES (1, 0, CURRENT_TIMESTAMP);

-- CreateEnum
CREATE TYPE "AdapterStatus" AS ENUM ('STARTING', 'RUNNING', 'PAUSED', 'FAILED', 'STOPPED');

-- CreateTable
CREATE TABLE "dictamesh_adapters" (
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "config" JSONB NOT NULL,
    "secrets" BYTEA,
    "status" "AdapterStatus" NOT NULL DEFAULT 'STARTING',
    "paused" BOOLEAN NOT NULL DEFAULT false,
    "healthy" BOOLEAN,
    "health_message" TEXT,
    "checked_at" TIMESTAMPTZ(3),
    "last_sync" JSONB,
    "last_sync_at" TIMESTAMPTZ(3),
    "error_count" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "dictamesh_adapters_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dictamesh_adapter_checkpoints" (
    "adapter_id" TEXT NOT NULL,
    "checkpoint" JSONB NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "dictamesh_adapter_checkpoints_pkey" PRIMARY KEY ("adapter_id")
);

-- AddForeignKey
ALTER TABLE "dictamesh_adapter_checkpoints" ADD CONSTRAINT "dictamesh_adapter_checkpoints_adapter_id_fkey" FOREIGN KEY ("adapter_id") REFERENCES "dictamesh_adapters"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Dead letters: records a consumer group gave up on, kept for inspection and replay.

-- CreateEnum
CREATE TYPE "DeadLetterStatus" AS ENUM ('PENDING', 'REPLAYED', 'DISCARDED');

-- CreateTable
CREATE TABLE "dictamesh_dead_letters" (
    "id" UUID NOT NULL,
    "event_id" TEXT NOT NULL,
    "event_type" TEXT NOT NULL,
    "subject" TEXT,
    "event" JSONB NOT NULL,
    "error" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL,
    "consumer_group" TEXT NOT NULL,
    "original_topic" TEXT NOT NULL,
    "original_partition" INTEGER NOT NULL,
    "original_offset" BIGINT NOT NULL,
    "dlq_topic" TEXT NOT NULL,
    "dlq_partition" INTEGER NOT NULL,
    "dlq_offset" BIGINT NOT NULL,
    "status" "DeadLetterStatus" NOT NULL DEFAULT 'PENDING',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolved_at" TIMESTAMPTZ(3),

    CONSTRAINT "dictamesh_dead_letters_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "dictamesh_dead_letters_dlq_topic_dlq_partition_dlq_offset_key" ON "dictamesh_dead_letters"("dlq_topic", "dlq_partition", "dlq_offset");

-- CreateIndex
CREATE INDEX "dictamesh_dead_letters_status_created_at_idx" ON "dictamesh_dead_letters"("status", "created_at");

-- CreateTable
-- The in-process bus's outbox (embedded default): a record of a durable topic is written here
-- before the bus tells its producer it holds it, deleted once every durable consumer group has
-- committed past it, and published again after a restart.
CREATE TABLE "dictamesh_bus_outbox" (
    "id" BIGSERIAL NOT NULL,
    "topic" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "event" JSON NOT NULL,
    "headers" JSON NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dictamesh_bus_outbox_pkey" PRIMARY KEY ("id")
);

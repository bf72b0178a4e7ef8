-- Which catalog instance runs each adapter (a lease renewed while it runs), a generation that
-- tells the owner to restart after a configuration change made elsewhere, and a sync request
-- left for the owner by an instance that does not run the adapter.
ALTER TABLE "dictamesh_adapters" ADD COLUMN "lease_owner" TEXT,
ADD COLUMN "lease_expires_at" TIMESTAMPTZ(3),
ADD COLUMN "generation" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN "sync_requested" TEXT;

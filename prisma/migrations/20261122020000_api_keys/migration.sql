-- CreateTable
CREATE TABLE "dictamesh_api_keys" (
    "id" TEXT NOT NULL,
    "org_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "scopes" TEXT[],
    "secret_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "dictamesh_api_keys_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "dictamesh_api_keys_org_id_idx" ON "dictamesh_api_keys"("org_id");

-- Organisation isolation: entities, adapters and dead letters belong to an organisation.
-- Existing rows belong to the default organisation.

-- AlterTable
ALTER TABLE "dictamesh_entity_catalog" ADD COLUMN "org_id" TEXT NOT NULL DEFAULT 'default';
ALTER TABLE "dictamesh_adapters" ADD COLUMN "org_id" TEXT NOT NULL DEFAULT 'default';
ALTER TABLE "dictamesh_dead_letters" ADD COLUMN "org_id" TEXT NOT NULL DEFAULT 'default';

-- DropIndex
DROP INDEX "dictamesh_entity_catalog_updated_at_urn_idx";
DROP INDEX "dictamesh_dead_letters_status_created_at_idx";

-- CreateIndex
CREATE INDEX "dictamesh_entity_catalog_org_id_updated_at_urn_idx" ON "dictamesh_entity_catalog"("org_id", "updated_at", "urn");
CREATE INDEX "dictamesh_dead_letters_org_id_status_created_at_idx" ON "dictamesh_dead_letters"("org_id", "status", "created_at");
CREATE INDEX "dictamesh_adapters_org_id_idx" ON "dictamesh_adapters"("org_id");

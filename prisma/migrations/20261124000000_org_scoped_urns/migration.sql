-- An organisation is the namespace of URNs: the catalog's natural key becomes (org_id, urn), so
-- two organisations may hold the same source account (the same URNs) side by side, and the event
-- log's idempotency becomes (org_id, event_id). Relationships, lineage edges, cache status and
-- event log rows belong to an organisation too; rows already stored take the organisation of
-- their entity (a relationship: its `from` entity; a lineage edge: its downstream entity; an
-- event: its subject), the default organisation where there is none. Until now one organisation
-- held a URN (a change from another was refused), so every stored row has one owner.

-- AlterTable
ALTER TABLE "dictamesh_entity_relationships" ADD COLUMN "org_id" TEXT NOT NULL DEFAULT 'default';
ALTER TABLE "dictamesh_event_log" ADD COLUMN "org_id" TEXT NOT NULL DEFAULT 'default';
ALTER TABLE "dictamesh_data_lineage" ADD COLUMN "org_id" TEXT NOT NULL DEFAULT 'default';
ALTER TABLE "dictamesh_cache_status" ADD COLUMN "org_id" TEXT NOT NULL DEFAULT 'default';

-- Backfill the organisation from the entity
UPDATE "dictamesh_entity_relationships" r SET "org_id" = e."org_id"
  FROM "dictamesh_entity_catalog" e WHERE e."urn" = r."from_urn" AND e."org_id" <> 'default';
UPDATE "dictamesh_data_lineage" l SET "org_id" = e."org_id"
  FROM "dictamesh_entity_catalog" e WHERE e."urn" = l."downstream_urn" AND e."org_id" <> 'default';
UPDATE "dictamesh_cache_status" c SET "org_id" = e."org_id"
  FROM "dictamesh_entity_catalog" e WHERE e."urn" = c."urn" AND e."org_id" <> 'default';
-- the event log is append-only (trigger): lifted for this backfill only, inside this migration's transaction
ALTER TABLE "dictamesh_event_log" DISABLE TRIGGER "dictamesh_event_log_no_update_delete";
UPDATE "dictamesh_event_log" l SET "org_id" = e."org_id"
  FROM "dictamesh_entity_catalog" e WHERE e."urn" = l."subject" AND e."org_id" <> 'default';
ALTER TABLE "dictamesh_event_log" ENABLE TRIGGER "dictamesh_event_log_no_update_delete";

-- DropForeignKey
ALTER TABLE "dictamesh_entity_relationships" DROP CONSTRAINT "dictamesh_entity_relationships_from_urn_fkey";

-- Primary keys: (org_id, urn)
ALTER TABLE "dictamesh_entity_catalog" DROP CONSTRAINT "dictamesh_entity_catalog_pkey",
ADD CONSTRAINT "dictamesh_entity_catalog_pkey" PRIMARY KEY ("org_id", "urn");
ALTER TABLE "dictamesh_cache_status" DROP CONSTRAINT "dictamesh_cache_status_pkey",
ADD CONSTRAINT "dictamesh_cache_status_pkey" PRIMARY KEY ("org_id", "urn");

-- DropIndex (names over 63 characters are cut by Postgres, here as when they were created)
DROP INDEX "dictamesh_entity_relationships_from_urn_relationship_type_to_urn_key";
DROP INDEX "dictamesh_entity_relationships_to_urn_relationship_type_idx";
DROP INDEX "dictamesh_event_log_event_id_key";
DROP INDEX "dictamesh_event_log_subject_seq_idx";
DROP INDEX "dictamesh_data_lineage_upstream_urn_downstream_urn_transformation_key";
DROP INDEX "dictamesh_data_lineage_downstream_urn_idx";

-- CreateIndex
CREATE UNIQUE INDEX "dictamesh_entity_relationships_org_id_from_urn_relationship_type_to_urn_key" ON "dictamesh_entity_relationships"("org_id", "from_urn", "relationship_type", "to_urn");
CREATE INDEX "dictamesh_entity_relationships_org_id_to_urn_relationship_type_idx" ON "dictamesh_entity_relationships"("org_id", "to_urn", "relationship_type");
CREATE UNIQUE INDEX "dictamesh_event_log_org_id_event_id_key" ON "dictamesh_event_log"("org_id", "event_id");
CREATE INDEX "dictamesh_event_log_org_id_subject_seq_idx" ON "dictamesh_event_log"("org_id", "subject", "seq" DESC);
CREATE UNIQUE INDEX "dictamesh_data_lineage_org_id_upstream_urn_downstream_urn_transformation_key" ON "dictamesh_data_lineage"("org_id", "upstream_urn", "downstream_urn", "transformation");
CREATE INDEX "dictamesh_data_lineage_org_id_downstream_urn_idx" ON "dictamesh_data_lineage"("org_id", "downstream_urn");

-- AddForeignKey
ALTER TABLE "dictamesh_entity_relationships" ADD CONSTRAINT "dictamesh_entity_relationships_org_id_from_urn_fkey" FOREIGN KEY ("org_id", "from_urn") REFERENCES "dictamesh_entity_catalog"("org_id", "urn") ON DELETE CASCADE ON UPDATE CASCADE;

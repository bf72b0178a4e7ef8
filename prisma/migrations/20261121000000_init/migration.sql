-- DictaMesh catalog: initial schema (matches prisma/schema.prisma).
-- Applied by packages/db/src/migrate.ts, or by `prisma migrate deploy` where the CLI can run.

-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "vector";

-- CreateEnum
CREATE TYPE "Cardinality" AS ENUM ('ONE_TO_ONE', 'ONE_TO_MANY', 'MANY_TO_ONE', 'MANY_TO_MANY');

-- CreateEnum
CREATE TYPE "SchemaFormat" AS ENUM ('JSON_SCHEMA', 'GRAPHQL', 'AVRO', 'PROTOBUF');

-- CreateTable
CREATE TABLE "dictamesh_entity_catalog" (
    "urn" TEXT NOT NULL,
    "source_system" TEXT NOT NULL,
    "entity_type" TEXT NOT NULL,
    "domain" TEXT NOT NULL,
    "source_id" TEXT NOT NULL,
    "display_name" TEXT,
    "attributes" JSONB NOT NULL DEFAULT '{}',
    "schema_version" TEXT NOT NULL DEFAULT '1',
    "source_updated_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted" BOOLEAN NOT NULL DEFAULT false,
    "deleted_at" TIMESTAMPTZ(3),
    "last_event_id" TEXT,
    "embedding" vector(384),
    "embedding_model" TEXT,

    CONSTRAINT "dictamesh_entity_catalog_pkey" PRIMARY KEY ("urn")
);

-- CreateTable
CREATE TABLE "dictamesh_entity_relationships" (
    "id" UUID NOT NULL,
    "from_urn" TEXT NOT NULL,
    "to_urn" TEXT NOT NULL,
    "relationship_type" TEXT NOT NULL,
    "cardinality" "Cardinality" NOT NULL DEFAULT 'MANY_TO_ONE',
    "confidence" DOUBLE PRECISION NOT NULL DEFAULT 1,
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dictamesh_entity_relationships_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dictamesh_schemas" (
    "id" UUID NOT NULL,
    "subject" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "format" "SchemaFormat" NOT NULL,
    "definition" JSONB NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dictamesh_schemas_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dictamesh_event_log" (
    "seq" BIGSERIAL NOT NULL,
    "event_id" TEXT NOT NULL,
    "event_type" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "operation" TEXT NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "before" JSONB,
    "after" JSONB,
    "trace_id" TEXT,
    "topic" TEXT,
    "partition" INTEGER,
    "offset" BIGINT,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dictamesh_event_log_pkey" PRIMARY KEY ("seq")
);

-- CreateTable
CREATE TABLE "dictamesh_data_lineage" (
    "id" UUID NOT NULL,
    "upstream_urn" TEXT NOT NULL,
    "downstream_urn" TEXT NOT NULL,
    "transformation" TEXT NOT NULL,
    "last_event_id" TEXT,
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dictamesh_data_lineage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dictamesh_cache_status" (
    "urn" TEXT NOT NULL,
    "cache_key" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'FRESH',
    "cached_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3),
    "hit_count" INTEGER NOT NULL DEFAULT 0,
    "invalidated_at" TIMESTAMPTZ(3),

    CONSTRAINT "dictamesh_cache_status_pkey" PRIMARY KEY ("urn")
);

-- CreateIndex
CREATE INDEX "dictamesh_entity_catalog_source_system_entity_type_idx" ON "dictamesh_entity_catalog"("source_system", "entity_type");

-- CreateIndex
CREATE INDEX "dictamesh_entity_catalog_domain_idx" ON "dictamesh_entity_catalog"("domain");

-- CreateIndex
CREATE INDEX "dictamesh_entity_catalog_updated_at_urn_idx" ON "dictamesh_entity_catalog"("updated_at", "urn");

-- CreateIndex (pgvector HNSW for cosine similarity search; not expressible in Prisma schema)
CREATE INDEX "dictamesh_entity_catalog_embedding_hnsw_idx" ON "dictamesh_entity_catalog" USING hnsw ("embedding" vector_cosine_ops);

-- CreateIndex
CREATE INDEX "dictamesh_entity_relationships_to_urn_relationship_type_idx" ON "dictamesh_entity_relationships"("to_urn", "relationship_type");

-- CreateIndex
CREATE UNIQUE INDEX "dictamesh_entity_relationships_from_urn_relationship_type_to_urn_key" ON "dictamesh_entity_relationships"("from_urn", "relationship_type", "to_urn");

-- CreateIndex
CREATE UNIQUE INDEX "dictamesh_schemas_subject_version_key" ON "dictamesh_schemas"("subject", "version");

-- CreateIndex
CREATE UNIQUE INDEX "dictamesh_schemas_subject_fingerprint_key" ON "dictamesh_schemas"("subject", "fingerprint");

-- CreateIndex
CREATE UNIQUE INDEX "dictamesh_event_log_event_id_key" ON "dictamesh_event_log"("event_id");

-- CreateIndex
CREATE INDEX "dictamesh_event_log_subject_seq_idx" ON "dictamesh_event_log"("subject", "seq" DESC);

-- CreateIndex
CREATE INDEX "dictamesh_data_lineage_downstream_urn_idx" ON "dictamesh_data_lineage"("downstream_urn");

-- CreateIndex
CREATE UNIQUE INDEX "dictamesh_data_lineage_upstream_urn_downstream_urn_transformation_key" ON "dictamesh_data_lineage"("upstream_urn", "downstream_urn", "transformation");

-- AddForeignKey
ALTER TABLE "dictamesh_entity_relationships" ADD CONSTRAINT "dictamesh_entity_relationships_from_urn_fkey" FOREIGN KEY ("from_urn") REFERENCES "dictamesh_entity_catalog"("urn") ON DELETE CASCADE ON UPDATE CASCADE;

-- The event log is append-only: reject UPDATE and DELETE (not expressible in Prisma schema).
CREATE FUNCTION "dictamesh_event_log_immutable"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'dictamesh_event_log is append-only (% rejected)', TG_OP;
END;
$$;

CREATE TRIGGER "dictamesh_event_log_no_update_delete"
  BEFORE UPDATE OR DELETE ON "dictamesh_event_log"
  FOR EACH ROW EXECUTE FUNCTION "dictamesh_event_log_immutable"();

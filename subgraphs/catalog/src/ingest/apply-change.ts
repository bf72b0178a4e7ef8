import { Prisma, type PrismaClient } from '@dictamesh/db';
import type { EntityChange } from '@dictamesh/events';
import { toPgVector, type Embedder } from '../embeddings/embedder';
import { foldChanges, type StoredEntity } from './fold';

/** What the ingest knows of the CloudEvent carrying a change. */
export interface ChangeEnvelope {
  id: string;
  type: string;
  source: string;
  /** Organisation the event belongs to (CloudEvent extension `orgid`); the default organisation when absent. */
  org?: string;
  traceparent?: string;
  topic?: string;
  partition?: number;
  offset?: number;
}

/** Outcome of applying one change. */
export type ApplyResult =
  /** Logged and applied to the entity. */
  | 'applied'
  /** Logged, but the catalog holds a newer state of the entity (last writer wins). */
  | 'stale'
  /** This CloudEvent id was applied before: nothing done. */
  | 'duplicate'
  /** The entity belongs to another organisation: neither logged nor applied. */
  | 'foreign';

/** One change with its envelope. */
export interface ChangeItem {
  change: EntityChange;
  envelope: ChangeEnvelope;
}

/**
 * Interactive transaction limits, ms. Prisma's defaults (2 s to start, 5 s to run) are too
 * tight where several catalog instances share a database that serialises transactions
 * (PGlite over TCP) or when a batch of 500 changes meets a busy Postgres.
 */
const TRANSACTION_LIMITS = { maxWait: 30_000, timeout: 120_000 };

/** Lineage transformation recorded for adapter → entity edges. */
export const INGEST_TRANSFORMATION = 'entity-change-ingest';

/**
 * Applies a batch of entity changes (in order) to the catalog in one transaction, with a
 * fixed number of set-based statements whatever the batch size:
 * - the event log gets one row per CloudEvent id; ids already logged are skipped, so a
 *   redelivered event is a no-op (`duplicate`);
 * - changes are folded per entity in memory ({@link foldChanges}): full changes replace the
 *   attributes, partial ones merge into them, and a change older (source time) than the
 *   stored state is logged but not applied (`stale`);
 * - each entity whose state changed is upserted once, with a new embedding when its text
 *   may have changed; relationships: a `*_TO_ONE` type keeps its last target (`toUrn: null`
 *   clears it); a lineage edge runs from each event source to the entity.
 *
 * @returns one result per item, in order
 * @throws Prisma / database errors (the caller retries, then dead-letters)
 */
export async function applyChanges(prisma: PrismaClient, embedder: Embedder, items: readonly ChangeItem[]): Promise<ApplyResult[]> {
  if (items.length === 0) return [];
  return prisma.$transaction(async (tx) => {
    const ids = [...new Set(items.map((i) => i.envelope.id))];
    const logged = await tx.$queryRaw<Array<{ event_id: string }>>`
      SELECT event_id FROM dictamesh_event_log WHERE event_id = ANY(${ids}::text[])`;
    const urns = [...new Set(items.map((i) => i.change.urn))];
    const stored = await tx.$queryRaw<StoredEntity[]>`
      SELECT urn, org_id, attributes, display_name, source_updated_at, deleted, embedding IS NOT NULL AS has_embedding
      FROM dictamesh_entity_catalog WHERE urn = ANY(${urns}::text[]) ORDER BY urn FOR UPDATE`;
    const fold = foldChanges(items, new Set(logged.map((r) => r.event_id)), stored);

    if (fold.events.length > 0) {
      await tx.$executeRaw`
        INSERT INTO dictamesh_event_log
          (event_id, event_type, source, subject, operation, occurred_at, before, after, trace_id, topic, partition, "offset")
        VALUES ${Prisma.join(
          fold.events.map(
            (e) => Prisma.sql`(${e.id}, ${e.type}, ${e.source}, ${e.subject}, ${e.operation}, ${e.occurredAt},
              ${e.before === null ? null : JSON.stringify(e.before)}::jsonb, ${JSON.stringify(e.after)}::jsonb,
              ${e.traceId}, ${e.topic}, ${e.partition}, ${e.offset})`,
          ),
        )}
        ON CONFLICT (event_id) DO NOTHING`;
    }

    const dirty = [...fold.entities.values()].filter((e) => e.dirty);
    if (dirty.length > 0) {
      const toEmbed = dirty.filter((e) => e.embedText !== null);
      const vectors = await embedder.embed(toEmbed.map((e) => e.embedText!));
      const vectorOf = new Map(toEmbed.map((e, i) => [e.urn, toPgVector(vectors[i]!)]));
      await tx.$executeRaw`
        INSERT INTO dictamesh_entity_catalog
          (urn, org_id, source_system, entity_type, domain, source_id, display_name, attributes, schema_version,
           source_updated_at, updated_at, deleted, deleted_at, last_event_id, embedding, embedding_model)
        VALUES ${Prisma.join(
          dirty.map(
            (e) => Prisma.sql`(${e.urn}, ${e.org}, ${e.source}, ${e.entityType}, ${e.domain}, ${e.sourceId}, ${e.displayName},
              ${JSON.stringify(e.attributes)}::jsonb, ${e.schemaVersion}, ${e.sourceUpdatedAt}, now(), ${e.deleted},
              ${e.deleted ? new Date() : null}, ${e.lastEventId}, ${vectorOf.get(e.urn) ?? null}::vector,
              ${vectorOf.has(e.urn) ? embedder.model : null})`,
          ),
        )}
        ON CONFLICT (urn) DO UPDATE SET
          display_name = EXCLUDED.display_name,
          attributes = EXCLUDED.attributes,
          schema_version = EXCLUDED.schema_version,
          source_updated_at = GREATEST(dictamesh_entity_catalog.source_updated_at, EXCLUDED.source_updated_at),
          updated_at = now(),
          deleted = EXCLUDED.deleted,
          deleted_at = CASE WHEN EXCLUDED.deleted THEN COALESCE(dictamesh_entity_catalog.deleted_at, now()) END,
          last_event_id = EXCLUDED.last_event_id,
          embedding = COALESCE(EXCLUDED.embedding, dictamesh_entity_catalog.embedding),
          embedding_model = COALESCE(EXCLUDED.embedding_model, dictamesh_entity_catalog.embedding_model)`;
    }

    if (fold.toOne.length > 0) {
      // drop every other target of a *_TO_ONE relationship (all of them when it was cleared)
      await tx.$executeRaw`
        DELETE FROM dictamesh_entity_relationships r
        USING (VALUES ${Prisma.join(fold.toOne.map((t) => Prisma.sql`(${t.fromUrn}, ${t.type}, ${t.toUrn})`))}) AS keep(from_urn, type, to_urn)
        WHERE r.from_urn = keep.from_urn AND r.relationship_type = keep.type AND r.to_urn IS DISTINCT FROM keep.to_urn`;
    }
    if (fold.edges.length > 0) {
      await tx.$executeRaw`
        INSERT INTO dictamesh_entity_relationships (id, from_urn, to_urn, relationship_type, cardinality, confidence, metadata)
        VALUES ${Prisma.join(
          fold.edges.map(
            (r) => Prisma.sql`(gen_random_uuid(), ${r.fromUrn}, ${r.toUrn}, ${r.type}, ${r.cardinality}::"Cardinality",
              ${r.confidence}, ${JSON.stringify(r.metadata)}::jsonb)`,
          ),
        )}
        ON CONFLICT (from_urn, relationship_type, to_urn) DO UPDATE SET
          cardinality = EXCLUDED.cardinality, confidence = EXCLUDED.confidence,
          metadata = EXCLUDED.metadata, updated_at = now()`;
    }
    if (fold.lineage.length > 0) {
      await tx.$executeRaw`
        INSERT INTO dictamesh_data_lineage (id, upstream_urn, downstream_urn, transformation, last_event_id, metadata)
        VALUES ${Prisma.join(
          fold.lineage.map(
            (l) => Prisma.sql`(gen_random_uuid(), ${l.upstreamUrn}, ${l.downstreamUrn}, ${INGEST_TRANSFORMATION}, ${l.eventId},
              ${JSON.stringify({ eventType: l.eventType })}::jsonb)`,
          ),
        )}
        ON CONFLICT (upstream_urn, downstream_urn, transformation)
        DO UPDATE SET last_event_id = EXCLUDED.last_event_id, metadata = EXCLUDED.metadata, updated_at = now()`;
    }
    return fold.results;
  }, TRANSACTION_LIMITS);
}

/** Applies one change; see {@link applyChanges}. */
export async function applyChange(
  prisma: PrismaClient,
  embedder: Embedder,
  change: EntityChange,
  envelope: ChangeEnvelope,
): Promise<ApplyResult> {
  const [result] = await applyChanges(prisma, embedder, [{ change, envelope }]);
  return result!;
}

import { type Prisma, type PrismaClient } from '@dictamesh/db';
import type { EntityChange, RelationshipRef } from '@dictamesh/events';
import { toPgVector, type Embedder } from '../embeddings/embedder';

/** What the ingest knows of the CloudEvent carrying a change. */
export interface ChangeEnvelope {
  id: string;
  type: string;
  source: string;
  traceparent?: string;
  topic?: string;
  partition?: number;
  offset?: number;
}

/** Outcome of {@link applyChange}. */
export type ApplyResult =
  /** The entity's state changed. */
  | 'applied'
  /** Logged, but the catalog holds a newer state of the entity (last writer wins). */
  | 'stale'
  /** This CloudEvent id was applied before: nothing done. */
  | 'duplicate';

/** Lineage transformation recorded for adapter → entity edges. */
export const INGEST_TRANSFORMATION = 'entity-change-ingest';

/**
 * Applies one entity change to the catalog in one transaction: the event log row (unique
 * CloudEvent id — a redelivered event is a no-op), the entity upsert (full changes replace
 * the attributes, partial ones merge into them; older source times than the stored one
 * don't overwrite it), its embedding, its outgoing relationships (a `*_TO_ONE` type keeps
 * one target; `toUrn: null` clears it) and a lineage edge from the event source.
 *
 * @throws Prisma / database errors (the caller retries, then dead-letters)
 */
export async function applyChange(
  prisma: PrismaClient,
  embedder: Embedder,
  change: EntityChange,
  envelope: ChangeEnvelope,
): Promise<ApplyResult> {
  // Embedding outside the transaction: PGlite serialises everything inside one.
  const [vector] = await embedder.embed([embeddingText(change)]);
  return prisma.$transaction(async (tx) => {
    const [existing] = await tx.$queryRaw<
      Array<{ attributes: Record<string, unknown>; display_name: string | null; source_updated_at: Date | null; has_embedding: boolean }>
    >`SELECT attributes, display_name, source_updated_at, embedding IS NOT NULL AS has_embedding
      FROM dictamesh_entity_catalog WHERE urn = ${change.urn} FOR UPDATE`;
    const occurredAt = new Date(change.occurredAt);
    const stale = existing?.source_updated_at != null && existing.source_updated_at > occurredAt;
    const after = stale
      ? existing!.attributes
      : change.partial && existing
        ? { ...existing.attributes, ...change.attributes }
        : change.attributes;

    const logged = await tx.$executeRaw`
      INSERT INTO dictamesh_event_log
        (event_id, event_type, source, subject, operation, occurred_at, before, after, trace_id, topic, partition, "offset")
      VALUES (${envelope.id}, ${envelope.type}, ${envelope.source}, ${change.urn}, ${change.operation}, ${occurredAt},
              ${existing ? JSON.stringify(existing.attributes) : null}::jsonb, ${JSON.stringify(after)}::jsonb,
              ${traceIdOf(envelope.traceparent)}, ${envelope.topic ?? null}, ${envelope.partition ?? null}, ${envelope.offset ?? null})
      ON CONFLICT (event_id) DO NOTHING`;
    if (logged === 0) return 'duplicate';
    if (stale) return 'stale';

    const displayName = change.partial ? (change.displayName ?? existing?.display_name ?? null) : (change.displayName ?? null);
    // A partial view of an already embedded entity keeps its embedding (the full view knows more).
    const keepEmbedding = change.partial && existing?.has_embedding === true;
    const embedding = keepEmbedding ? null : toPgVector(vector!);
    const deleted = change.operation === 'deleted';
    await tx.$executeRaw`
      INSERT INTO dictamesh_entity_catalog
        (urn, source_system, entity_type, domain, source_id, display_name, attributes, schema_version,
         source_updated_at, updated_at, deleted, deleted_at, last_event_id, embedding, embedding_model)
      VALUES (${change.urn}, ${change.source}, ${change.entityType}, ${change.domain}, ${change.sourceId}, ${displayName},
              ${JSON.stringify(after)}::jsonb, ${change.schemaVersion ?? '1'}, ${occurredAt}, now(), ${deleted},
              ${deleted ? new Date() : null}, ${envelope.id}, ${embedding}::vector, ${embedder.model})
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
        embedding_model = CASE WHEN EXCLUDED.embedding IS NULL THEN dictamesh_entity_catalog.embedding_model
                               ELSE EXCLUDED.embedding_model END`;

    for (const rel of change.relationships) await applyRelationship(tx, change.urn, rel);

    await tx.$executeRaw`
      INSERT INTO dictamesh_data_lineage (id, upstream_urn, downstream_urn, transformation, last_event_id, metadata)
      VALUES (gen_random_uuid(), ${envelope.source}, ${change.urn}, ${INGEST_TRANSFORMATION}, ${envelope.id},
              ${JSON.stringify({ eventType: envelope.type })}::jsonb)
      ON CONFLICT (upstream_urn, downstream_urn, transformation)
      DO UPDATE SET last_event_id = EXCLUDED.last_event_id, updated_at = now()`;
    return 'applied';
  });
}

async function applyRelationship(tx: Prisma.TransactionClient, fromUrn: string, rel: RelationshipRef): Promise<void> {
  const toOne = rel.cardinality === 'MANY_TO_ONE' || rel.cardinality === 'ONE_TO_ONE';
  if (rel.toUrn === null) {
    await tx.$executeRaw`DELETE FROM dictamesh_entity_relationships WHERE from_urn = ${fromUrn} AND relationship_type = ${rel.type}`;
    return;
  }
  if (toOne) {
    await tx.$executeRaw`
      DELETE FROM dictamesh_entity_relationships
      WHERE from_urn = ${fromUrn} AND relationship_type = ${rel.type} AND to_urn <> ${rel.toUrn}`;
  }
  await tx.$executeRaw`
    INSERT INTO dictamesh_entity_relationships (id, from_urn, to_urn, relationship_type, cardinality, confidence, metadata)
    VALUES (gen_random_uuid(), ${fromUrn}, ${rel.toUrn}, ${rel.type}, ${rel.cardinality}::"Cardinality",
            ${rel.confidence ?? 1}, ${JSON.stringify(rel.metadata ?? {})}::jsonb)
    ON CONFLICT (from_urn, relationship_type, to_urn) DO UPDATE SET
      cardinality = EXCLUDED.cardinality, confidence = EXCLUDED.confidence,
      metadata = EXCLUDED.metadata, updated_at = now()`;
}

/** The text embedded for an entity: its type, display name and the adapter's search text. */
export function embeddingText(change: EntityChange): string {
  return [change.entityType, change.displayName ?? '', change.searchText ?? ''].join(' ');
}

/** Trace id (32 hex) of a W3C `traceparent` (`00-<trace-id>-<parent-id>-<flags>`), or null. */
function traceIdOf(traceparent: string | undefined): string | null {
  const match = traceparent?.match(/^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}$/);
  return match?.[1] ?? null;
}

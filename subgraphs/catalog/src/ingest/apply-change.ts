import { Prisma, type PrismaClient } from '@dictamesh/db';
import type { EntityChange } from '@dictamesh/events';
import { DEFAULT_ORG } from '@dictamesh/runtime';
import { toPgVector, type Embedder } from '../embeddings/embedder';
import { entityKey, foldChanges, type StoredEntity } from './fold';

/** What the ingest knows of the CloudEvent carrying a change. */
export interface ChangeEnvelope {
  id: string;
  type: string;
  source: string;
  /** Organisation the event and its entity belong to (CloudEvent extension `orgid`); the default organisation when absent. */
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
  /** This organisation applied this CloudEvent id before: nothing done. */
  | 'duplicate';

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
 * fixed number of set-based statements whatever the batch size. Every row is keyed by the
 * event's organisation (CloudEvent `orgid`) and the URN, so organisations sharing a source
 * account keep their own entities, edges, lineage and event log side by side:
 * - the event log gets one row per (organisation, CloudEvent id); ids the organisation already
 *   logged are skipped, so a redelivered event is a no-op (`duplicate`);
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
    const orgOf = (item: ChangeItem) => item.envelope.org ?? DEFAULT_ORG;
    const eventKeys = pairs(items.map((i) => [orgOf(i), i.envelope.id]));
    const logged = await tx.$queryRaw<Array<{ org_id: string; event_id: string }>>`
      SELECT org_id, event_id FROM dictamesh_event_log
      WHERE (org_id, event_id) IN (SELECT * FROM unnest(${eventKeys.orgs}::text[], ${eventKeys.values}::text[]))`;
    const entityKeys = pairs(items.map((i) => [orgOf(i), i.change.urn]));
    const stored = await tx.$queryRaw<StoredEntity[]>`
      SELECT urn, org_id, attributes, display_name, source_updated_at, deleted, embedding IS NOT NULL AS has_embedding
      FROM dictamesh_entity_catalog
      WHERE (org_id, urn) IN (SELECT * FROM unnest(${entityKeys.orgs}::text[], ${entityKeys.values}::text[]))
      ORDER BY org_id, urn FOR UPDATE`;
    const fold = foldChanges(items, new Set(logged.map((r) => entityKey(r.org_id, r.event_id))), stored);

    if (fold.events.length > 0) {
      await tx.$executeRaw`
        INSERT INTO dictamesh_event_log
          (org_id, event_id, event_type, source, subject, operation, occurred_at, before, after, trace_id, topic, partition, "offset")
        VALUES ${Prisma.join(
          fold.events.map(
            (e) => Prisma.sql`(${e.org}, ${e.id}, ${e.type}, ${e.source}, ${e.subject}, ${e.operation}, ${e.occurredAt},
              ${e.before === null ? null : JSON.stringify(e.before)}::jsonb, ${JSON.stringify(e.after)}::jsonb,
              ${e.traceId}, ${e.topic}, ${e.partition}, ${e.offset})`,
          ),
        )}
        ON CONFLICT (org_id, event_id) DO NOTHING`;
    }

    const dirty = [...fold.entities.values()].filter((e) => e.dirty);
    if (dirty.length > 0) {
      const toEmbed = dirty.filter((e) => e.embedText !== null);
      const vectors = await embedder.embed(toEmbed.map((e) => e.embedText!));
      const vectorOf = new Map(toEmbed.map((e, i) => [entityKey(e.org, e.urn), toPgVector(vectors[i]!)]));
      await tx.$executeRaw`
        INSERT INTO dictamesh_entity_catalog
          (urn, org_id, source_system, entity_type, domain, source_id, display_name, attributes, schema_version,
           source_updated_at, updated_at, deleted, deleted_at, last_event_id, embedding, embedding_model)
        VALUES ${Prisma.join(
          dirty.map((e) => {
            const vector = vectorOf.get(entityKey(e.org, e.urn)) ?? null;
            return Prisma.sql`(${e.urn}, ${e.org}, ${e.source}, ${e.entityType}, ${e.domain}, ${e.sourceId}, ${e.displayName},
              ${JSON.stringify(e.attributes)}::jsonb, ${e.schemaVersion}, ${e.sourceUpdatedAt}, now(), ${e.deleted},
              ${e.deleted ? new Date() : null}, ${e.lastEventId}, ${vector}::vector, ${vector === null ? null : embedder.model})`;
          }),
        )}
        ON CONFLICT (org_id, urn) DO UPDATE SET
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
        USING (VALUES ${Prisma.join(fold.toOne.map((t) => Prisma.sql`(${t.org}, ${t.fromUrn}, ${t.type}, ${t.toUrn})`))})
          AS keep(org_id, from_urn, type, to_urn)
        WHERE r.org_id = keep.org_id AND r.from_urn = keep.from_urn AND r.relationship_type = keep.type
          AND r.to_urn IS DISTINCT FROM keep.to_urn`;
    }
    if (fold.edges.length > 0) {
      await tx.$executeRaw`
        INSERT INTO dictamesh_entity_relationships (id, org_id, from_urn, to_urn, relationship_type, cardinality, confidence, metadata)
        VALUES ${Prisma.join(
          fold.edges.map(
            (r) => Prisma.sql`(gen_random_uuid(), ${r.org}, ${r.fromUrn}, ${r.toUrn}, ${r.type}, ${r.cardinality}::"Cardinality",
              ${r.confidence}, ${JSON.stringify(r.metadata)}::jsonb)`,
          ),
        )}
        ON CONFLICT (org_id, from_urn, relationship_type, to_urn) DO UPDATE SET
          cardinality = EXCLUDED.cardinality, confidence = EXCLUDED.confidence,
          metadata = EXCLUDED.metadata, updated_at = now()`;
    }
    if (fold.lineage.length > 0) {
      await tx.$executeRaw`
        INSERT INTO dictamesh_data_lineage (id, org_id, upstream_urn, downstream_urn, transformation, last_event_id, metadata)
        VALUES ${Prisma.join(
          fold.lineage.map(
            (l) => Prisma.sql`(gen_random_uuid(), ${l.org}, ${l.upstreamUrn}, ${l.downstreamUrn}, ${INGEST_TRANSFORMATION}, ${l.eventId},
              ${JSON.stringify({ eventType: l.eventType })}::jsonb)`,
          ),
        )}
        ON CONFLICT (org_id, upstream_urn, downstream_urn, transformation)
        DO UPDATE SET last_event_id = EXCLUDED.last_event_id, metadata = EXCLUDED.metadata, updated_at = now()`;
    }
    return fold.results;
  }, TRANSACTION_LIMITS);
}

/** Distinct (organisation, value) pairs as two parallel arrays, for `unnest($orgs, $values)`. */
function pairs(list: ReadonlyArray<readonly [org: string, value: string]>): { orgs: string[]; values: string[] } {
  const distinct = new Map(list.map(([org, value]) => [entityKey(org, value), [org, value] as const]));
  return { orgs: [...distinct.values()].map(([org]) => org), values: [...distinct.values()].map(([, value]) => value) };
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

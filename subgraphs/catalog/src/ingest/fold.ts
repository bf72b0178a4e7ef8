import { isDeepStrictEqual } from 'node:util';
import type { Cardinality, EntityChange } from '@dictamesh/events';
import { DEFAULT_ORG } from '@dictamesh/runtime';
import type { ApplyResult, ChangeItem } from './apply-change';

/** The stored state of an entity, as read before a batch. */
export interface StoredEntity {
  urn: string;
  /** Organisation owning the entity. */
  org_id: string;
  attributes: Record<string, unknown>;
  display_name: string | null;
  source_updated_at: Date | null;
  deleted: boolean;
  has_embedding: boolean;
}

/** An entity's state after the batch. */
export interface FoldedEntity {
  urn: string;
  /** Organisation owning the entity: that of the first change applied to it. */
  org: string;
  source: string;
  entityType: string;
  domain: string;
  sourceId: string;
  displayName: string | null;
  attributes: Record<string, unknown>;
  schemaVersion: string;
  sourceUpdatedAt: Date | null;
  deleted: boolean;
  lastEventId: string | null;
  /** The state differs from the stored one: write it. */
  dirty: boolean;
  /** Text to embed, or null to keep the stored embedding. */
  embedText: string | null;
}

/** An event log row to insert. */
export interface LoggedEvent {
  id: string;
  type: string;
  source: string;
  subject: string;
  operation: string;
  occurredAt: Date;
  before: Record<string, unknown> | null;
  after: Record<string, unknown>;
  traceId: string | null;
  topic: string | null;
  partition: number | null;
  offset: number | null;
}

/** The outcome of folding a batch: what to write, and each item's result. */
export interface Fold {
  results: ApplyResult[];
  events: LoggedEvent[];
  entities: Map<string, FoldedEntity>;
  /** Final target per (from, type) of `*_TO_ONE` relationships; `toUrn` null = none. */
  toOne: Array<{ fromUrn: string; type: string; toUrn: string | null }>;
  /** Edges to upsert. */
  edges: Array<{
    fromUrn: string;
    type: string;
    toUrn: string;
    cardinality: Cardinality;
    confidence: number;
    metadata: Record<string, unknown>;
  }>;
  lineage: Array<{ upstreamUrn: string; downstreamUrn: string; eventId: string; eventType: string }>;
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

/**
 * Folds a batch of changes, in order, over the stored states: the pure part of
 * `applyChanges`. Last writer wins by source time (`occurredAt`; equal times apply); full
 * changes replace attributes, partial ones merge; an entity is written only when its state
 * changed, and re-embedded only when it is new, fully replaced, or has no embedding yet.
 * An entity belongs to the organisation of its first change (the CloudEvent's `orgid`, else
 * the default organisation); a change from another organisation is neither logged nor applied
 * (`foreign`, whatever its event id), so no organisation can overwrite or read another's entity
 * through a shared URN; the ingest dead-letters it to the sender's organisation.
 *
 * @param alreadyLogged - CloudEvent ids already in the event log (their items are duplicates)
 */
export function foldChanges(items: readonly ChangeItem[], alreadyLogged: ReadonlySet<string>, stored: readonly StoredEntity[]): Fold {
  const fold: Fold = { results: [], events: [], entities: new Map(), toOne: [], edges: [], lineage: [] };
  const seen = new Set(alreadyLogged);
  const storedByUrn = new Map(stored.map((s) => [s.urn, s]));
  type Edge = Fold['edges'][number];
  /** `*_TO_ONE` relationships by (from, type): the last target wins; null = cleared. */
  const toOne = new Map<string, { fromUrn: string; type: string; toUrn: string | null; edge: Edge | null }>();
  /** `*_TO_MANY` relationships by (from, type, to). */
  const toMany = new Map<string, Edge>();
  const lineage = new Map<string, Fold['lineage'][number]>();

  for (const { change, envelope } of items) {
    let state = fold.entities.get(change.urn);
    const previous = storedByUrn.get(change.urn);
    const org = envelope.org ?? DEFAULT_ORG;
    // before the duplicate check: another organisation's sync of the same source yields the
    // same state-derived event id, which must be reported as foreign, never dropped as a duplicate
    if ((state?.org ?? previous?.org_id ?? org) !== org) {
      fold.results.push('foreign');
      continue;
    }
    if (seen.has(envelope.id)) {
      fold.results.push('duplicate');
      continue;
    }
    seen.add(envelope.id);
    if (!state && previous) {
      state = {
        urn: change.urn,
        org,
        source: change.source,
        entityType: change.entityType,
        domain: change.domain,
        sourceId: change.sourceId,
        displayName: previous.display_name,
        attributes: previous.attributes,
        schemaVersion: change.schemaVersion ?? '1',
        sourceUpdatedAt: previous.source_updated_at,
        deleted: previous.deleted,
        lastEventId: null,
        dirty: false,
        embedText: null,
      };
    }
    const occurredAt = new Date(change.occurredAt);
    const before = state ? state.attributes : null;
    const stale = state?.sourceUpdatedAt != null && state.sourceUpdatedAt > occurredAt;
    const after = stale ? state!.attributes : change.partial && state ? { ...state.attributes, ...change.attributes } : change.attributes;
    fold.events.push({
      id: envelope.id,
      type: envelope.type,
      source: envelope.source,
      subject: change.urn,
      operation: change.operation,
      occurredAt,
      before,
      after,
      traceId: traceIdOf(envelope.traceparent),
      topic: envelope.topic ?? null,
      partition: envelope.partition ?? null,
      offset: envelope.offset ?? null,
    });
    fold.results.push(stale ? 'stale' : 'applied');
    if (stale) continue;

    const displayName = change.partial ? (change.displayName ?? state?.displayName ?? null) : (change.displayName ?? null);
    const deleted = change.operation === 'deleted';
    const hasEmbedding = state ? state.embedText !== null || (previous?.has_embedding ?? false) : false;
    const changed =
      !state ||
      state.deleted !== deleted ||
      state.displayName !== displayName ||
      state.schemaVersion !== (change.schemaVersion ?? '1') ||
      !isDeepStrictEqual(state.attributes, after);
    const next: FoldedEntity = {
      urn: change.urn,
      org,
      source: change.source,
      entityType: change.entityType,
      domain: change.domain,
      sourceId: change.sourceId,
      displayName,
      attributes: after,
      schemaVersion: change.schemaVersion ?? '1',
      sourceUpdatedAt: state?.sourceUpdatedAt && state.sourceUpdatedAt > occurredAt ? state.sourceUpdatedAt : occurredAt,
      deleted,
      lastEventId: changed ? envelope.id : (state?.lastEventId ?? null),
      dirty: (state?.dirty ?? false) || changed,
      // a partial view of an entity that has an embedding keeps it (the full view knows more)
      embedText: !change.partial || !hasEmbedding ? embeddingText(change) : (state?.embedText ?? null),
    };
    fold.entities.set(change.urn, next);

    for (const rel of change.relationships) {
      const key = `${change.urn}\u0000${rel.type}`;
      const edge: Edge | null =
        rel.toUrn === null
          ? null
          : {
              fromUrn: change.urn,
              type: rel.type,
              toUrn: rel.toUrn,
              cardinality: rel.cardinality,
              confidence: rel.confidence ?? 1,
              metadata: rel.metadata ?? {},
            };
      if (rel.cardinality === 'MANY_TO_ONE' || rel.cardinality === 'ONE_TO_ONE' || edge === null) {
        toOne.set(key, { fromUrn: change.urn, type: rel.type, toUrn: rel.toUrn, edge });
      } else {
        toMany.set(`${key}\u0000${rel.toUrn}`, edge);
      }
    }
    lineage.set(`${envelope.source}\u0000${change.urn}`, {
      upstreamUrn: envelope.source,
      downstreamUrn: change.urn,
      eventId: envelope.id,
      eventType: envelope.type,
    });
  }
  fold.toOne = [...toOne.values()].map(({ fromUrn, type, toUrn }) => ({ fromUrn, type, toUrn }));
  fold.edges = [...[...toOne.values()].flatMap((t) => (t.edge ? [t.edge] : [])), ...toMany.values()];
  fold.lineage = [...lineage.values()];
  return fold;
}

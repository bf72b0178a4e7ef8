import { isDeepStrictEqual } from 'node:util';
import type { Cardinality, EntityChange } from '@dictamesh/events';
import { DEFAULT_ORG } from '@dictamesh/runtime';
import type { ApplyResult, ChangeItem } from './apply-change';

/** The stored state of an entity, as read before a batch. */
export interface StoredEntity {
  urn: string;
  /** Organisation holding the entity (with the URN, its key). */
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
  /** Organisation holding the entity: that of the changes folded into it (with the URN, its key). */
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
  /** Organisation of the event; with `id`, its key in the event log. */
  org: string;
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
  /** By {@link entityKey} (organisation, URN). */
  entities: Map<string, FoldedEntity>;
  /** Final target per (org, from, type) of `*_TO_ONE` relationships; `toUrn` null = none. */
  toOne: Array<{ org: string; fromUrn: string; type: string; toUrn: string | null }>;
  /** Edges to upsert, each within the organisation of its `from` entity. */
  edges: Array<{
    org: string;
    fromUrn: string;
    type: string;
    toUrn: string;
    cardinality: Cardinality;
    confidence: number;
    metadata: Record<string, unknown>;
  }>;
  lineage: Array<{ org: string; upstreamUrn: string; downstreamUrn: string; eventId: string; eventType: string }>;
}

/**
 * Key of an entity (or an event, with its CloudEvent id) in the catalog: organisation and URN.
 * An organisation is the namespace of URNs, so the same URN in two organisations is two entities.
 */
export function entityKey(org: string, urn: string): string {
  return `${org}\u0000${urn}`;
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
 * Everything is keyed by organisation (the CloudEvent's `orgid`, else the default
 * organisation) and URN: a change applies to its own organisation's entity of that URN, and
 * its event id is a duplicate only of the same organisation's events — two organisations that
 * sync the same source account derive the same state event ids and each keeps its own copy.
 *
 * @param alreadyLogged - {@link entityKey}(organisation, CloudEvent id) of events already in the event log (their items are duplicates)
 * @param stored - the stored entities of the batch's (organisation, URN) pairs
 */
export function foldChanges(items: readonly ChangeItem[], alreadyLogged: ReadonlySet<string>, stored: readonly StoredEntity[]): Fold {
  const fold: Fold = { results: [], events: [], entities: new Map(), toOne: [], edges: [], lineage: [] };
  const seen = new Set(alreadyLogged);
  const storedByKey = new Map(stored.map((s) => [entityKey(s.org_id, s.urn), s]));
  type Edge = Fold['edges'][number];
  /** `*_TO_ONE` relationships by (org, from, type): the last target wins; null = cleared. */
  const toOne = new Map<string, { org: string; fromUrn: string; type: string; toUrn: string | null; edge: Edge | null }>();
  /** `*_TO_MANY` relationships by (org, from, type, to). */
  const toMany = new Map<string, Edge>();
  const lineage = new Map<string, Fold['lineage'][number]>();

  for (const { change, envelope } of items) {
    const org = envelope.org ?? DEFAULT_ORG;
    const key = entityKey(org, change.urn);
    let state = fold.entities.get(key);
    const previous = storedByKey.get(key);
    const eventKey = entityKey(org, envelope.id);
    if (seen.has(eventKey)) {
      fold.results.push('duplicate');
      continue;
    }
    seen.add(eventKey);
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
      org,
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
    fold.entities.set(key, next);

    for (const rel of change.relationships) {
      const relKey = `${key}\u0000${rel.type}`;
      const edge: Edge | null =
        rel.toUrn === null
          ? null
          : {
              org,
              fromUrn: change.urn,
              type: rel.type,
              toUrn: rel.toUrn,
              cardinality: rel.cardinality,
              confidence: rel.confidence ?? 1,
              metadata: rel.metadata ?? {},
            };
      if (rel.cardinality === 'MANY_TO_ONE' || rel.cardinality === 'ONE_TO_ONE' || edge === null) {
        toOne.set(relKey, { org, fromUrn: change.urn, type: rel.type, toUrn: rel.toUrn, edge });
      } else {
        toMany.set(`${relKey}\u0000${rel.toUrn}`, edge);
      }
    }
    lineage.set(`${key}\u0000${envelope.source}`, {
      org,
      upstreamUrn: envelope.source,
      downstreamUrn: change.urn,
      eventId: envelope.id,
      eventType: envelope.type,
    });
  }
  fold.toOne = [...toOne.values()].map(({ org, fromUrn, type, toUrn }) => ({ org, fromUrn, type, toUrn }));
  fold.edges = [...[...toOne.values()].flatMap((t) => (t.edge ? [t.edge] : [])), ...toMany.values()];
  fold.lineage = [...lineage.values()];
  return fold;
}

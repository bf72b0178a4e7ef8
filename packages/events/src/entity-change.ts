/** Operation an entity change event reports. */
export type EntityOperation = 'created' | 'updated' | 'deleted';

/** Cardinality of a relationship, seen from its `from` side. */
export type Cardinality = 'ONE_TO_ONE' | 'ONE_TO_MANY' | 'MANY_TO_ONE' | 'MANY_TO_MANY';

/** A typed edge from the changed entity to another entity. */
export interface RelationshipRef {
  /** UPPER_SNAKE relationship type, read from the `from` side: `PART_OF`, `ASSIGNED_TO`. */
  type: string;
  /** Target URN; `null` clears a `*_TO_ONE` relationship of this type (e.g. unassigned). */
  toUrn: string | null;
  cardinality: Cardinality;
  /** 0–1; 1 for relationships the source states itself. */
  confidence?: number;
  metadata?: Record<string, unknown>;
}

/**
 * The data of an entity change CloudEvent: one entity's state as its source reported it.
 * JSON Schema: `schemas/events/entity-change.v1.schema.json`.
 */
export interface EntityChange {
  urn: string;
  source: string;
  entityType: string;
  sourceId: string;
  domain: string;
  operation: EntityOperation;
  /** The attributes are a partial view, merged into the stored state rather than replacing it. */
  partial?: boolean;
  displayName?: string | null;
  attributes: Record<string, unknown>;
  /** Attribute names the source says changed (Chatwoot `changed_attributes`). */
  changedAttributes?: string[];
  /** When the change happened at the source, ISO-8601. Orders concurrent changes (last writer wins). */
  occurredAt: string;
  schemaVersion?: string;
  /** Text the catalog embeds for similarity search; defaults to the display name and attributes. */
  searchText?: string;
  relationships: RelationshipRef[];
}

import type { DeadLetter, EntityCatalog, EntityRelationship, EventLog, StoredApiKey } from '@dictamesh/db';

/** A catalog row, the parent of `Entity` resolvers. */
export type EntityRecord = EntityCatalog;

/** Direction of an edge relative to the entity it was reached from. */
export type Direction = 'OUTGOING' | 'INCOMING';

/** A relationship row plus the direction it was reached in (parent of `Relationship`). */
export type RelationshipRecord = EntityRelationship & { direction: Direction };

/** An event log row (parent of `EntityEvent`). */
export type EventRecord = EventLog;

/** Parent of `EntityConnection`: one page plus a lazy total. */
export interface EntityConnectionRecord {
  nodes: EntityRecord[];
  hasNextPage: boolean;
  cursorOf(entity: EntityRecord): string;
  totalCount(): Promise<number>;
}

/** Parent of `SearchHit`. */
export interface SearchHitRecord {
  entity: EntityRecord;
  /** pgvector cosine distance, 0–2. */
  distance: number;
}

/** A dead letter row (parent of `DeadLetter`). */
export type DeadLetterRecord = DeadLetter;

/** An API key as its store (`createApiKeyStore` in @dictamesh/db) gives it. */
export type ApiKeyRecord = StoredApiKey;

/** Parent of `DeadLetterConnection`. */
export interface DeadLetterConnectionRecord {
  nodes: DeadLetterRecord[];
  hasNextPage: boolean;
  endCursor: string | null;
}

/**
 * Parent of `Organization`: the reference of the caller's own organisation (its `org`, e.g.
 * `acme`, `default`); its counts are loaded per field ({@link EntityTypeCountRecord}).
 */
export interface OrganizationRecord {
  id: string;
}

/** Parent of `EntityTypeCount`: how many live (not deleted) entities of one source system and type an organisation has. */
export interface EntityTypeCountRecord {
  sourceSystem: string;
  entityType: string;
  count: number;
}

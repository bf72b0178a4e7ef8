import type { EntityOperation } from './entity-change';

/** Event bus topic names (same on Kafka and on the in-process bus). */
export const TOPICS = {
  entityCreated: 'dictamesh.entity.created',
  entityUpdated: 'dictamesh.entity.updated',
  entityDeleted: 'dictamesh.entity.deleted',
  schemaChanged: 'dictamesh.schema.changed',
  adapterEvent: 'dictamesh.adapter.event',
  /** Metered GraphQL operations (the usage stream billing consumes), keyed by organisation. */
  operationUsage: 'dictamesh.usage.operation',
  dlq: 'dictamesh.dlq',
} as const;

/** The three entity change topics. */
export const ENTITY_TOPICS = [TOPICS.entityCreated, TOPICS.entityUpdated, TOPICS.entityDeleted] as const;

/** Topic (and CloudEvent `type`) of an entity change operation. */
export function entityTopic(operation: EntityOperation): (typeof ENTITY_TOPICS)[number] {
  return operation === 'created' ? TOPICS.entityCreated : operation === 'deleted' ? TOPICS.entityDeleted : TOPICS.entityUpdated;
}

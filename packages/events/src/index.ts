export { formatUrn, parseUrn, type UrnParts } from './urn';
export type { EntityChange, EntityOperation, Cardinality, RelationshipRef } from './entity-change';
export { TOPICS, ENTITY_TOPICS, entityTopic } from './topics';
export { toEntityChangeEvent, deterministicEventId, type EntityChangeEvent, type EnvelopeOptions } from './cloudevent';
export { assertEntityChange } from './validate';
export type { EventBus, BusRecord, OutgoingRecord, RecordMetadata, SubscribeOptions, Consumer } from './bus';
export { InProcessEventBus, type InProcessBusOptions } from './in-process-bus';
export { drain } from './drain';

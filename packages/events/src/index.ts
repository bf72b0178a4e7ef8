export { formatUrn, parseUrn, type UrnParts } from './urn';
export type { EntityChange, EntityOperation, Cardinality, RelationshipRef } from './entity-change';
export { TOPICS, ENTITY_TOPICS, BILLING_TOPICS, entityTopic } from './topics';
export type { BillingInvoiceEvent, BillingPaymentFailed, BillingUsageThresholdReached } from './billing-events';
export { configChangeMatches, type ConfigChanged, type ConfigScopeRef, type ConfigWatch } from './config-events';
export type { NotificationInApp } from './notification-events';
export type {
  SchemaChanged,
  AdapterEvent,
  AdapterEventName,
  AdapterStatus,
  AdapterSyncPhase,
  AdapterSyncProgress,
  OperationUsage,
  StorageUsage,
} from './platform-events';
export { toEntityChangeEvent, toDictaMeshEvent, deterministicEventId, type EntityChangeEvent, type EnvelopeOptions } from './cloudevent';
export {
  assertEntityChange,
  assertEventData,
  assertValidEvent,
  isDictaMeshType,
  schemaValidation,
  EVENT_SCHEMAS,
  type EventType,
  type EventDataOf,
} from './validate';
export type { EventBus, BusRecord, OutgoingRecord, RecordMetadata, SubscribeOptions, Consumer } from './bus';
export { InProcessEventBus, type InProcessBusOptions } from './in-process-bus';
export type { InProcessOutboxOptions } from './outbox';
export type { OutboxStore, OutboxEntry, StoredOutboxEntry } from './outbox-store';
export { drain } from './drain';
export { KAFKA_BUS_DEFAULTS, KafkaEventBus, type KafkaBusOptions } from './kafka/kafka-bus';
export type { TopicSettings } from './kafka/topics';
export { RETRY_DEFAULTS, type RetrySettings } from './delivery';

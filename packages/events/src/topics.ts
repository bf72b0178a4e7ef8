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
  /** Catalog storage measured per organisation (the catalog's hourly report billing meters), keyed by organisation. */
  storageUsage: 'dictamesh.usage.storage',
  dlq: 'dictamesh.dlq',
  /** Billing events (keyed by organisation): an invoice finalized, paid or voided, a payment failed, a usage threshold reached. */
  invoiceFinalized: 'dictamesh.billing.invoice.finalized',
  invoicePaid: 'dictamesh.billing.invoice.paid',
  invoiceVoided: 'dictamesh.billing.invoice.voided',
  paymentFailed: 'dictamesh.billing.payment.failed',
  usageThresholdReached: 'dictamesh.billing.usage.threshold_reached',
  /** Configuration changes (the config subgraph's change log, keyed by organisation or `platform`), which the gateway's `configChanged` and config clients follow. */
  configChanged: 'dictamesh.config.changed',
  /** In-app notifications stored for a subscriber (keyed by organisation), which the gateway's `notificationReceived` pushes live. */
  notificationInApp: 'dictamesh.notification.in_app',
} as const;

/** The three entity change topics. */
export const ENTITY_TOPICS = [TOPICS.entityCreated, TOPICS.entityUpdated, TOPICS.entityDeleted] as const;

/** Topic (and CloudEvent `type`) of an entity change operation. */
export function entityTopic(operation: EntityOperation): (typeof ENTITY_TOPICS)[number] {
  return operation === 'created' ? TOPICS.entityCreated : operation === 'deleted' ? TOPICS.entityDeleted : TOPICS.entityUpdated;
}

/** The billing event topics (CloudEvent type = topic), which notifications consume. */
export const BILLING_TOPICS = [
  TOPICS.invoiceFinalized,
  TOPICS.invoicePaid,
  TOPICS.invoiceVoided,
  TOPICS.paymentFailed,
  TOPICS.usageThresholdReached,
] as const;

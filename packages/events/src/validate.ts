import { readdirSync, readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { CloudEvent } from 'cloudevents';
import { err } from '@dictamesh/runtime';
import type { EntityChange } from './entity-change';
import type { BillingInvoiceEvent, BillingPaymentFailed, BillingUsageThresholdReached } from './billing-events';
import type { ConfigChanged } from './config-events';
import type { NotificationInApp } from './notification-events';
import type { AdapterEvent, OperationUsage, SchemaChanged, StorageUsage } from './platform-events';
import { TOPICS } from './topics';

const schemaDir = new URL('../../../schemas/events/', import.meta.url);
const ajv = new Ajv2020({ allErrors: true, strict: true });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
for (const file of readdirSync(schemaDir)
  .filter((f) => f.endsWith('.schema.json'))
  .sort()) {
  ajv.addSchema(JSON.parse(readFileSync(new URL(file, schemaDir), 'utf8')) as object);
}

/**
 * Every CloudEvent type DictaMesh produces → the `$id` of the JSON Schema (2020-12) its data
 * follows, which is also the event's `dataschema` attribute. The schemas live in
 * `schemas/events/*.schema.json`.
 */
export const EVENT_SCHEMAS = {
  [TOPICS.entityCreated]: 'urn:dictamesh:schema:entity-change:1',
  [TOPICS.entityUpdated]: 'urn:dictamesh:schema:entity-change:1',
  [TOPICS.entityDeleted]: 'urn:dictamesh:schema:entity-change:1',
  [TOPICS.schemaChanged]: 'urn:dictamesh:schema:schema-changed:1',
  [TOPICS.adapterEvent]: 'urn:dictamesh:schema:adapter-event:1',
  [TOPICS.operationUsage]: 'urn:dictamesh:schema:operation-usage:1',
  [TOPICS.storageUsage]: 'urn:dictamesh:schema:storage-usage:1',
  [TOPICS.invoiceFinalized]: 'urn:dictamesh:schema:billing-invoice:1',
  [TOPICS.invoicePaid]: 'urn:dictamesh:schema:billing-invoice:1',
  [TOPICS.invoiceVoided]: 'urn:dictamesh:schema:billing-invoice:1',
  [TOPICS.paymentFailed]: 'urn:dictamesh:schema:billing-payment-failed:1',
  [TOPICS.usageThresholdReached]: 'urn:dictamesh:schema:billing-usage-threshold:1',
  [TOPICS.configChanged]: 'urn:dictamesh:schema:config-changed:1',
  [TOPICS.notificationInApp]: 'urn:dictamesh:schema:notification-in-app:1',
} as const;

/** A DictaMesh CloudEvent type. */
export type EventType = keyof typeof EVENT_SCHEMAS;

/** The data type of each {@link EventType}. */
export interface EventDataOf {
  'dictamesh.entity.created': EntityChange;
  'dictamesh.entity.updated': EntityChange;
  'dictamesh.entity.deleted': EntityChange;
  'dictamesh.schema.changed': SchemaChanged;
  'dictamesh.adapter.event': AdapterEvent;
  'dictamesh.usage.operation': OperationUsage;
  'dictamesh.usage.storage': StorageUsage;
  'dictamesh.billing.invoice.finalized': BillingInvoiceEvent;
  'dictamesh.billing.invoice.paid': BillingInvoiceEvent;
  'dictamesh.billing.invoice.voided': BillingInvoiceEvent;
  'dictamesh.billing.payment.failed': BillingPaymentFailed;
  'dictamesh.billing.usage.threshold_reached': BillingUsageThresholdReached;
  'dictamesh.config.changed': ConfigChanged;
  'dictamesh.notification.in_app': NotificationInApp;
}

const validators = new Map<string, ValidateFunction>(
  Object.entries(EVENT_SCHEMAS).map(([type, id]) => {
    const validate = ajv.getSchema(id);
    if (!validate) throw new Error(`schemas/events has no schema with $id ${id} (event type ${type})`);
    return [type, validate];
  }),
);

/** True for the CloudEvent types DictaMesh owns (`dictamesh.*`). */
export function isDictaMeshType(type: string): boolean {
  return type.startsWith('dictamesh.');
}

/**
 * Checks the data of a DictaMesh event type against its JSON Schema.
 * @throws DictaMeshError `BAD_USER_INPUT` (not retryable) for an unknown `dictamesh.*` type or
 *   data that breaks the schema, listing every violation in `details.problems`
 */
export function assertEventData<T extends EventType>(type: T, data: unknown): asserts data is EventDataOf[T];
export function assertEventData(type: string, data: unknown): void;
export function assertEventData(type: string, data: unknown): void {
  check(type, data, '');
}

/**
 * The one place the JSON Schema validators run. An object rather than a bare function so that
 * a test can count the checks (`vi.spyOn(schemaValidation, 'check')`): each change is checked
 * once per process it passes through.
 */
export const schemaValidation = {
  /**
   * Checks `data` against the JSON Schema of the DictaMesh event type `type`.
   * @param prefix put before the error message (the event id when there is one)
   * @throws DictaMeshError `BAD_USER_INPUT` (not retryable) for an unknown type or data that
   *   breaks the schema, listing every violation in `details.problems`
   */
  check(type: string, data: unknown, prefix: string): void {
    const validate = validators.get(type);
    if (!validate)
      throw err('BAD_USER_INPUT', `${prefix}unknown DictaMesh event type ${type}; known: ${Object.keys(EVENT_SCHEMAS).join(', ')}`);
    if (validate(data)) return;
    const problems = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`.trim());
    throw err('BAD_USER_INPUT', `${prefix}invalid ${type} data: ${problems.join('; ')}`, { problems, type });
  },
};

const check = (type: string, data: unknown, prefix: string) => schemaValidation.check(type, data, prefix);

/**
 * The events this process has checked and found valid. CloudEvent objects are frozen, so one
 * that passed stays valid: the bus's publish check and its in-process delivery do not check it
 * again. A record read from Kafka or recovered from the outbox is a new object, checked once
 * where it enters this process.
 */
const validHere = new WeakSet<CloudEvent<unknown>>();

/**
 * Records that `event` was built from data this process has just checked (see
 * {@link assertValidEvent}); for the event builders of this package.
 */
export function rememberValid(event: CloudEvent<unknown>): void {
  validHere.add(event);
}

/**
 * The produce/consume check every bus transport applies: a `dictamesh.*` event must have a
 * known type, the matching `dataschema` (when it names one) and data valid against the
 * schema. Events of other types (foreign producers, tests) are not DictaMesh's to judge and
 * pass unchecked. Each event object is checked once per process: where it enters the process
 * (built by a producer, or decoded on receipt); an event this process already found valid
 * passes at once (in-process delivery of a published event checks nothing again).
 * @throws DictaMeshError `BAD_USER_INPUT` (not retryable) naming the event id and the problems
 */
export function assertValidEvent(event: CloudEvent<unknown>): void {
  if (!isDictaMeshType(event.type) || validHere.has(event)) return;
  const expected = EVENT_SCHEMAS[event.type as EventType] as string | undefined;
  if (expected && event.dataschema && event.dataschema !== expected) {
    throw err('BAD_USER_INPUT', `Event ${event.id}: dataschema ${event.dataschema} does not match ${event.type} (expects ${expected})`);
  }
  check(event.type, event.data, `Event ${event.id}: `);
  validHere.add(event);
}

/**
 * Checks an entity change against `schemas/events/entity-change.v1.schema.json`.
 * @throws DictaMeshError `BAD_USER_INPUT` listing every violation (`details.problems`)
 */
export function assertEntityChange(data: unknown): asserts data is EntityChange {
  assertEventData(TOPICS.entityUpdated, data);
}

import {
  assertValidEvent,
  ENTITY_TOPICS,
  TOPICS,
  type AdapterEvent,
  type AdapterEventName,
  type AdapterStatus,
  type BusRecord,
  type OperationUsage,
  type StorageUsage,
} from '@dictamesh/events';
import { DEFAULT_ORG, err } from '@dictamesh/runtime';
import { Money } from '../money';

/**
 * The billable metrics DictaMesh meters: the codes of `dictamesh_billable_metrics` (seeded by
 * the billing migration with their aggregation).
 */
export const METRIC_CODES = {
  /** COUNT: GraphQL operations the gateway answered, refused ones included. */
  graphqlOperations: 'graphql_operations',
  /** SUM: estimated cost of those operations, cost spec units (decimal). */
  costUnits: 'cost_units',
  /** COUNT: entity change CloudEvents published for the organisation. */
  kafkaEvents: 'kafka_events',
  /** MAX: most adapters active at the same time (see {@link adapterActivity}). */
  activeAdapters: 'active_adapters',
  /** LATEST: catalog storage, decimal GB (10^9 bytes), the latest measurement. */
  storageGb: 'storage_gb',
} as const;

/** A metric code of {@link METRIC_CODES}. */
export type MetricCode = (typeof METRIC_CODES)[keyof typeof METRIC_CODES];

/** The CloudEvent types (= topics) billing meters. */
export const METERED_TYPES = [TOPICS.operationUsage, ...ENTITY_TOPICS, TOPICS.adapterEvent, TOPICS.storageUsage] as const;

/** One value one event adds to one metric. */
export interface UsageValue {
  metricCode: MetricCode;
  /** Decimal string (`1`, `12.5`, `0.000004096`). */
  value: string;
  /** The key of a per-key state (the adapter id of `active_adapters`); absent for other metrics. */
  uniqueKey?: string;
}

/** What one CloudEvent adds to the usage of one organisation. */
export interface MeteredEvent {
  /** CloudEvent `source`. */
  source: string;
  /** CloudEvent `id`. */
  eventId: string;
  orgId: string;
  /**
   * The instant the usage is counted at (decides the billing period): the operation's start,
   * the adapter event's instant, the storage measurement's instant, and for entity changes the
   * instant the bus took the record (their CloudEvent `time` is the source time, which for a
   * backfill lies in periods already invoiced).
   */
  occurredAt: Date;
  values: UsageValue[];
}

/** Adapter events after which an adapter is inactive whatever its status says. */
const DEACTIVATING: ReadonlySet<AdapterEventName> = new Set<AdapterEventName>(['paused', 'removed']);
/** Statuses of an active adapter. */
const ACTIVE_STATUSES: ReadonlySet<AdapterStatus> = new Set<AdapterStatus>(['RUNNING', 'STARTING']);

/**
 * Whether an adapter is active right after one of its events: status `RUNNING` or `STARTING`
 * and the event neither `paused` nor `removed`. `PAUSED`, `FAILED` and `STOPPED` are inactive.
 *
 * `active_adapters` is metered as a per-adapter state: every adapter event is one usage
 * record with `uniqueKey` = adapter id and value 1 (active) or 0 (inactive). The number of
 * adapters active at an instant is the sum, over adapters, of the value of each adapter's
 * latest record at or before that instant; the period's quantity (MAX) is the most of that
 * number over the period's start (the state carried in) and the instants of its records
 * (see `aggregateUsage`).
 */
export function adapterActivity(data: Pick<AdapterEvent, 'event' | 'status'>): 0 | 1 {
  return ACTIVE_STATUSES.has(data.status) && !DEACTIVATING.has(data.event) ? 1 : 0;
}

/** Bytes as decimal GB (10^9 bytes), exact: `1234567` → `0.001234567`. */
export function bytesToGb(bytes: number): string {
  return new Money(bytes).div(1e9).toFixed();
}

/**
 * Reads what one CloudEvent adds to the usage of its organisation (pure; the data is checked
 * against its JSON Schema unless this process already found the event valid):
 * - `dictamesh.usage.operation` → `graphql_operations` 1 and `cost_units` = `data.cost`, for
 *   `data.org`, at `data.occurredAt`;
 * - `dictamesh.entity.created|updated|deleted` → `kafka_events` 1, for the `orgid` extension
 *   (the default organisation when absent), at `receivedAt`;
 * - `dictamesh.adapter.event` → `active_adapters` 1 or 0 ({@link adapterActivity}) keyed by
 *   the adapter id, for `orgid` (default when absent), at `data.occurredAt`;
 * - `dictamesh.usage.storage` → `storage_gb` = `data.bytes` / 10^9, for `data.org`, at
 *   `data.measuredAt`.
 *
 * @param receivedAt when the bus took the record (`BusRecord.timestamp`)
 * @throws DictaMeshError `BAD_USER_INPUT` (not retryable) for another type, a CloudEvent
 *   without id or source, data that breaks its schema, or an instant that is not a date
 */
export function meterEvent(event: BusRecord['event'], receivedAt: Date): MeteredEvent {
  if (!(METERED_TYPES as readonly string[]).includes(event.type)) {
    throw err('BAD_USER_INPUT', `Event ${String(event.id)}: billing does not meter CloudEvents of type ${event.type}`);
  }
  if (event.specversion !== '1.0' || typeof event.id !== 'string' || !event.id || typeof event.source !== 'string' || !event.source) {
    throw err('BAD_USER_INPUT', `Event ${String(event.id)} of type ${event.type} is not a CloudEvent 1.0 with an id and a source`);
  }
  assertValidEvent(event);
  const base = { source: event.source, eventId: event.id };
  const extensionOrg = typeof event.orgid === 'string' && event.orgid ? event.orgid : DEFAULT_ORG;
  switch (event.type) {
    case TOPICS.operationUsage: {
      const data = event.data as OperationUsage;
      return {
        ...base,
        orgId: data.org,
        occurredAt: instant(data.occurredAt, event.id),
        values: [
          { metricCode: METRIC_CODES.graphqlOperations, value: '1' },
          { metricCode: METRIC_CODES.costUnits, value: new Money(data.cost).toFixed() },
        ],
      };
    }
    case TOPICS.adapterEvent: {
      const data = event.data as AdapterEvent;
      return {
        ...base,
        orgId: extensionOrg,
        occurredAt: instant(data.occurredAt, event.id),
        values: [{ metricCode: METRIC_CODES.activeAdapters, value: String(adapterActivity(data)), uniqueKey: data.adapterId }],
      };
    }
    case TOPICS.storageUsage: {
      const data = event.data as StorageUsage;
      return {
        ...base,
        orgId: data.org,
        occurredAt: instant(data.measuredAt, event.id),
        values: [{ metricCode: METRIC_CODES.storageGb, value: bytesToGb(data.bytes) }],
      };
    }
    default:
      return { ...base, orgId: extensionOrg, occurredAt: receivedAt, values: [{ metricCode: METRIC_CODES.kafkaEvents, value: '1' }] };
  }
}

function instant(iso: string, eventId: string): Date {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) throw err('BAD_USER_INPUT', `Event ${eventId}: ${iso} is not an instant`);
  return date;
}

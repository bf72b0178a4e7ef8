import { createHash, randomUUID } from 'node:crypto';
import type { PrismaClient } from '@dictamesh/db';
import { TOPICS, toDictaMeshEvent, type AdapterEvent, type AdapterEventName, type EventBus } from '@dictamesh/events';
import type { Logger } from '@dictamesh/runtime';
import type { SyncProgressState } from './sync-progress';

const SYNC_EVENTS: Record<SyncProgressState['phase'], AdapterEventName> = {
  started: 'sync.started',
  running: 'sync.progressed',
  completed: 'sync.completed',
  failed: 'sync.failed',
  cancelled: 'sync.cancelled',
};

/**
 * The `AdapterEvent` fields of a sync's progress: the event of its phase (`sync.started`,
 * `sync.progressed`, `sync.completed`, `sync.failed`, `sync.cancelled`), its `sync` summary,
 * its `progress` and, when it failed, its `error`.
 */
export function syncEventFields(state: SyncProgressState): Pick<AdapterEvent, 'event' | 'sync' | 'progress' | 'error'> {
  return {
    event: SYNC_EVENTS[state.phase],
    sync: { mode: state.mode, resource: state.resource, entities: state.entities, pages: state.pages, durationMs: state.durationMs },
    progress: {
      syncId: state.syncId,
      phase: state.phase,
      pages: state.pages,
      entities: state.entities,
      entitiesTotal: state.entitiesTotal,
      entitiesPerSecond: state.entitiesPerSecond,
      etaSeconds: state.etaSeconds,
      startedAt: state.startedAt,
    },
    ...(state.error !== null ? { error: state.error } : {}),
  };
}

/**
 * Publishes an adapter lifecycle / sync / health event on `dictamesh.adapter.event` (keyed by
 * adapter id, so one adapter's events stay in order), with the adapter's organisation in the
 * CloudEvent extension `orgid` (billing meters active adapters per organisation). Never throws:
 * a bus outage must not stop an adapter; the failure is logged.
 */
export async function publishAdapterEvent(bus: EventBus, log: Logger, org: string, data: Omit<AdapterEvent, 'occurredAt'>): Promise<void> {
  const event = toDictaMeshEvent(
    TOPICS.adapterEvent,
    { ...data, occurredAt: new Date().toISOString() },
    {
      id: randomUUID(),
      source: `/dictamesh/adapters/${data.adapterId}`,
      subject: data.adapterId,
      org,
    },
  );
  await bus.publish(TOPICS.adapterEvent, [{ key: data.adapterId, event }]).catch((error: unknown) => {
    log.warn({ err: error, adapter: data.adapterId, event: data.event }, 'adapter event not published');
  });
}

/**
 * Stores a JSON Schema version in the schema registry (`dictamesh_schemas`) unless the same
 * definition is already there, and announces a new version on `dictamesh.schema.changed`.
 * Versions count up per subject; the fingerprint is SHA-256 over the JSON text.
 * @returns the version number of the definition
 */
export async function registerSchema(
  prisma: PrismaClient,
  bus: EventBus,
  log: Logger,
  subject: string,
  definition: Record<string, unknown>,
  changedBy: string,
): Promise<number> {
  const fingerprint = createHash('sha256').update(JSON.stringify(definition)).digest('hex');
  const existing = await prisma.schemaDefinition.findUnique({ where: { subject_fingerprint: { subject, fingerprint } } });
  if (existing) return existing.version;
  const latest = await prisma.schemaDefinition.findFirst({ where: { subject }, orderBy: { version: 'desc' } });
  const version = (latest?.version ?? 0) + 1;
  await prisma.schemaDefinition.create({
    data: { subject, version, format: 'JSON_SCHEMA', definition: definition as object, fingerprint },
  });
  const event = toDictaMeshEvent(
    TOPICS.schemaChanged,
    {
      subject,
      version,
      previousVersion: latest?.version ?? null,
      format: 'JSON_SCHEMA',
      fingerprint,
      definition,
      change: latest ? 'updated' : 'created',
      changedBy,
      occurredAt: new Date().toISOString(),
    },
    { id: `${subject}@${version}`, source: '/dictamesh/catalog/schemas', subject },
  );
  await bus.publish(TOPICS.schemaChanged, [{ key: subject, event }]).catch((error: unknown) => {
    log.warn({ err: error, subject, version }, 'schema change not published');
  });
  return version;
}

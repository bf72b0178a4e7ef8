import { readFileSync } from 'node:fs';
import { parse, subscribe, type ExecutionResult, type GraphQLObjectType } from 'graphql';
import { afterEach, describe, expect, it } from 'vitest';
import { InProcessEventBus, toDictaMeshEvent, TOPICS, type AdapterEvent } from '@dictamesh/events';
import { createLogger, type Principal } from '@dictamesh/runtime';
import { apiSchemaOf } from '../supergraph';
import { AdapterSyncHub, type AdapterSyncNotice } from './adapter-sync-hub';
import { isStale } from './adapter-sync-progress';
import type { SupergraphExecutor } from './delegate';
import { buildSubscriptionSchema, type SubscriptionContext } from './schema';

const supergraphSdl = readFileSync(new URL('../../../schemas/supergraph.graphql', import.meta.url), 'utf8');
const STARTED_AT = '2026-12-01T08:00:00.000Z';

/** A `sync.*` event of adapter `id` at `pages` pages of 10 entities (of 40), in phase `phase`. */
const progressEvent = (id: string, phase: 'started' | 'running' | 'completed' | 'failed', pages: number, syncId = 's-1'): AdapterEvent => ({
  adapterId: id,
  kind: 'rest-json',
  event:
    phase === 'started'
      ? 'sync.started'
      : phase === 'running'
        ? 'sync.progressed'
        : phase === 'completed'
          ? 'sync.completed'
          : 'sync.failed',
  status: 'RUNNING',
  sync: { mode: 'backfill', resource: 'items', entities: pages * 10, pages, durationMs: pages * 1_000 },
  progress: {
    syncId,
    phase,
    pages,
    entities: pages * 10,
    entitiesTotal: 40,
    entitiesPerSecond: pages ? 10 : null,
    etaSeconds: phase === 'completed' ? 0 : pages ? 4 - pages : null,
    startedAt: STARTED_AT,
  },
  ...(phase === 'failed' ? { error: 'GET http://10.0.0.5/items answered 500' } : {}),
  occurredAt: STARTED_AT,
});
let sequence = 0;
const publish = (bus: InProcessEventBus, org: string | undefined, events: AdapterEvent[]) =>
  bus.publish(
    TOPICS.adapterEvent,
    events.map((e) => ({
      key: e.adapterId,
      event: toDictaMeshEvent(TOPICS.adapterEvent, e, {
        id: `ev-${(sequence += 1)}`,
        source: `/dictamesh/adapters/${e.adapterId}`,
        ...(org ? { org } : {}),
      }),
    })),
  );
const notice = (pages: number, phase: AdapterSyncNotice['phase'], syncId = 's-1', error: string | null = null): AdapterSyncNotice => ({
  adapterId: 'crm',
  syncId,
  mode: 'BACKFILL',
  phase,
  resource: 'items',
  pages,
  entities: pages * 10,
  entitiesTotal: 40,
  entitiesPerSecond: pages ? 10 : null,
  etaSeconds: phase === 'COMPLETED' ? 0 : pages ? 4 - pages : null,
  durationMs: pages * 1_000,
  startedAt: STARTED_AT,
  error,
});

let bus: InProcessEventBus | undefined;
let hub: AdapterSyncHub | undefined;
afterEach(async () => {
  await hub?.stop();
  await bus?.close();
});

async function start(): Promise<AdapterSyncHub> {
  bus = new InProcessEventBus({ partitions: 1 });
  hub = new AdapterSyncHub({ bus, log: createLogger('test', 'silent'), groupId: 'gw' });
  await hub.start();
  return hub;
}

describe('adapter sync hub', () => {
  it("pushes an adapter's progress to the listeners of that adapter in the event's organisation only", async () => {
    const hub = await start();
    const seen: Record<string, string[]> = { acmeCrm: [], acmeErp: [], globexCrm: [], defaultCrm: [] };
    const record = (name: string) => (n: AdapterSyncNotice) => void seen[name]!.push(`${n.adapterId}:${n.phase}:${n.pages}`);
    hub.listen('acme', 'crm', record('acmeCrm'));
    hub.listen('acme', 'erp', record('acmeErp'));
    hub.listen('globex', 'crm', record('globexCrm'));
    hub.listen('default', 'crm', record('defaultCrm'));
    expect(hub.size).toBe(4);
    await publish(bus!, 'acme', [progressEvent('crm', 'started', 0), progressEvent('crm', 'running', 1)]);
    await publish(bus!, undefined, [progressEvent('crm', 'running', 2)]); // no orgid: the default organisation
    // events without progress (lifecycle, health) are not sync reports
    await publish(bus!, 'acme', [
      { adapterId: 'crm', kind: 'rest-json', event: 'health.changed', status: 'RUNNING', occurredAt: STARTED_AT },
    ]);
    await publish(bus!, 'acme', [progressEvent('crm', 'completed', 4)]);
    await expect.poll(() => seen.acmeCrm!.length, { timeout: 5_000 }).toBe(3);
    expect(seen).toEqual({
      acmeCrm: ['crm:STARTED:0', 'crm:RUNNING:1', 'crm:COMPLETED:4'],
      acmeErp: [],
      globexCrm: [],
      defaultCrm: ['crm:RUNNING:2'],
    });
  });

  it('tells stale reports: an older run, or the same run not further on', () => {
    expect(isStale(undefined, notice(1, 'RUNNING'))).toBe(false);
    expect(isStale(notice(2, 'RUNNING'), notice(2, 'RUNNING'))).toBe(true);
    expect(isStale(notice(2, 'RUNNING'), notice(1, 'RUNNING'))).toBe(true);
    expect(isStale(notice(0, 'STARTED'), notice(0, 'STARTED'))).toBe(true);
    expect(isStale(notice(2, 'RUNNING'), notice(2, 'COMPLETED'))).toBe(false);
    expect(isStale(notice(2, 'RUNNING'), notice(3, 'RUNNING'))).toBe(false);
    expect(isStale(notice(4, 'COMPLETED'), notice(0, 'STARTED', 's-2'))).toBe(false); // a new run
    expect(isStale(notice(0, 'STARTED', 's-2'), { ...notice(4, 'COMPLETED'), startedAt: '2026-12-01T07:00:00.000Z' })).toBe(true);
  });
});

describe('adapterSyncProgress subscription', () => {
  const schema = buildSubscriptionSchema(apiSchemaOf(supergraphSdl));
  const ann: Principal = { subject: 'ann', org: 'acme', scopes: ['adapters:read'], method: 'jwt' };
  const FIELDS =
    'adapterId syncId mode phase resource pages entities entitiesTotal entitiesPerSecond etaSeconds durationMs startedAt error';
  /** The supergraph as the subscriber reads it: `lastSync` states in turn (the last one repeats), null for an unknown adapter. */
  const supergraph =
    (states: Array<AdapterSyncNotice | null> | null, calls: Array<{ id: unknown; subject: string }> = []): SupergraphExecutor =>
    async (_document, variables, principal) => {
      calls.push({ id: variables.id, subject: principal.subject });
      if (states === null) return { data: { adapter: null } };
      const state = states.length > 1 ? states.shift()! : states[0]!;
      if (!state) return { data: { adapter: { id: variables.id, lastSync: null } } };
      const { adapterId: _id, ...lastSync } = state;
      return { data: { adapter: { id: variables.id, lastSync } } };
    };
  const run = (execute: SupergraphExecutor, principal: Principal = ann) =>
    subscribe({
      schema,
      document: parse(`subscription { adapterSyncProgress(id: "crm") { ${FIELDS} } }`),
      contextValue: {
        hub: undefined as never,
        adapterSyncHub: hub,
        principal,
        bufferLimit: 100,
        execute,
        disconnect: () => undefined,
      } satisfies SubscriptionContext,
    });
  const values = async (iterator: AsyncIterableIterator<ExecutionResult>, count: number) => {
    const out: unknown[] = [];
    for (let i = 0; i < count; i += 1) {
      const result = await iterator.next();
      out.push(result.done ? 'done' : (result.value.data?.adapterSyncProgress ?? result.value.errors));
    }
    return out;
  };

  it('is in the subscription schema with the payload type of the gateway', () => {
    const field = schema.getSubscriptionType()!.getFields().adapterSyncProgress!;
    expect(String(field.type)).toBe('AdapterSyncProgress!');
    expect(field.args.map((a) => `${a.name}: ${String(a.type)}`)).toEqual(['id: ID!']);
    const type = schema.getType('AdapterSyncProgress') as GraphQLObjectType;
    expect(Object.fromEntries(Object.values(type.getFields()).map((f) => [f.name, String(f.type)]))).toMatchObject({
      phase: 'AdapterSyncPhase!',
      mode: 'SyncMode!',
      entitiesTotal: 'Int',
      etaSeconds: 'Float',
    });
  });

  it('sends the current state first (read as the subscriber), then the reports that move on, and completes after the end', async () => {
    await start();
    const calls: Array<{ id: unknown; subject: string }> = [];
    const iterator = (await run(supergraph([notice(1, 'RUNNING')], calls))) as AsyncIterableIterator<ExecutionResult>;
    expect(calls).toEqual([{ id: 'crm', subject: 'ann' }]);
    expect(hub!.size).toBe(1);
    // page 1 again (already seen in the state), then pages 2 and 3 and the end; another organisation's crm is not ours
    await publish(bus!, 'globex', [progressEvent('crm', 'running', 3)]);
    await publish(bus!, 'acme', [
      progressEvent('crm', 'running', 1),
      progressEvent('crm', 'running', 2),
      progressEvent('crm', 'running', 3),
    ]);
    await publish(bus!, 'acme', [progressEvent('crm', 'completed', 4)]);
    expect(await values(iterator, 5)).toEqual([
      notice(1, 'RUNNING'),
      notice(2, 'RUNNING'),
      notice(3, 'RUNNING'),
      notice(4, 'COMPLETED'),
      'done',
    ]);
    expect(hub!.size).toBe(0);
  });

  it('completes at once when the latest run had ended; shows a failure as the subscriber may read it', async () => {
    await start();
    const ended = (await run(supergraph([notice(4, 'COMPLETED')]))) as AsyncIterableIterator<ExecutionResult>;
    expect(await values(ended, 2)).toEqual([notice(4, 'COMPLETED'), 'done']);
    expect(hub!.size).toBe(0);

    const shown = 'GET <url> answered 500';
    const failing = (await run(
      supergraph([notice(0, 'STARTED'), notice(2, 'FAILED', 's-1', shown)]),
    )) as AsyncIterableIterator<ExecutionResult>;
    await publish(bus!, 'acme', [progressEvent('crm', 'failed', 2)]);
    expect(await values(failing, 3)).toEqual([notice(0, 'STARTED'), notice(2, 'FAILED', 's-1', shown), 'done']);
  });

  it("refuses an unknown adapter or another organisation's with NOT_FOUND, listening to nothing", async () => {
    await start();
    const result = (await run(supergraph(null))) as ExecutionResult;
    expect(result.errors?.map((e) => [e.extensions['code'], e.message])).toEqual([['NOT_FOUND', 'No adapter "crm"']]);
    expect(hub!.size).toBe(0);
    const refused: SupergraphExecutor = async () => ({
      errors: [{ message: 'Unauthorized field or type', extensions: { code: 'UNAUTHORIZED' } }],
    });
    expect(((await run(refused)) as ExecutionResult).errors?.map((e) => e.extensions['code'])).toEqual(['UNAUTHORIZED']);
    expect(hub!.size).toBe(0);
  });
});

import { GraphQLError, parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import { echo, err, orgOf, type Principal } from '@dictamesh/runtime';
import type { AdapterSyncHub, AdapterSyncNotice } from './adapter-sync-hub';
import type { SupergraphExecutor } from './delegate';
import { SubscriberQueue } from './subscriber-queue';

/**
 * `adapterSyncProgress` and its payload type, added to the subscription schema when the
 * supergraph's API schema has the adapters subgraph (its `SyncMode` and `AdapterSyncPhase` come from there).
 */
export const ADAPTER_SYNC_PROGRESS_SDL = /* GraphQL */ `
  """
  Where a sync run of a source adapter stands, as it goes.
  """
  type AdapterSyncProgress {
    adapterId: ID!
    "Id of the run; null for runs recorded before runs had ids."
    syncId: ID
    mode: SyncMode!
    phase: AdapterSyncPhase!
    "Resource of the latest page read."
    resource: String
    "Pages read so far."
    pages: Int!
    "Entity changes published so far."
    entities: Int!
    "Entity changes the run publishes in all, when the source says."
    entitiesTotal: Int
    "Entities per second over the last seconds; null before it can be measured."
    entitiesPerSecond: Float
    "Seconds to completion at that rate, when the total is known (0 once completed)."
    etaSeconds: Float
    "Milliseconds since the run started."
    durationMs: Float!
    startedAt: DateTime
    "Why the run failed (phase FAILED), as \`Adapter.lastSync.error\` shows it to the subscriber."
    error: String
  }

  extend type Subscription {
    """
    Sync progress of one of the caller's organisation's adapters: first where its latest run
    stands (\`Adapter.lastSync\`, read as the caller, so a late subscriber sees where it is), then
    each report of the run — at its start, at most once per page and about once a second while it
    runs, and at its end. Completes after the run ends (COMPLETED, FAILED or CANCELLED; at once when
    the latest run had already ended). Needs what \`adapter(id)\` needs. Errors: NOT_FOUND (an
    unknown adapter or another organisation's).
    """
    adapterSyncProgress(id: ID!): AdapterSyncProgress!
  }
`;

/** Whether the API schema carries the adapters subgraph's sync types. */
export function hasAdapterSync(apiSchema: GraphQLSchema): boolean {
  return Boolean(apiSchema.getType('AdapterSyncPhase') && apiSchema.getType('SyncMode') && apiSchema.getQueryType()?.getFields().adapter);
}

const STATE: DocumentNode = parse(/* GraphQL */ `
  query AdapterSyncState($id: ID!) {
    adapter(id: $id) {
      id
      lastSync {
        syncId
        mode
        phase
        resource
        pages
        entities
        entitiesTotal
        entitiesPerSecond
        etaSeconds
        durationMs
        startedAt
        error
      }
    }
  }
`);

/** What `adapterSyncProgress` needs of the connection's context. */
export interface AdapterSyncProgressContext {
  adapterSyncHub?: AdapterSyncHub;
  principal: Principal;
  execute: SupergraphExecutor;
  bufferLimit: number;
  disconnect(reason: string): void;
}

type LastSync = Omit<AdapterSyncNotice, 'adapterId' | 'phase'> & { phase: AdapterSyncNotice['phase'] | null };

/**
 * The adapter's latest run as the subscriber reads it through the supergraph (authorization and
 * its organisation apply): null when it never synced.
 * @throws GraphQLError `NOT_FOUND` when the subscriber sees no such adapter; the read's own first error with its code
 */
async function readState(context: AdapterSyncProgressContext, id: string): Promise<AdapterSyncNotice | null> {
  const result = await context.execute(STATE, { id }, context.principal);
  const [error] = result.errors ?? [];
  if (error) throw new GraphQLError(error.message, { extensions: error.extensions ?? {} });
  const adapter = result.data?.adapter as { id: string; lastSync: LastSync | null } | null | undefined;
  if (!adapter) throw err('NOT_FOUND', `No adapter ${echo(id)}`, { field: 'id' }).toGraphQLError();
  if (!adapter.lastSync) return null;
  // a run recorded before phases were kept has ended or is followed by live reports
  return { adapterId: adapter.id, ...adapter.lastSync, phase: adapter.lastSync.phase ?? 'COMPLETED' };
}

const RANK: Record<AdapterSyncNotice['phase'], number> = { STARTED: 0, RUNNING: 1, COMPLETED: 2, FAILED: 2, CANCELLED: 2 };
const ended = (notice: AdapterSyncNotice) => RANK[notice.phase] === 2;

/**
 * Whether a live report adds nothing to what the subscriber has: one of an older run, or of the
 * same run and not further on (the bus delivers at least once; the first state may be newer).
 */
export function isStale(last: AdapterSyncNotice | undefined, notice: AdapterSyncNotice): boolean {
  if (!last) return false;
  if (last.startedAt && notice.startedAt && notice.startedAt < last.startedAt) return true;
  if (last.syncId !== notice.syncId) return false;
  return RANK[notice.phase] < RANK[last.phase] || (RANK[notice.phase] === RANK[last.phase] && notice.pages <= last.pages);
}

/**
 * The current state first, then the live reports that move on from it, until the run ends. A
 * plain iterator rather than an async generator: ending it (the client unsubscribed) must end
 * the live queue at once.
 */
class SyncProgressStream implements AsyncIterableIterator<AdapterSyncNotice> {
  private last: AdapterSyncNotice | undefined;
  private first: AdapterSyncNotice | null;
  private finished = false;

  constructor(
    first: AdapterSyncNotice | null,
    private readonly live: SubscriberQueue<AdapterSyncNotice>,
    private readonly errorOf: (notice: AdapterSyncNotice) => Promise<string | null>,
  ) {
    this.first = first;
  }

  async next(): Promise<IteratorResult<AdapterSyncNotice>> {
    if (this.first) {
      const first = this.first;
      this.first = null;
      return this.emit(first);
    }
    if (this.finished) return this.return();
    for (;;) {
      const result = await this.live.next();
      if (result.done) return result;
      if (isStale(this.last, result.value)) continue;
      const notice = result.value.phase === 'FAILED' ? { ...result.value, error: await this.errorOf(result.value) } : result.value;
      return this.emit(notice);
    }
  }

  return(): Promise<IteratorResult<AdapterSyncNotice>> {
    this.first = null;
    this.finished = true;
    return this.live.return();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private emit(notice: AdapterSyncNotice): IteratorResult<AdapterSyncNotice> {
    this.last = notice;
    if (ended(notice)) this.finished = true;
    return { value: notice, done: false };
  }
}

/**
 * Adds the resolvers of `adapterSyncProgress` to a subscription schema that has the field. On
 * subscribe: the live listener is registered first (buffering), then the current state is read
 * through the supergraph as the subscriber; its errors fail the subscription with their code.
 */
export function installAdapterSyncProgress(schema: GraphQLSchema): void {
  const field = schema.getSubscriptionType()?.getFields().adapterSyncProgress;
  if (!field) return;
  field.subscribe = async (_root, args: { id: string }, context: AdapterSyncProgressContext) => {
    if (!context.adapterSyncHub) throw new GraphQLError('adapter sync progress is not served by this gateway');
    let stopListening = () => {};
    const queue = new SubscriberQueue<AdapterSyncNotice>(
      context.bufferLimit,
      (buffered) => context.disconnect(`subscriber too slow: ${buffered} sync reports buffered`),
      () => stopListening(),
    );
    stopListening = context.adapterSyncHub.listen(orgOf(context.principal), args.id, (notice) => queue.push(notice));
    try {
      const current = await readState(context, args.id);
      // the error of a failed run as the subscriber may read it (the event's is whole)
      const errorOf = async (notice: AdapterSyncNotice) => {
        const state = await readState(context, args.id).catch(() => null);
        return state?.syncId === notice.syncId ? state.error : null;
      };
      return new SyncProgressStream(current, queue, errorOf);
    } catch (error) {
      await queue.return();
      throw error;
    }
  };
  field.resolve = (notice: AdapterSyncNotice) => notice;
}

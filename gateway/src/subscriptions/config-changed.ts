import { parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { ConfigWatch } from '@dictamesh/events';
import { orgOf, type Principal } from '@dictamesh/runtime';
import type { SupergraphExecutor } from './delegate';
import type { ConfigChangeHub, ConfigChangeNotice } from './config-hub';
import { SubscriberQueue } from './subscriber-queue';

/**
 * `configChanged`, added to the subscription schema when the supergraph's API schema has the
 * config subgraph's `ConfigChange` (its argument and result types come from there).
 */
export const CONFIG_CHANGED_SDL = /* GraphQL */ `
  extend type Subscription {
    """
    Configuration changes that reach a watch (the caller's organisation and the platform it
    inherits from; \`platform: true\` for the platform's only), in revision order: first every
    change after \`afterRevision\` (the log's history, no gaps), then live ones. When that history
    was compacted, one \`RESYNC\` change (re-read, then go on from its \`revision\`) and then live
    ones. Errors: CONFIG_REVISION_FUTURE, FORBIDDEN, CONFIG_SCOPE_INVALID.
    """
    configChanged(scope: ConfigScopeInput, prefix: String, afterRevision: ID): ConfigChange!
  }
`;

/** Whether the API schema carries the config subgraph's change types. */
export function hasConfigChanges(apiSchema: GraphQLSchema): boolean {
  return Boolean(
    apiSchema.getType('ConfigChange') && apiSchema.getType('ConfigScopeInput') && apiSchema.getQueryType()?.getFields().configChanges,
  );
}

/** Largest history page asked for (the config subgraph's maximum). */
const HISTORY_PAGE = 1000;

/** Revisions remembered for de-duplication of live changes (the bus delivers at least once). */
const DEDUPE_WINDOW = 10_000;

const HISTORY: DocumentNode = parse(/* GraphQL */ `
  query ConfigChangedHistory($scope: ConfigScopeInput, $prefix: String, $afterRevision: ID, $first: Int) {
    configChanges(scope: $scope, prefix: $prefix, afterRevision: $afterRevision, first: $first) {
      changes {
        revision
        type
        key
        scope {
          level
          organizationId
          environment
          service
          component
          path
        }
        version
        kind
        hasValue
        value
        redacted
        rollbackOf
        author
        reason
        occurredAt
      }
      hasMore
      compacted
      revision
    }
  }
`);

/** Arguments of `configChanged`. */
export interface ConfigChangedArgs {
  scope?: { platform?: boolean | null; environment?: string | null; service?: string | null; component?: string | null } | null;
  prefix?: string | null;
  afterRevision?: string | null;
}

/** What `configChanged` needs of the connection's context. */
export interface ConfigChangedContext {
  configHub?: ConfigChangeHub;
  principal: Principal;
  execute: SupergraphExecutor;
  bufferLimit: number;
  disconnect(reason: string): void;
}

interface HistoryPage {
  changes: ConfigChangeNotice[];
  hasMore: boolean;
  compacted: boolean;
  revision: string;
}

/**
 * Reads the history of a watch through the supergraph as the subscriber (authorization and its
 * organisation apply), page after page.
 * @returns the changes to emit first (or one RESYNC) and the revision live changes must exceed
 * @throws Error carrying the first GraphQL error's `extensions` (its code)
 */
async function readHistory(
  context: ConfigChangedContext,
  args: ConfigChangedArgs,
): Promise<{ changes: ConfigChangeNotice[]; after: bigint }> {
  const changes: ConfigChangeNotice[] = [];
  let after = args.afterRevision ?? null;
  for (;;) {
    const result = await context.execute(
      HISTORY,
      { scope: args.scope ?? null, prefix: args.prefix ?? null, afterRevision: after, first: HISTORY_PAGE },
      context.principal,
    );
    const [error] = result.errors ?? [];
    if (error) throw Object.assign(new Error(error.message), { extensions: error.extensions ?? {} });
    const page = result.data?.configChanges as HistoryPage | undefined;
    if (!page) throw new Error('configChanges answered no data');
    if (page.compacted) {
      const resync: ConfigChangeNotice = {
        revision: page.revision,
        type: 'RESYNC',
        key: null,
        scope: null,
        version: null,
        kind: null,
        hasValue: null,
        value: null,
        redacted: null,
        rollbackOf: null,
        author: null,
        reason: null,
        occurredAt: null,
      };
      return { changes: [resync], after: BigInt(page.revision) };
    }
    changes.push(...page.changes);
    const last = page.changes.at(-1)?.revision;
    if (!page.hasMore || last === undefined) {
      // every change up to the log's revision that reaches the watch is in the history
      const current = BigInt(page.revision);
      const emitted = last === undefined ? 0n : BigInt(last);
      return { changes, after: emitted > current ? emitted : current };
    }
    after = last;
  }
}

/**
 * History first, then the live changes above it, each revision once. A plain iterator rather
 * than an async generator: ending it (the client unsubscribed) must end the live queue at once,
 * while a generator would queue the return behind the wait for the next change.
 */
class ResumedChanges implements AsyncIterableIterator<ConfigChangeNotice> {
  private readonly seen: Set<string>;
  private next_ = 0;

  constructor(
    private readonly history: ConfigChangeNotice[],
    private readonly after: bigint,
    private readonly live: SubscriberQueue<ConfigChangeNotice>,
  ) {
    this.seen = new Set(history.map((change) => change.revision));
  }

  async next(): Promise<IteratorResult<ConfigChangeNotice>> {
    if (this.next_ < this.history.length) return { value: this.history[this.next_++]!, done: false };
    for (;;) {
      const result = await this.live.next();
      if (result.done) return result;
      const change = result.value;
      // changes of the organisation and of the platform travel under different keys, so live ones
      // may come slightly out of order: remember revisions rather than keep only the highest
      if (BigInt(change.revision) <= this.after || this.seen.has(change.revision)) continue;
      this.seen.add(change.revision);
      if (this.seen.size > DEDUPE_WINDOW) this.seen.delete(this.seen.values().next().value!);
      return { value: change, done: false };
    }
  }

  return(): Promise<IteratorResult<ConfigChangeNotice>> {
    this.next_ = this.history.length;
    return this.live.return();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

/**
 * Adds the resolvers of `configChanged` to a subscription schema that has the field. On
 * subscribe: the live listener is registered first (buffering), then the history after
 * `afterRevision` is read through the supergraph as the subscriber; its errors fail the
 * subscription with their code.
 */
export function installConfigChanged(schema: GraphQLSchema): void {
  const field = schema.getSubscriptionType()?.getFields().configChanged;
  if (!field) return;
  field.subscribe = async (_root, args: ConfigChangedArgs, context: ConfigChangedContext) => {
    if (!context.configHub) throw new Error('configuration changes are not served by this gateway');
    const platform = args.scope?.platform === true;
    const watch: ConfigWatch = {
      orgId: platform ? null : orgOf(context.principal),
      platform,
      environment: args.scope?.environment ?? null,
      service: args.scope?.service ?? null,
      component: args.scope?.component ?? null,
      prefix: args.prefix ?? null,
    };
    let stopListening = () => {};
    const queue = new SubscriberQueue<ConfigChangeNotice>(
      context.bufferLimit,
      (buffered) => context.disconnect(`subscriber too slow: ${buffered} configuration changes buffered`),
      () => stopListening(),
    );
    stopListening = context.configHub.listen(watch, (notice) => queue.push(notice));
    try {
      const { changes, after } = await readHistory(context, args);
      return new ResumedChanges(changes, after, queue);
    } catch (error) {
      await queue.return();
      throw error;
    }
  };
  field.resolve = (notice: ConfigChangeNotice) => notice;
}

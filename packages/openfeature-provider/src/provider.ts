import { evaluateFlag, type EvaluationContext as FlagContext, type FlagType } from '@dictamesh/feature-flags';
import {
  ErrorCode,
  OpenFeatureEventEmitter,
  ProviderEvents,
  StandardResolutionReasons,
  type EvaluationContext,
  type JsonValue,
  type Provider,
  type ResolutionDetails,
} from '@openfeature/server-sdk';
import { hostname } from 'node:os';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { changedKeys, holdFlags, type FlagSnapshot, type HeldFlag } from './flag-set';
import {
  CHANGES_SUBSCRIPTION,
  fetchFlags,
  heartbeatWatcher,
  registerWatcher,
  scopeVariables,
  unregisterWatcher,
  type GatewayTarget,
} from './gateway-client';

/** Options of {@link DictaMeshFlagProvider}. */
export interface DictaMeshFlagProviderOptions {
  /** The gateway's GraphQL endpoint (`http://127.0.0.1:4000/graphql`; its `ws:` form serves the subscription). Required unless `flags`. */
  url?: string;
  /** Headers of every request and the subscription's connection parameters: `authorization: Bearer …` or the API key header. */
  headers?: Record<string, string>;
  /** The point of the hierarchy whose flags apply (each needs the ones before it). */
  environment?: string;
  service?: string;
  component?: string;
  /** WebSocket constructor for the `configChanged` subscription (default: `ws`). */
  webSocketImpl?: unknown;
  /** Period of the refetch that runs whatever the subscription does, in ms (default 30000; 0: none). */
  refreshIntervalMs?: number;
  /** Follow `configChanged` (default true). */
  subscribe?: boolean;
  /** Flag definitions given directly (key → definition): no network at all. */
  flags?: Record<string, unknown>;
  /** The fetch to use (default: the global one). */
  fetch?: typeof fetch;
  /**
   * Registers the provider as a config watcher (`configWatchers` lists it; it heartbeats with the
   * revision applied after each refetch, TTL three refresh periods, 10–3600 s) and unregisters it on
   * close; a gateway that refuses is tolerated. Default `{ name: 'openfeature-provider', instance:
   * '<hostname>:<pid>' }`; false: no registration.
   */
  watcher?: { name: string; instance?: string } | false;
}

/** Flag types of the four resolve methods. */
type Resolved = boolean | string | number | JsonValue;

/**
 * OpenFeature server provider (`@openfeature/server-sdk` 1.x) of DictaMesh feature flags: it
 * reads the flags in effect at a point of the configuration hierarchy (`featureFlags` through the
 * gateway), keeps them, and evaluates locally (`@dictamesh/feature-flags`: targeting rules, Unleash
 * flexible rollout, variants). It follows `subscription configChanged` (graphql-ws), refetching
 * when a flag changes or the log says RESYNC, and resumes after a reconnect from the last revision
 * it saw; a periodic refetch (`refreshIntervalMs`) keeps it current when the subscription is not
 * available. Each refetch that changes flags emits `ProviderEvents.ConfigurationChanged` with the
 * keys; a failed refetch emits `Stale` (then `Ready` once it succeeds again).
 *
 * Evaluations never throw: an unknown flag answers the default with reason ERROR and
 * `FLAG_NOT_FOUND`, another type `TYPE_MISMATCH`, a definition breaking the flag schema
 * `PARSE_ERROR`; `flagMetadata` carries `version`, `revision` and `source` (the scope path).
 */
export class DictaMeshFlagProvider implements Provider {
  readonly metadata = { name: 'DictaMesh' } as const;
  readonly runsOn = 'server' as const;
  readonly events = new OpenFeatureEventEmitter();

  private flags = new Map<string, HeldFlag>();
  private lastRevision: string | null = null;
  private readonly target: GatewayTarget | null;
  /** The subscription's variables: graphql-ws sends this object again on every reconnect, so it resumes from `afterRevision`. */
  private readonly watch: { scope: Record<string, string> | null; afterRevision: string | null } = { scope: null, afterRevision: null };
  private client: Client | null = null;
  private unsubscribe: (() => void) | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private inFlight: Promise<void> | null = null;
  private again = false;
  private stale = false;
  private closed = false;
  private watcherId: string | null = null;

  constructor(private readonly options: DictaMeshFlagProviderOptions) {
    this.target = options.url
      ? {
          url: options.url,
          headers: options.headers ?? {},
          ...(options.environment ? { environment: options.environment } : {}),
          ...(options.service ? { service: options.service } : {}),
          ...(options.component ? { component: options.component } : {}),
          fetch: options.fetch ?? fetch,
        }
      : null;
    const scope = this.target ? scopeVariables(this.target) : {};
    this.watch.scope = Object.keys(scope).length ? scope : null;
    if (options.flags) this.flags = holdFlags(staticSnapshots(options.flags));
  }

  /** The configuration log revision the flags reflect (null before the first fetch, or for static flags). */
  get revision(): string | null {
    return this.lastRevision;
  }

  /** The keys of the flags held now, sorted. */
  flagKeys(): string[] {
    return [...this.flags.keys()].sort();
  }

  /**
   * Reads the flags (unless given directly), then follows changes.
   * @throws Error when neither `url` nor `flags` is given, or the first fetch fails (the SDK then reports PROVIDER_ERROR)
   */
  async initialize(): Promise<void> {
    if (!this.target) {
      if (!this.options.flags) throw new Error('DictaMeshFlagProvider needs `url` (or `flags`).');
      return;
    }
    if (this.options.flags) return;
    await this.refresh();
    const every = this.options.refreshIntervalMs ?? 30_000;
    await this.register(every);
    if (this.options.subscribe !== false) this.follow();
    if (every > 0) {
      this.timer = setInterval(() => {
        this.refresh().catch(() => undefined);
        if (this.options.subscribe !== false && !this.unsubscribe) this.follow();
      }, every);
      this.timer.unref?.();
    }
  }

  /**
   * Replaces the flags by definitions given directly (key → definition), emitting
   * ConfigurationChanged for the keys that changed.
   */
  setFlags(definitions: Record<string, unknown>): void {
    this.replace(holdFlags(staticSnapshots(definitions)));
  }

  /**
   * Fetches the flags again now (calls while one runs are folded into one more fetch after it).
   * @throws Error when the fetch fails (the provider keeps its flags and emits Stale)
   */
  refresh(): Promise<void> {
    if (!this.target) return Promise.resolve();
    if (this.inFlight) {
      this.again = true;
      return this.inFlight;
    }
    const target = this.target;
    const run = async (): Promise<void> => {
      do {
        this.again = false;
        try {
          const { flags, revision } = await fetchFlags(target);
          if (this.closed) return;
          this.advance(revision);
          this.replace(holdFlags(flags));
          if (this.watcherId) await heartbeatWatcher(target, this.watcherId, this.lastRevision).catch(() => undefined);
          if (this.stale) {
            this.stale = false;
            this.events.emit(ProviderEvents.Ready, { message: 'flags fetched again' });
          }
        } catch (error) {
          if (!this.stale && !this.closed) {
            this.stale = true;
            this.events.emit(ProviderEvents.Stale, { message: error instanceof Error ? error.message : String(error) });
          }
          throw error;
        }
      } while (this.again && !this.closed);
    };
    this.inFlight = run().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  /** Stops following changes and polling; unregisters the watcher. */
  async onClose(): Promise<void> {
    this.closed = true;
    if (this.target && this.watcherId) await unregisterWatcher(this.target, this.watcherId).catch(() => undefined);
    this.watcherId = null;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.unsubscribe?.();
    this.unsubscribe = null;
    await this.client?.dispose();
    this.client = null;
  }

  async resolveBooleanEvaluation(flagKey: string, defaultValue: boolean, context: EvaluationContext): Promise<ResolutionDetails<boolean>> {
    return this.resolve(flagKey, defaultValue, context, 'boolean');
  }

  async resolveStringEvaluation(flagKey: string, defaultValue: string, context: EvaluationContext): Promise<ResolutionDetails<string>> {
    return this.resolve(flagKey, defaultValue, context, 'string');
  }

  async resolveNumberEvaluation(flagKey: string, defaultValue: number, context: EvaluationContext): Promise<ResolutionDetails<number>> {
    return this.resolve(flagKey, defaultValue, context, 'number');
  }

  async resolveObjectEvaluation<T extends JsonValue>(
    flagKey: string,
    defaultValue: T,
    context: EvaluationContext,
  ): Promise<ResolutionDetails<T>> {
    return this.resolve(flagKey, defaultValue, context, 'object');
  }

  /**
   * Evaluates a held flag synchronously (the four resolve methods wrap it; the bench calls it
   * directly). Never throws.
   */
  resolve<T extends Resolved>(flagKey: string, defaultValue: T, context: EvaluationContext, type: FlagType): ResolutionDetails<T> {
    const held = this.flags.get(flagKey);
    if (!held)
      return {
        value: defaultValue,
        reason: StandardResolutionReasons.ERROR,
        errorCode: ErrorCode.FLAG_NOT_FOUND,
        errorMessage: `Flag ${flagKey} not found`,
      };
    const flagMetadata = { version: held.version, revision: held.revision, source: held.source };
    if (!held.checked)
      return {
        value: defaultValue,
        reason: StandardResolutionReasons.ERROR,
        errorCode: ErrorCode.PARSE_ERROR,
        errorMessage: `Flag ${flagKey} has an invalid definition: ${held.problems.join('; ').slice(0, 500)}`,
        flagMetadata,
      };
    const result = evaluateFlag(held.checked, context as FlagContext, type, { key: flagKey });
    if (result.reason === 'ERROR' || result.value === null)
      return {
        value: defaultValue,
        reason: StandardResolutionReasons.ERROR,
        errorCode: (result.errorCode as ErrorCode | undefined) ?? ErrorCode.GENERAL,
        errorMessage: `Flag ${flagKey}: ${result.errorMessage ?? 'no value'}`,
        flagMetadata,
      };
    return {
      value: result.value as T,
      reason: result.reason,
      ...(result.variant !== undefined ? { variant: result.variant } : {}),
      flagMetadata,
    };
  }

  /** Registers the watcher (see the `watcher` option); a refusal leaves it unregistered. */
  private async register(every: number): Promise<void> {
    const watcher = this.options.watcher ?? { name: 'openfeature-provider' };
    if (!this.target || watcher === false) return;
    const ttlSeconds = every > 0 ? Math.min(3600, Math.max(10, Math.ceil((3 * every) / 1000))) : 3600;
    this.watcherId = await registerWatcher(this.target, watcher.name, watcher.instance ?? `${hostname()}:${process.pid}`, ttlSeconds).catch(
      () => null,
    );
  }

  /** Keeps the newest revision seen (and the subscription's resume point). */
  private advance(revision: string | null): void {
    if (revision === null) return;
    if (this.lastRevision === null || BigInt(revision) > BigInt(this.lastRevision)) {
      this.lastRevision = revision;
      this.watch.afterRevision = revision;
    }
  }

  private replace(next: Map<string, HeldFlag>): void {
    const changed = changedKeys(this.flags, next);
    this.flags = next;
    if (changed.length) this.events.emit(ProviderEvents.ConfigurationChanged, { flagsChanged: changed });
  }

  /** Subscribes to `configChanged` (graphql-ws, retrying connections for ever; each retry resumes from the last revision seen). */
  private follow(): void {
    if (!this.target || this.closed) return;
    this.client ??= createClient({
      url: this.target.url.replace(/^http/, 'ws'),
      webSocketImpl: this.options.webSocketImpl ?? WebSocket,
      connectionParams: this.target.headers,
      lazy: true,
      retryAttempts: Number.POSITIVE_INFINITY,
      shouldRetry: () => true,
      // graphql-ws's default doubles without bound; keep its jitter, cap the wait at 30 s
      retryWait: (retries) =>
        new Promise((resolve) => setTimeout(resolve, Math.min(1000 * 2 ** retries, 30_000) + Math.floor(Math.random() * 2700) + 300)),
    });
    this.unsubscribe = this.client.subscribe<{
      configChanged: { revision: string; type: string; key: string | null; kind: string | null };
    }>(
      { query: CHANGES_SUBSCRIPTION, variables: this.watch },
      {
        next: ({ data }) => {
          const change = data?.configChanged;
          if (!change) return;
          this.advance(change.revision);
          if (change.type === 'RESYNC' || change.kind === 'FLAG' || (change.key !== null && this.flags.has(change.key)))
            this.refresh().catch(() => undefined);
        },
        // refused (e.g. a gateway without configChanged) or completed: the periodic refetch subscribes again
        error: () => {
          this.unsubscribe = null;
        },
        complete: () => {
          this.unsubscribe = null;
        },
      },
    );
  }
}

/** Snapshots of definitions given directly. */
function staticSnapshots(definitions: Record<string, unknown>): FlagSnapshot[] {
  return Object.entries(definitions).map(([key, definition]) => ({ key, definition, version: 0, revision: '0', source: 'static' }));
}

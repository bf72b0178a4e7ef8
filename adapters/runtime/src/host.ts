import { randomUUID } from 'node:crypto';
import {
  configJsonSchema,
  isStreaming,
  mergeSecrets,
  parseAdapterConfig,
  publishChanges,
  runSync,
  splitSecrets,
  type Adapter,
  type AdapterDefinition,
  type CheckpointStore,
  type OutboundPolicy,
  type SyncMode,
} from '@dictamesh/adapter-sdk';
import type { AdapterRegistration, PrismaClient } from '@dictamesh/db';
import type { AdapterEventName, AdapterStatus, EventBus } from '@dictamesh/events';
import { err, type Logger } from '@dictamesh/runtime';
import type { AdapterKinds } from './kinds';
import { AdapterLeases } from './lease';
import { publishAdapterEvent, registerSchema, syncEventFields } from './platform-events';
import { SyncProgressTracker, type SyncProgressState } from './sync-progress';
import { RegistrationRegistry } from './registrations';
import { resealLegacySecrets, sealAdapterSecrets, type AdapterSecretKeys } from './adapter-secrets';
import type { AdapterHostMetrics, AdapterLabels, SyncOutcome } from './metrics';

/**
 * Defaults of {@link AdapterHostOptions}, in ms: written once here; `dictamesh start`'s
 * `ADAPTER_HEALTH_INTERVAL_MS` / `ADAPTER_SYNC_INTERVAL_MS` take them.
 */
export const ADAPTER_HOST_DEFAULTS = { healthIntervalMs: 30_000, syncIntervalMs: 300_000, leaseMs: 30_000 } as const;

/** Options of {@link AdapterHost}. Durations in ms. */
export interface AdapterHostOptions {
  prisma: PrismaClient;
  bus: EventBus;
  kinds: AdapterKinds;
  /** The key ring sealing adapter secrets (aad `adapter:<id>`), and the legacy box of rows sealed before it. */
  secrets: AdapterSecretKeys;
  log: Logger;
  /** Health check period per adapter. Default 30 000. */
  healthIntervalMs?: number;
  /** Incremental re-sync period of streaming adapters; 0 turns it off. Default 300 000. */
  syncIntervalMs?: number;
  /**
   * How long an instance's claim on an adapter lasts without renewal; renewed (and the
   * registrations reconciled) every third of it. Another runtime instance takes over an
   * adapter at most this long after its owner died. Default 30 000.
   */
  leaseMs?: number;
  /** Lease owner id of this process. Default `<host>:<pid>:<random>`. */
  instanceId?: string;
  /**
   * Clock, ms since epoch (tests inject one): lease expiry, and sync progress (rate, ETA, the
   * ~1 s between progress reports). Default `Date.now`.
   */
  clock?: () => number;
  /** Which source addresses adapters may connect to (the SSRF guard). Default: public addresses only. */
  outbound?: OutboundPolicy;
  /** Where health, syncs and source errors are reported (the runtime's `/metrics`). Default: nowhere. */
  metrics?: AdapterHostMetrics;
}

/** Metrics hooks doing nothing (a host without metrics). */
const NO_METRICS: AdapterHostMetrics = {
  health: () => undefined,
  recordsSynced: () => undefined,
  syncEnded: () => undefined,
  sourceError: () => undefined,
  stopped: () => undefined,
};

/** What `registerAdapter` takes. */
export interface RegisterInput {
  id: string;
  kind: string;
  config: Record<string, unknown>;
  /** Organisation registering it (its events and entities belong to it); default organisation when absent. */
  org?: string;
}

interface Running {
  definition: AdapterDefinition<unknown>;
  /** Registration id and kind, as metrics label them. */
  labels: AdapterLabels;
  /** The registration's `generation` this instance runs; a newer one (update elsewhere) restarts it. */
  generation: number;
  adapter?: Adapter;
  /** Health check timer, and the incremental re-sync timer once a streaming adapter initialized (rescheduled by `updateIntervals`). */
  health?: NodeJS.Timeout;
  resync?: NodeJS.Timeout;
  /** Runs the periodic health check (kept to reschedule it). */
  checkHealth?: () => void;
  /** A streaming adapter whose re-syncs run here. */
  resyncs?: boolean;
  sync?: { controller: AbortController; done: Promise<void> };
}

/** What {@link AdapterHost} publishes on `dictamesh.adapter.event` besides the registration: its `AdapterEvent` fields. */
export interface AdapterEventOptions {
  event: AdapterEventName;
  status: AdapterStatus;
  /** Health after a check (`health.changed`). */
  health?: { healthy: boolean; message?: string | null; latencyMs?: number | null };
  /** The sync it reports (`sync.*`): mode, and progress once it ran. */
  sync?: { mode: SyncMode; resource?: string | null; entities?: number; pages?: number; durationMs?: number };
  /** What failed (`sync.failed`); cut to 2 000 characters. */
  error?: string;
}

const ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** The id a requested sync runs under: the one `triggerSync` recorded with the request, if `lastSync` still shows it pending. */
function requestedSyncId(registration: AdapterRegistration): string | undefined {
  const last = registration.lastSync as Partial<SyncProgressState> | null;
  return last?.phase === 'started' && last.pages === 0 && typeof last.syncId === 'string' ? last.syncId : undefined;
}

/**
 * Runs the registered source adapters (the adapter runtime service; several instances share
 * them through leases). Registering, updating,
 * pausing, resuming and removing take effect at once, without a restart. For each running
 * adapter: `initialize`, a health check every `healthIntervalMs` (an unhealthy source marks
 * that adapter FAILED / unhealthy and nothing else), a backfill right after registration, then
 * incremental re-syncs. Sync batches are published as entity change events (the catalog's own
 * ingest stores them); checkpoints are kept in `dictamesh_adapter_checkpoints`. Lifecycle, sync
 * and health events go to `dictamesh.adapter.event`; a kind's configuration schema is kept in the
 * schema registry (`dictamesh.schema.changed` on a new version).
 */
export class AdapterHost {
  private readonly running = new Map<string, Running>();
  private readonly checkpoints: CheckpointStore;
  private readonly leases: AdapterLeases;
  private reconcileTimer?: NodeJS.Timeout;
  private readonly intervals: { healthIntervalMs: number; syncIntervalMs: number };
  private reconciling?: Promise<void>;
  private readonly metrics: AdapterHostMetrics;
  private readonly clock: () => number;
  /** The registrations with their secrets, as the webhook receivers read them (cleared on every change made here). */
  readonly registrations: RegistrationRegistry;

  constructor(private readonly options: AdapterHostOptions) {
    const { prisma } = options;
    this.metrics = options.metrics ?? NO_METRICS;
    this.clock = options.clock ?? Date.now;
    this.intervals = {
      healthIntervalMs: options.healthIntervalMs ?? ADAPTER_HOST_DEFAULTS.healthIntervalMs,
      syncIntervalMs: options.syncIntervalMs ?? ADAPTER_HOST_DEFAULTS.syncIntervalMs,
    };
    this.registrations = new RegistrationRegistry(prisma, options.secrets);
    this.leases = new AdapterLeases(prisma, options.leaseMs ?? ADAPTER_HOST_DEFAULTS.leaseMs, options.instanceId, options.clock);
    this.checkpoints = {
      load: async (id) => ((await prisma.adapterCheckpoint.findUnique({ where: { adapterId: id } }))?.checkpoint ?? null) as never,
      save: async (id, checkpoint) => {
        await prisma.adapterCheckpoint.upsert({
          where: { adapterId: id },
          create: { adapterId: id, checkpoint: checkpoint as object },
          update: { checkpoint: checkpoint as object },
        });
      },
    };
  }

  /** The health check and re-sync periods in force, ms. */
  get currentIntervals(): { healthIntervalMs: number; syncIntervalMs: number } {
    return { ...this.intervals };
  }

  /**
   * Changes the health check and / or incremental re-sync period without a restart (DictaMesh's
   * `health.intervalMs` / `sync.intervalMs` settings): every running adapter's timers are
   * rescheduled at once (the next check / re-sync comes one new period from now); a sync period
   * of 0 stops periodic re-syncs. Periods left out keep their value.
   * @throws RangeError for a health period under 100 ms or a negative / fractional period; nothing changed
   */
  updateIntervals(intervals: { healthIntervalMs?: number; syncIntervalMs?: number }): void {
    const next = { ...this.intervals, ...intervals };
    if (!Number.isInteger(next.healthIntervalMs) || next.healthIntervalMs < 100)
      throw new RangeError(`health interval must be an integer of at least 100 ms, got ${next.healthIntervalMs}`);
    if (!Number.isInteger(next.syncIntervalMs) || next.syncIntervalMs < 0)
      throw new RangeError(`sync interval must be a non-negative integer, got ${next.syncIntervalMs}`);
    const health = next.healthIntervalMs !== this.intervals.healthIntervalMs;
    const sync = next.syncIntervalMs !== this.intervals.syncIntervalMs;
    if (!health && !sync) return;
    Object.assign(this.intervals, next);
    for (const [id, running] of this.running) {
      if (health) this.scheduleHealth(running);
      if (sync) this.scheduleResync(id, running);
    }
    this.options.log.info({ ...next, adapters: this.running.size }, 'adapter intervals updated');
  }

  /** Whether this process runs the adapter now. */
  runsHere(id: string): boolean {
    return this.running.has(id);
  }

  /**
   * Starts every registered, unpaused adapter no other live instance runs (at service start),
   * then reconciles every third of the lease: renews this instance's leases, follows changes
   * made through other instances (pause, update, removal, sync requests) and takes over the
   * adapters of instances that stopped renewing.
   */
  async startAll(): Promise<void> {
    await resealLegacySecrets(this.options.prisma, this.options.secrets, this.options.log);
    await this.reconcile();
    const every = Math.max(50, Math.floor(this.leases.durationMs / 3));
    this.reconcileTimer = setInterval(() => void this.reconcile(), every);
  }

  /** One reconciliation round (see {@link startAll}); rounds never overlap. */
  reconcile(): Promise<void> {
    this.reconciling ??= this.reconcileOnce()
      .catch((error: unknown) => this.options.log.error({ err: error }, 'adapter reconciliation failed'))
      .finally(() => (this.reconciling = undefined));
    return this.reconciling;
  }

  private async reconcileOnce(): Promise<void> {
    const { log, prisma } = this.options;
    const rows = new Map((await prisma.adapterRegistration.findMany()).map((r) => [r.id, r]));
    const held = await this.leases.renew([...this.running.keys()]);
    for (const [id, running] of this.running) {
      const row = rows.get(id);
      if (!row || row.paused || !held.has(id)) {
        log.info({ adapter: id, reason: !row ? 'removed' : row.paused ? 'paused' : 'lease lost' }, 'adapter stopped on this instance');
        await this.stop(id);
      } else if (row.generation !== running.generation) {
        await this.start(row);
      } else if (row.syncRequested) {
        await prisma.adapterRegistration.update({ where: { id }, data: { syncRequested: null } });
        await this.startSync(id, running, row.syncRequested as SyncMode, requestedSyncId(row));
      }
    }
    const now = new Date(this.leases.now());
    for (const row of rows.values()) {
      if (row.paused || this.running.has(row.id)) continue;
      if (row.leaseOwner && row.leaseOwner !== this.leases.owner && row.leaseExpiresAt && row.leaseExpiresAt > now) continue;
      if (await this.leases.acquire(row.id)) {
        log.info({ adapter: row.id, previousOwner: row.leaseOwner }, 'adapter taken on by this instance');
        await this.start(row).catch(async (error: unknown) => {
          log.error({ err: error, adapter: row.id }, 'adapter not started here; lease released');
          await this.stop(row.id);
          await this.leases.release(row.id);
        });
      }
    }
  }

  /**
   * Validates and stores a new adapter, then starts it.
   * @throws DictaMeshError `BAD_USER_INPUT` (id taken or malformed), `ADAPTER_KIND_UNKNOWN`,
   *   `ADAPTER_CONFIG_INVALID` with every field problem
   */
  async register(input: RegisterInput): Promise<AdapterRegistration> {
    if (!ID.test(input.id)) throw err('BAD_USER_INPUT', 'Adapter id must match [a-z0-9][a-z0-9-]{0,62}', { field: 'id' });
    const definition = await this.options.kinds.get(input.kind);
    const config = parseAdapterConfig(definition, input.config) as Record<string, unknown>;
    if (await this.options.prisma.adapterRegistration.findUnique({ where: { id: input.id } })) {
      // ids are unique across organisations: the same answer whoever holds it, so it tells another
      // organisation's adapters from the caller's own no more than "taken" (issue 11, point 7)
      throw err('BAD_USER_INPUT', `The adapter id "${input.id}" is not available; choose another.`, { field: 'id' });
    }
    await registerSchema(
      this.options.prisma,
      this.options.bus,
      this.options.log,
      `adapter-config:${definition.kind}`,
      configJsonSchema(definition),
      input.id,
    );
    const { visible, secrets } = splitSecrets(config, definition.secretFields);
    const registration = await this.options.prisma.adapterRegistration.create({
      data: {
        id: input.id,
        ...(input.org ? { orgId: input.org } : {}),
        kind: definition.kind,
        version: definition.version,
        config: visible as object,
        ...(await sealAdapterSecrets(this.options.secrets, input.id, secrets)),
      },
    });
    this.registrations.clear();
    await this.event(registration, { event: 'registered', status: 'STARTING' });
    return (await this.leases.acquire(registration.id)) ? this.start(registration) : registration;
  }

  /**
   * Replaces the configuration (secret fields left out keep their stored values) and restarts
   * the adapter with it. @throws as {@link register}; `NOT_FOUND`
   */
  async update(id: string, config: Record<string, unknown>): Promise<AdapterRegistration> {
    const current = await this.find(id);
    const definition = await this.options.kinds.get(current.kind);
    const stored = await this.secretsOf(current);
    const merged = parseAdapterConfig(definition, mergeSecrets(stored, config)) as Record<string, unknown>;
    const { visible, secrets } = splitSecrets(merged, definition.secretFields);
    await this.stop(id);
    const registration = await this.options.prisma.adapterRegistration.update({
      where: { id },
      data: {
        config: visible as object,
        ...(await sealAdapterSecrets(this.options.secrets, id, secrets)),
        version: definition.version,
        errorCount: 0,
        lastError: null,
        generation: { increment: 1 },
      },
    });
    this.registrations.clear();
    await this.event(registration, { event: 'updated', status: 'STARTING' });
    // run by another live instance: it restarts on its next reconciliation
    return !registration.paused && (await this.leases.acquire(id)) ? this.start(registration) : registration;
  }

  /** Stops the adapter (a running sync is aborted after its page) and keeps it PAUSED across restarts. */
  async pause(id: string): Promise<AdapterRegistration> {
    await this.find(id);
    await this.stop(id);
    await this.cancelPendingSync(id);
    const registration = await this.options.prisma.adapterRegistration.update({
      where: { id },
      data: { paused: true, status: 'PAUSED', leaseOwner: null, leaseExpiresAt: null },
    });
    await this.event(registration, { event: 'paused', status: 'PAUSED' });
    return registration;
  }

  async resume(id: string): Promise<AdapterRegistration> {
    await this.find(id);
    const registration = await this.options.prisma.adapterRegistration.update({
      where: { id },
      data: { paused: false, status: 'STARTING', generation: { increment: 1 } },
    });
    await this.event(registration, { event: 'resumed', status: 'STARTING' });
    return (await this.leases.acquire(id)) ? this.start(registration) : registration;
  }

  /**
   * Stops and deletes the adapter with its checkpoint, releasing what it holds at the source
   * (`Adapter.dispose`, e.g. a replication slot); its entities stay in the catalog.
   */
  async remove(id: string): Promise<AdapterRegistration> {
    const registration = await this.find(id);
    if (this.running.has(id)) await this.stop(id, { dispose: true });
    else {
      // paused or never started: a short-lived instance releases the source resources
      const { adapter } = await this.instantiate(registration);
      await this.dispose(adapter);
      await adapter.shutdown().catch(() => undefined);
    }
    await this.cancelPendingSync(id);
    await this.options.prisma.adapterRegistration.delete({ where: { id } });
    this.registrations.clear();
    await this.event(registration, { event: 'removed', status: 'STOPPED' });
    return { ...registration, status: 'STOPPED' };
  }

  /**
   * Starts a sync now unless one is running; returns once its start is recorded in `lastSync`
   * (phase `started`, a new `syncId`), so the progress a caller follows next is this run's or the
   * one already running. An adapter run by another instance gets the request on that instance's
   * next reconciliation; `lastSync` shows the requested run as `started` meanwhile, with the id
   * that run keeps.
   * @throws DictaMeshError `BAD_USER_INPUT` when the adapter is paused, not running or cannot stream
   */
  async triggerSync(id: string, mode: SyncMode): Promise<AdapterRegistration> {
    const registration = await this.find(id);
    const definition = await this.options.kinds.get(registration.kind);
    if (!definition.capabilities.includes('stream')) {
      throw err('BAD_USER_INPUT', `Adapter "${id}" (${registration.kind}) cannot sync: it has no stream capability`);
    }
    const running = this.running.get(id);
    if (running?.adapter) await this.startSync(id, running, mode);
    else if (registration.paused || registration.status === 'FAILED') {
      throw err('BAD_USER_INPUT', `Adapter "${id}" is not running (status ${registration.status})`, { field: 'id' });
    } else {
      const pending = new SyncProgressTracker({ syncId: randomUUID(), mode, clock: this.clock, report: () => undefined }).current;
      return this.options.prisma.adapterRegistration.update({ where: { id }, data: { syncRequested: mode, lastSync: { ...pending } } });
    }
    return this.find(id);
  }

  /** Installed adapter kinds. */
  kinds(): Promise<AdapterDefinition<unknown>[]> {
    return this.options.kinds.list();
  }

  /** One installed kind, or undefined. */
  kind(kind: string): Promise<AdapterDefinition<unknown> | undefined> {
    return this.options.kinds.get(kind).catch(() => undefined);
  }

  /** JSON Schema of a kind's configuration. */
  configSchema(definition: AdapterDefinition<unknown>): Record<string, unknown> {
    return configJsonSchema(definition);
  }

  /** Dotted paths of the secret fields a registration has values for (never the values). */
  async secretFieldsSet(registration: AdapterRegistration): Promise<string[]> {
    const secrets = await this.secretsOf(registration);
    const paths: string[] = [];
    const walk = (node: Record<string, unknown>, prefix: string) => {
      for (const [key, value] of Object.entries(node)) {
        if (value && typeof value === 'object' && !Array.isArray(value)) walk(value as Record<string, unknown>, `${prefix}${key}.`);
        else paths.push(`${prefix}${key}`);
      }
    };
    walk(secrets, '');
    return paths.sort();
  }

  /** Stops every adapter here (service shutdown) and releases their leases so another instance takes over at once. */
  async close(): Promise<void> {
    clearInterval(this.reconcileTimer);
    await this.reconciling;
    await Promise.all([...this.running.keys()].map((id) => this.stop(id)));
    await this.leases.release().catch((error: unknown) => this.options.log.warn({ err: error }, 'adapter leases not released'));
  }

  /** @throws DictaMeshError `NOT_FOUND` */
  async find(id: string): Promise<AdapterRegistration> {
    const registration = await this.options.prisma.adapterRegistration.findUnique({ where: { id } });
    if (!registration) throw err('NOT_FOUND', `No adapter with id "${id}" is registered`, { field: 'id' });
    return registration;
  }

  /** Lets an adapter release its source-side resources; a failure is logged, never thrown (the removal goes on). */
  private async dispose(adapter: Adapter): Promise<void> {
    await adapter
      .dispose?.()
      .catch((error: unknown) =>
        this.options.log.warn({ err: error, adapter: adapter.id }, 'adapter could not release its source resources'),
      );
  }

  /** A new adapter instance for a registration (its configuration with the secrets put back). */
  private async instantiate(registration: AdapterRegistration): Promise<{ definition: AdapterDefinition<unknown>; adapter: Adapter }> {
    const definition = await this.options.kinds.get(registration.kind);
    const config = parseAdapterConfig(
      definition,
      mergeSecrets(registration.config as Record<string, unknown>, await this.secretsOf(registration)),
    );
    const log = this.options.log.child({ adapter: registration.id, kind: definition.kind });
    const outbound = this.options.outbound;
    return { definition, adapter: definition.create(registration.id, config, { log, ...(outbound ? { outbound } : {}) }) };
  }

  /** The decrypted secret fields of a registration (`{}` when it has none). */
  private secretsOf(registration: AdapterRegistration): Promise<Record<string, unknown>> {
    return this.registrations.secretsOf(registration);
  }

  private async start(registration: AdapterRegistration): Promise<AdapterRegistration> {
    await this.stop(registration.id);
    const { definition, adapter } = await this.instantiate(registration);
    const labels = { id: registration.id, kind: definition.kind };
    const running: Running = { definition, labels, generation: registration.generation };
    this.running.set(registration.id, running);
    running.checkHealth = () =>
      // a check still in flight when the host closes (a slow source) meets a closed database: logged, never unhandled
      void this.checkHealth(registration.id, running).catch((error: unknown) =>
        this.options.log.warn({ err: error, adapter: registration.id }, 'adapter health check failed'),
      );
    this.scheduleHealth(running);
    const initialized = await adapter.initialize().then(
      () => true,
      async (error: unknown) => {
        this.metrics.sourceError(labels, 'initialize');
        this.metrics.health(labels, false);
        await this.failure(registration.id, error, 'FAILED');
        return false;
      },
    );
    running.adapter = adapter;
    if (!initialized) return this.find(registration.id);
    this.metrics.health(labels, true);
    const updated = await this.options.prisma.adapterRegistration.update({
      where: { id: registration.id },
      data: { status: 'RUNNING', healthy: true, healthMessage: null, checkedAt: new Date() },
    });
    await this.event(updated, { event: 'health.changed', status: 'RUNNING', health: { healthy: true } });
    if (isStreaming(adapter)) {
      const completed = ((await this.checkpoints.load(registration.id)) as { resource?: unknown } | null)?.resource === null;
      const requested = registration.syncRequested as SyncMode | null;
      if (requested)
        await this.options.prisma.adapterRegistration.update({ where: { id: registration.id }, data: { syncRequested: null } });
      await this.startSync(
        registration.id,
        running,
        requested ?? (completed ? 'incremental' : 'backfill'),
        requested ? requestedSyncId(registration) : undefined,
      );
      running.resyncs = true;
      this.scheduleResync(registration.id, running);
    }
    return updated;
  }

  /** (Re)starts an adapter's health check timer on the current period. */
  private scheduleHealth(running: Running): void {
    clearInterval(running.health);
    if (running.checkHealth) running.health = setInterval(running.checkHealth, this.intervals.healthIntervalMs);
  }

  /** (Re)starts a streaming adapter's incremental re-sync timer on the current period (none at 0). */
  private scheduleResync(id: string, running: Running): void {
    clearInterval(running.resync);
    running.resync = undefined;
    const every = this.intervals.syncIntervalMs;
    if (running.resyncs && every > 0) running.resync = setInterval(() => void this.startSync(id, running, 'incremental'), every);
  }

  private async stop(id: string, options: { dispose?: boolean } = {}): Promise<void> {
    const running = this.running.get(id);
    if (!running) return;
    this.running.delete(id);
    this.metrics.stopped(running.labels);
    clearInterval(running.health);
    clearInterval(running.resync);
    running.sync?.controller.abort();
    await running.sync?.done;
    if (options.dispose && running.adapter) await this.dispose(running.adapter);
    await running.adapter
      ?.shutdown()
      .catch((error: unknown) => this.options.log.warn({ err: error, adapter: id }, 'adapter shutdown failed'));
  }

  /**
   * Starts a sync of a running streaming adapter unless one runs (then nothing happens). Its
   * progress is recorded in `lastSync` and published on `dictamesh.adapter.event` (`sync.started`,
   * `sync.progressed` at most once per page and per second, then `sync.completed`, `sync.failed`
   * or `sync.cancelled` when the adapter stops mid-run), in that order.
   * @returns resolves once the run's start is recorded (at once when none started)
   */
  private startSync(id: string, running: Running, mode: SyncMode, syncId: string = randomUUID()): Promise<void> {
    const adapter = running.adapter;
    if (!adapter || !isStreaming(adapter) || running.sync || this.running.get(id) !== running) return Promise.resolve();
    const controller = new AbortController();
    const source = `/dictamesh/adapters/${id}`;
    const { log } = this.options;
    const labels = running.labels;
    const began = performance.now();
    let published = 0;
    let reported = false;
    // once per run: bookkeeping failing after a completed run does not make it a failed one too
    const ended = (outcome: SyncOutcome) => {
      if (reported) return;
      reported = true;
      this.metrics.syncEnded(labels, mode, outcome, (performance.now() - began) / 1_000, this.leases.now());
    };
    let markStarted = () => {};
    const started = new Promise<void>((resolve) => (markStarted = resolve));
    const done = (async () => {
      let registration = await this.find(id);
      const org = registration.orgId;
      // reports are recorded and published one after the other, the end after every report
      let reports = Promise.resolve();
      const tracker = new SyncProgressTracker({
        syncId,
        mode,
        clock: this.clock,
        report: (state) => {
          reports = reports.then(async () => void (await this.syncProgressed(registration, state)));
        },
      });
      registration = await this.syncProgressed(registration, tracker.current);
      markStarted();
      try {
        await runSync(adapter, {
          mode,
          checkpoints: this.checkpoints,
          signal: controller.signal,
          publish: async (batch) =>
            void (await publishChanges(this.options.bus, { source, org, sourceEvent: `sync.${mode}`, changes: batch.changes })),
          onProgress: (p) => {
            this.metrics.recordsSynced(labels, mode, p.entities - published);
            published = p.entities;
            tracker.page(p);
          },
        });
        const aborted = controller.signal.aborted;
        ended(aborted ? 'aborted' : 'completed');
        const final = tracker.finish(aborted ? 'cancelled' : 'completed');
        await reports;
        await this.syncProgressed(registration, final, aborted ? {} : { lastSyncAt: new Date() });
      } catch (error) {
        const aborted = controller.signal.aborted;
        ended(aborted ? 'aborted' : 'failed');
        if (!aborted) {
          this.metrics.sourceError(labels, 'sync');
          await this.failure(id, error, 'RUNNING');
        }
        const final = tracker.finish(aborted ? 'cancelled' : 'failed', (error as Error).message ?? String(error));
        await reports;
        await this.syncProgressed(registration, final);
      } finally {
        running.sync = undefined;
      }
    })()
      .catch((error: unknown) => log.error({ err: error, adapter: id }, 'sync bookkeeping failed'))
      .finally(markStarted);
    running.sync = { controller, done };
    return started;
  }

  /**
   * Ends a requested sync that never ran (asked for through an instance that does not run the
   * adapter, then paused or removed before its owner took the request up): the request is
   * dropped and `lastSync` and a `sync.cancelled` event say so, so that nobody follows it forever.
   */
  private async cancelPendingSync(id: string): Promise<void> {
    const registration = await this.options.prisma.adapterRegistration.findUnique({ where: { id } });
    if (!registration?.syncRequested || !requestedSyncId(registration)) return;
    const updated = await this.options.prisma.adapterRegistration.update({ where: { id }, data: { syncRequested: null } });
    await this.syncProgressed(updated, { ...(registration.lastSync as unknown as SyncProgressState), phase: 'cancelled' });
  }

  /**
   * Records a sync's progress in `lastSync` (with `extra` fields) and publishes its event. Never
   * throws: a registration removed meanwhile is not recorded (the event still goes out).
   * @returns the registration as recorded (the one given when it could not be)
   */
  private async syncProgressed(
    registration: AdapterRegistration,
    state: SyncProgressState,
    extra: { lastSyncAt?: Date } = {},
  ): Promise<AdapterRegistration> {
    const updated = await this.options.prisma.adapterRegistration
      .update({ where: { id: registration.id }, data: { lastSync: { ...state }, ...extra } })
      .catch((error: unknown) => {
        this.options.log.warn({ err: error, adapter: registration.id }, 'sync progress not recorded');
        return registration;
      });
    await publishAdapterEvent(this.options.bus, this.options.log, updated.orgId, {
      adapterId: updated.id,
      kind: updated.kind,
      status: updated.status,
      ...syncEventFields(state),
    });
    return updated;
  }

  private async checkHealth(id: string, running: Running): Promise<void> {
    if (!running.adapter || this.running.get(id) !== running) return;
    const health = await running.adapter.health();
    const before = await this.options.prisma.adapterRegistration.findUnique({ where: { id } });
    if (!before || this.running.get(id) !== running) return;
    // a source that recovers after a failed initialize is initialized again
    if (health.healthy && before.status === 'FAILED') {
      await this.start(before).catch(() => undefined);
      return;
    }
    const status: AdapterStatus = health.healthy ? 'RUNNING' : 'FAILED';
    this.metrics.health(running.labels, health.healthy);
    if (!health.healthy) this.metrics.sourceError(running.labels, 'health');
    const updated = await this.options.prisma.adapterRegistration.update({
      where: { id },
      data: {
        healthy: health.healthy,
        healthMessage: health.message ?? null,
        checkedAt: new Date(),
        status,
        ...(health.healthy ? {} : { errorCount: { increment: 1 }, lastError: health.message ?? 'unhealthy' }),
      },
    });
    if (before.healthy !== health.healthy) {
      await this.event(updated, {
        event: 'health.changed',
        status,
        health: { healthy: health.healthy, message: health.message ?? null, latencyMs: health.latencyMs ?? null },
      });
    }
  }

  private async failure(id: string, error: unknown, status: AdapterStatus): Promise<void> {
    const message = (error as Error).message ?? String(error);
    this.options.log.warn({ err: error, adapter: id }, 'adapter failure');
    await this.options.prisma.adapterRegistration
      .update({
        where: { id },
        data: {
          status,
          errorCount: { increment: 1 },
          lastError: message.slice(0, 2_000),
          ...(status === 'FAILED' ? { healthy: false, healthMessage: message.slice(0, 2_000), checkedAt: new Date() } : {}),
        },
      })
      .catch(() => undefined);
  }

  /** Publishes one of the registration's lifecycle, sync or health events (never throws; see `publishAdapterEvent`). */
  private event(registration: AdapterRegistration, { event, status, health, sync, error }: AdapterEventOptions): Promise<void> {
    return publishAdapterEvent(this.options.bus, this.options.log, registration.orgId, {
      adapterId: registration.id,
      kind: registration.kind,
      event,
      status,
      ...(health ? { health } : {}),
      ...(sync ? { sync } : {}),
      ...(error ? { error: error.slice(0, 2_000) } : {}),
    });
  }
}

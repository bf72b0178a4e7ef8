import { hostname } from 'node:os';
import { configChangeMatches, TOPICS, type ConfigChanged, type Consumer, type EventBus } from '@dictamesh/events';
import { err, type Logger } from '@dictamesh/runtime';
import type { ConfigExecute, ConfigGraphQLResult } from './executor';
import { settingOf, settingsOf, type DictaMeshService, type DictaMeshSetting } from './settings';
import { settingViolations } from './validate';

/** Defaults of {@link ConfigClientOptions}. */
export const CONFIG_CLIENT_DEFAULTS = { refreshIntervalMs: 30_000 } as const;

/** Options of {@link ConfigClient}. */
export interface ConfigClientOptions {
  /** Runs GraphQL against the config subgraph as the platform (`subgraphExecutor`). */
  execute: ConfigExecute;
  /** Followed for `dictamesh.config.changed`: a change of one of the service's keys re-reads at once. Without it: only the refresh interval. */
  bus?: EventBus;
  /** `DICTAMESH_ENVIRONMENT` (`''`: the platform level only). */
  environment: string;
  service: DictaMeshService;
  /** Bootstrap value of each key (from its environment variable): what `get` answers while the config service has none. */
  defaults: Record<string, unknown>;
  log: Logger;
  /** Re-read (and watcher heartbeat) period, ms; also the retry period while the config service is unreachable. 0 = no timer (tests call {@link ConfigClient.refresh}). Default 30 000. */
  refreshIntervalMs?: number;
  /** The clock (tests inject one). */
  now?: () => Date;
  /** This process, in the watcher list and the consumer group. Default `<host>-<pid>`. */
  instance?: string;
}

/** Where a setting's current value comes from. */
export type SettingSource = 'config' | 'default';

/** Called with the current values of the keys it follows (every one of them, changed or not). */
export type SettingsListener = (values: Record<string, unknown>) => void | Promise<void>;

/** What {@link ConfigClient.status} reports. */
export interface ConfigClientStatus {
  /** False until a read of the config service succeeded (the defaults hold). */
  connected: boolean;
  /** The log revision of the last read; null before one. */
  revision: string | null;
  lastReadAt: Date | null;
  /** The watcher id the config service knows this client by; null when not registered (no watchers there yet, or unreachable). */
  watcherId: string | null;
}

const SETTINGS_QUERY = /* GraphQL */ `
  query DictaMeshSettings($environment: String, $service: String) {
    resolvedConfig(platform: true, environment: $environment, service: $service) {
      revision
      values {
        key
        kind
        value
      }
    }
  }
`;
const REGISTER_WATCHER = /* GraphQL */ `
  mutation RegisterDictaMeshWatcher($input: RegisterConfigWatcherInput!) {
    registerConfigWatcher(input: $input) {
      id
    }
  }
`;
const HEARTBEAT_WATCHER = /* GraphQL */ `
  mutation HeartbeatDictaMeshWatcher($id: ID!, $revision: ID) {
    heartbeatConfigWatcher(id: $id, revision: $revision) {
      id
    }
  }
`;
const UNREGISTER_WATCHER = /* GraphQL */ `
  mutation UnregisterDictaMeshWatcher($id: ID!) {
    unregisterConfigWatcher(id: $id)
  }
`;

interface Listening {
  matches(key: string): boolean;
  listener: SettingsListener;
}

/** `data` of an answer, or throws its first error (`code: message`). */
function dataOf(result: ConfigGraphQLResult): Record<string, unknown> {
  if (result.errors?.length || !result.data) {
    const first = result.errors?.[0];
    throw new Error(first ? `${String(first.extensions?.code ?? 'ERROR')}: ${first.message}` : 'no data');
  }
  return result.data;
}

/**
 * A DictaMesh service's view of its own settings ({@link DICTAMESH_SETTINGS}): the platform
 * values of its environment and service as the config subgraph resolves them, over the
 * environment-variable defaults. Re-reads at once on a matching `dictamesh.config.changed` (its
 * own consumer group per process, new records only) and every `refreshIntervalMs` (which also
 * retries while the config service is unreachable: the defaults, or the last values read, hold
 * meanwhile). A value that breaks the setting's schema is ignored with a warning (the key keeps
 * its default). Registers as a config watcher and heartbeats with its revision when the config
 * service has watchers.
 */
export class ConfigClient {
  private readonly settings: DictaMeshSetting[];
  private readonly values = new Map<string, unknown>();
  private readonly sources = new Map<string, SettingSource>();
  private readonly listeners = new Set<Listening>();
  private readonly instance: string;
  private readonly now: () => Date;
  private revision: string | null = null;
  private lastReadAt: Date | null = null;
  private watcherId: string | null = null;
  private timer?: NodeJS.Timeout;
  private consumer?: Consumer;
  private reading?: Promise<boolean>;
  private readAgain = false;
  private stopped = false;

  constructor(private readonly options: ConfigClientOptions) {
    this.settings = settingsOf(options.service);
    this.instance = options.instance ?? `${hostname()}-${process.pid}`;
    this.now = options.now ?? (() => new Date());
    for (const setting of this.settings) {
      if (options.defaults[setting.key] !== undefined) this.values.set(setting.key, options.defaults[setting.key]);
      this.sources.set(setting.key, 'default');
    }
  }

  /** The consumer group this client follows the change topic with. */
  get consumerGroup(): string {
    return `dictamesh-config-client-${this.options.service}-${this.instance}`;
  }

  /**
   * Reads the settings (listeners registered before see the values that differ from the
   * defaults), follows the bus, registers as a watcher and starts the refresh timer. Never
   * throws for an unreachable config service: it logs a warning and keeps the defaults.
   * @returns whether the config service answered
   */
  async start(): Promise<boolean> {
    if (this.options.bus) {
      const watch = { orgId: null, platform: true, environment: this.options.environment || null, service: this.options.service };
      this.consumer = await this.options.bus.subscribe({
        groupId: this.consumerGroup,
        topics: [TOPICS.configChanged],
        fromBeginning: false,
        eachMessage: async (record) => {
          const change = record.event.data as ConfigChanged;
          if (!configChangeMatches(watch, change) || !settingOf(this.options.service, change.key)) return;
          if (this.revision !== null && BigInt(change.revision) <= BigInt(this.revision)) return;
          await this.refresh();
        },
      });
    }
    const connected = await this.tick();
    const every = this.options.refreshIntervalMs ?? CONFIG_CLIENT_DEFAULTS.refreshIntervalMs;
    if (every > 0 && !this.stopped) {
      this.timer = setInterval(() => void this.tick(), every);
      this.timer.unref();
    }
    return connected;
  }

  /**
   * The current value of a key of this service: the config service's, else its default.
   * @throws DictaMeshError `CONFIG_KEY_UNKNOWN` for a key that is not one of the service's settings
   */
  get<T = unknown>(key: string): T {
    if (!this.sources.has(key)) throw err('CONFIG_KEY_UNKNOWN', `"${key}" is not a ${this.options.service} setting`, { key });
    return this.values.get(key) as T;
  }

  /** Where the current value of a key comes from. @throws as {@link get} */
  sourceOf(key: string): SettingSource {
    this.get(key);
    return this.sources.get(key)!;
  }

  /** Every current value, by key. */
  all(): Record<string, unknown> {
    return Object.fromEntries(this.values);
  }

  status(): ConfigClientStatus {
    return { connected: this.lastReadAt !== null, revision: this.revision, lastReadAt: this.lastReadAt, watcherId: this.watcherId };
  }

  /**
   * Calls `listener` whenever a followed key's value changes (a config write, a delete back to
   * the default), with the current values of every followed key.
   * @param keys exact keys, or one key prefix (`'rateLimit.'`)
   * @returns unsubscribes
   */
  onChange(keys: readonly string[] | string, listener: SettingsListener): () => void {
    const listening: Listening = {
      matches: typeof keys === 'string' ? (key) => key.startsWith(keys) : (key) => keys.includes(key),
      listener,
    };
    this.listeners.add(listening);
    return () => this.listeners.delete(listening);
  }

  /**
   * Reads the settings now; reads made while one is in flight are folded into one more read
   * after it. Never throws: a failure is logged and the current values stay.
   * @returns whether the read succeeded
   */
  refresh(): Promise<boolean> {
    if (this.reading) {
      this.readAgain = true;
      return this.reading;
    }
    this.reading = (async () => {
      let ok = false;
      do {
        this.readAgain = false;
        ok = await this.readOnce();
      } while (this.readAgain && !this.stopped);
      return ok;
    })().finally(() => (this.reading = undefined));
    return this.reading;
  }

  /** Stops following changes and the timer, and unregisters the watcher. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.consumer?.stop();
    await this.reading;
    if (this.watcherId) {
      await this.options.execute(UNREGISTER_WATCHER, { id: this.watcherId }).catch(() => undefined);
      this.watcherId = null;
    }
  }

  /** One refresh round: read, then register or heartbeat the watcher. */
  private async tick(): Promise<boolean> {
    const connected = await this.refresh();
    if (connected && !this.stopped) await this.heartbeat();
    return connected;
  }

  private async readOnce(): Promise<boolean> {
    const { environment, service, log } = this.options;
    let resolved: { revision: string; values: { key: string; kind: string; value: unknown }[] };
    try {
      const data = dataOf(
        await this.options.execute(SETTINGS_QUERY, environment ? { environment, service } : { environment: null, service: null }),
      );
      resolved = data.resolvedConfig as typeof resolved;
    } catch (error) {
      log.warn(
        { err: error, service, environment },
        this.lastReadAt ? 'config service unreachable: keeping the settings last read' : 'config service unreachable: using the defaults',
      );
      return false;
    }
    if (this.stopped) return true;
    const byKey = new Map(resolved.values.map((v) => [v.key, v]));
    const changed: string[] = [];
    for (const setting of this.settings) {
      const found = byKey.get(setting.key);
      let value = this.options.defaults[setting.key];
      let source: SettingSource = 'default';
      if (found && found.kind === 'VALUE') {
        const violations = settingViolations(setting, found.value);
        if (violations.length === 0) {
          value = found.value;
          source = 'config';
        } else {
          log.warn({ service, key: setting.key, violations }, 'setting ignored: its value breaks the setting schema (default kept)');
        }
      }
      if (JSON.stringify(value) !== JSON.stringify(this.values.get(setting.key))) changed.push(setting.key);
      if (value === undefined) this.values.delete(setting.key);
      else this.values.set(setting.key, value);
      this.sources.set(setting.key, source);
    }
    this.revision = resolved.revision;
    this.lastReadAt = this.now();
    if (changed.length) {
      log.info({ service, keys: changed, revision: resolved.revision }, 'settings changed');
      await this.notify(changed);
    }
    return true;
  }

  private async notify(changed: string[]): Promise<void> {
    for (const { matches, listener } of this.listeners) {
      if (!changed.some(matches)) continue;
      const values = Object.fromEntries([...this.values].filter(([key]) => matches(key)));
      try {
        await listener(values);
      } catch (error) {
        this.options.log.error({ err: error, service: this.options.service }, 'a settings listener failed');
      }
    }
  }

  /** Registers the watcher, or heartbeats it with the revision read; a config service without watchers is tolerated. */
  private async heartbeat(): Promise<void> {
    const { execute, service, environment, log } = this.options;
    try {
      if (this.watcherId) {
        const result = await execute(HEARTBEAT_WATCHER, { id: this.watcherId, revision: this.revision });
        if (result.errors?.some((e) => e.extensions?.code === 'CONFIG_WATCHER_UNKNOWN')) this.watcherId = null;
        else dataOf(result);
        if (this.watcherId) return;
      }
      const every = this.options.refreshIntervalMs ?? CONFIG_CLIENT_DEFAULTS.refreshIntervalMs;
      const data = dataOf(
        await execute(REGISTER_WATCHER, {
          input: {
            name: `dictamesh-${service}`,
            instance: this.instance,
            scope: { platform: true, ...(environment ? { environment, service } : {}) },
            // three missed heartbeats, within the 10–3600 s the config service takes
            ttlSeconds: Math.min(3_600, Math.max(10, Math.ceil((3 * every) / 1_000))),
          },
        }),
      );
      this.watcherId = (data.registerConfigWatcher as { id: string }).id;
      if (this.revision !== null) dataOf(await execute(HEARTBEAT_WATCHER, { id: this.watcherId, revision: this.revision }));
    } catch (error) {
      log.debug({ err: error, service }, 'config watcher not registered (retried on the next refresh)');
    }
  }
}

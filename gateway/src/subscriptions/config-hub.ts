import { hostname } from 'node:os';
import { configChangeMatches, TOPICS, type ConfigChanged, type ConfigWatch, type Consumer, type EventBus } from '@dictamesh/events';
import type { Logger } from '@dictamesh/runtime';

/** A scope as the supergraph's `ConfigScope` shows it. */
export interface ConfigScopeView {
  level: 'PLATFORM' | 'ORGANIZATION' | 'ENVIRONMENT' | 'SERVICE' | 'COMPONENT';
  organizationId: string | null;
  environment: string | null;
  service: string | null;
  component: string | null;
  path: string;
}

/** What a `configChanged` subscriber receives: the supergraph's `ConfigChange`, by field name. */
export interface ConfigChangeNotice {
  revision: string;
  type: 'SET' | 'DELETE' | 'ROLLBACK' | 'SCHEMA' | 'RESYNC';
  key: string | null;
  scope: ConfigScopeView | null;
  version: number | null;
  kind: 'VALUE' | 'SECRET' | 'FLAG' | null;
  hasValue: boolean | null;
  value: unknown;
  redacted: boolean | null;
  rollbackOf: number | null;
  author: string | null;
  reason: string | null;
  occurredAt: string | null;
}

/** Options of {@link ConfigChangeHub}. */
export interface ConfigChangeHubOptions {
  bus: EventBus;
  log: Logger;
  /** This gateway instance's own consumer group (every instance sees every change). */
  groupId?: string;
}

interface Listener {
  watch: ConfigWatch;
  push(notice: ConfigChangeNotice): void;
}

/** The `ConfigScope` view of a stored scope (as the config subgraph's `level` and `path`). */
export function scopeView(scope: ConfigChanged['scope']): ConfigScopeView {
  const level = scope.component
    ? 'COMPONENT'
    : scope.service
      ? 'SERVICE'
      : scope.environment
        ? 'ENVIRONMENT'
        : scope.orgId === null
          ? 'PLATFORM'
          : 'ORGANIZATION';
  const path = [scope.orgId === null ? 'platform' : `org:${scope.orgId}`, scope.environment, scope.service, scope.component]
    .filter(Boolean)
    .join('/');
  return {
    level,
    organizationId: scope.orgId,
    environment: scope.environment || null,
    service: scope.service || null,
    component: scope.component || null,
    path,
  };
}

/** The notice of one `dictamesh.config.changed` event (a secret's value is already withheld by the relay). */
export function noticeOf(change: ConfigChanged): ConfigChangeNotice {
  return {
    revision: change.revision,
    type: change.operation,
    key: change.key,
    scope: scopeView(change.scope),
    version: change.version,
    kind: change.kind,
    hasValue: change.hasValue ?? null,
    value: change.redacted ? null : (change.value ?? null),
    redacted: change.redacted,
    rollbackOf: change.rollbackOf ?? null,
    author: change.author,
    reason: change.reason ?? null,
    occurredAt: change.occurredAt,
  };
}

/**
 * Fans configuration changes (`dictamesh.config.changed`) out to `configChanged` subscribers:
 * one bus consumer per gateway instance (its own group, new records only) pushes each change
 * to every listener whose watch it reaches ({@link configChangeMatches}: the listener's
 * organisation or the platform, the scope chain, the key prefix). Pushing never waits on a
 * subscriber; slow ones are cut off by their own bounded buffers.
 */
export class ConfigChangeHub {
  private readonly listeners = new Set<Listener>();
  private consumer?: Consumer;

  constructor(private readonly options: ConfigChangeHubOptions) {}

  async start(): Promise<void> {
    this.consumer = await this.options.bus.subscribe({
      groupId: this.options.groupId ?? `dictamesh-gateway-config-${hostname()}-${process.pid}`,
      topics: [TOPICS.configChanged],
      fromBeginning: false,
      eachBatch: async (records) => {
        for (const record of records) {
          if (record.event.type !== TOPICS.configChanged) {
            this.options.log.warn(
              { topic: record.topic, offset: record.offset, type: record.event.type },
              'not a config change; not delivered',
            );
            continue;
          }
          const change = record.event.data as ConfigChanged;
          let notice: ConfigChangeNotice | undefined;
          for (const listener of this.listeners)
            if (configChangeMatches(listener.watch, change)) listener.push((notice ??= noticeOf(change)));
        }
      },
    });
  }

  /** Registers a subscriber's watch; returns its removal. */
  listen(watch: ConfigWatch, push: (notice: ConfigChangeNotice) => void): () => void {
    const listener: Listener = { watch, push };
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Number of connected subscribers. */
  get size(): number {
    return this.listeners.size;
  }

  async stop(): Promise<void> {
    await this.consumer?.stop();
    this.listeners.clear();
  }
}

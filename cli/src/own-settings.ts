import type { AdapterHost } from '@dictamesh/adapter-runtime';
import { ConfigClient, platformPrincipal, subgraphExecutor } from '@dictamesh/config-client';
import type { NotificationChannel } from '@dictamesh/db';
import type { EventBus } from '@dictamesh/events';
import type { GatewaySettings } from '@dictamesh/gateway';
import type { GatewayTokens, Logger } from '@dictamesh/runtime';
import type { StackEnv } from './env';

/** What {@link followOwnSettings} applies settings to: the services of this process. */
export interface OwnSettingsTargets {
  gateway?: GatewaySettings;
  adapters?: AdapterHost;
  /** The notifications service's channel registry: channels the operator switched off, and each channel's own settings. */
  notifications?: {
    setDisabled(channels: Iterable<NotificationChannel>): void;
    configure(settings: Partial<Record<NotificationChannel, Record<string, unknown>>>): void;
  };
}

/** Every notification channel, as the Prisma enum names it. */
const NOTIFICATION_CHANNELS: readonly NotificationChannel[] = ['EMAIL', 'SMS', 'PUSH', 'SLACK', 'WEBHOOK', 'IN_APP', 'PAGERDUTY'];

/**
 * Each channel's entry of `notifications.channels` (the channel's name in lower case, `IN_APP`
 * as `in-app` or `in_app`); other names and entries that are not objects are ignored.
 */
export function channelSettings(value: unknown): Partial<Record<NotificationChannel, Record<string, unknown>>> {
  if (!value || typeof value !== 'object') return {};
  const entries = value as Record<string, unknown>;
  const settings: Partial<Record<NotificationChannel, Record<string, unknown>>> = {};
  for (const channel of NOTIFICATION_CHANNELS) {
    const name = channel.toLowerCase();
    const entry = entries[name] ?? entries[name.replace('_', '-')];
    if (typeof entry === 'object' && entry !== null) settings[channel] = entry as Record<string, unknown>;
  }
  return settings;
}

/** The channels `notifications.channels` switches off: those whose entry has `enabled: false`. */
export function disabledChannels(value: unknown): NotificationChannel[] {
  return Object.entries(channelSettings(value))
    .filter(([, entry]) => entry['enabled'] === false)
    .map(([channel]) => channel as NotificationChannel);
}

/** The config clients of this process's services. */
export interface OwnSettings {
  gateway?: ConfigClient;
  adapters?: ConfigClient;
  notifications?: ConfigClient;
  /** Stops following (before the services stop). */
  stop(): Promise<void>;
}

/** The gateway's settings as its environment variables give them (the bootstrap defaults). */
function gatewayDefaults(env: StackEnv): Record<string, unknown> {
  const g = env.gateway;
  return {
    'rateLimit.requests': g.RATE_LIMIT_REQUESTS,
    'rateLimit.cost': g.RATE_LIMIT_COST,
    'rateLimit.orgRequests': g.RATE_LIMIT_ORG_REQUESTS,
    'rateLimit.orgCost': g.RATE_LIMIT_ORG_COST,
    'rateLimit.windowSeconds': g.RATE_LIMIT_WINDOW_S,
    'demandControl.maxCost': g.GATEWAY_MAX_COST,
    'demandControl.maxDepth': g.GATEWAY_MAX_DEPTH,
    'demandControl.maxAliases': g.GATEWAY_MAX_ALIASES,
    'demandControl.maxRootFields': g.GATEWAY_MAX_ROOT_FIELDS,
    'demandControl.maxSelections': g.GATEWAY_MAX_SELECTIONS,
    'demandControl.maxTokens': g.GATEWAY_MAX_TOKENS,
    'demandControl.defaultListSize': g.GATEWAY_DEFAULT_LIST_SIZE,
    'demandControl.mode': g.GATEWAY_DEMAND_CONTROL,
  };
}

/**
 * DictaMesh reads itself: a {@link ConfigClient} per service of this process (gateway, adapter
 * runtime, notifications) on the config subgraph at `url`, applying its settings live — the gateway's rate limits
 * and demand control limits (`GatewaySettings.apply`), the adapters' sync and health periods
 * (`AdapterHost.updateIntervals`), the notification channels switched off (`notifications.channels`). Environment variables are the defaults until the config
 * service has a value, and while it is unreachable.
 */
export async function followOwnSettings(options: {
  /** The config subgraph's `/graphql`. */
  url: string;
  tokens: GatewayTokens;
  bus: EventBus;
  env: StackEnv;
  log: Logger;
  targets: OwnSettingsTargets;
}): Promise<OwnSettings> {
  const { url, tokens, bus, env, log, targets } = options;
  const environment = env.ownSettings.DICTAMESH_ENVIRONMENT ?? env.server.NODE_ENV;
  const refreshIntervalMs = env.ownSettings.DICTAMESH_CONFIG_REFRESH_MS;
  const own: OwnSettings = { stop: async () => undefined };
  if (targets.gateway) {
    const settings = targets.gateway;
    const client = new ConfigClient({
      execute: subgraphExecutor(url, tokens, platformPrincipal('gateway')),
      bus,
      environment,
      service: 'gateway',
      defaults: gatewayDefaults(env),
      log: log.child({ component: 'config-client', service: 'gateway' }),
      refreshIntervalMs,
    });
    client.onChange('', (v) =>
      settings.apply({
        ...(settings.current().rateLimits
          ? {
              rateLimits: {
                requests: v['rateLimit.requests'] as number,
                cost: v['rateLimit.cost'] as number,
                orgRequests: v['rateLimit.orgRequests'] as number,
                orgCost: v['rateLimit.orgCost'] as number,
                windowSeconds: v['rateLimit.windowSeconds'] as number,
              },
            }
          : {}),
        demandControl: {
          maxCost: v['demandControl.maxCost'] as number,
          maxDepth: v['demandControl.maxDepth'] as number,
          maxAliases: v['demandControl.maxAliases'] as number,
          maxRootFields: v['demandControl.maxRootFields'] as number,
          maxSelections: v['demandControl.maxSelections'] as number,
          maxTokens: v['demandControl.maxTokens'] as number,
          defaultListSize: v['demandControl.defaultListSize'] as number,
          mode: v['demandControl.mode'] as 'enforce' | 'measure',
        },
      }),
    );
    own.gateway = client;
  }
  if (targets.adapters) {
    const host = targets.adapters;
    const client = new ConfigClient({
      execute: subgraphExecutor(url, tokens, platformPrincipal('adapters')),
      bus,
      environment,
      service: 'adapters',
      defaults: { 'sync.intervalMs': env.adapters.ADAPTER_SYNC_INTERVAL_MS, 'health.intervalMs': env.adapters.ADAPTER_HEALTH_INTERVAL_MS },
      log: log.child({ component: 'config-client', service: 'adapters' }),
      refreshIntervalMs,
    });
    client.onChange(['sync.intervalMs', 'health.intervalMs'], (v) =>
      host.updateIntervals({ syncIntervalMs: v['sync.intervalMs'] as number, healthIntervalMs: v['health.intervalMs'] as number }),
    );
    own.adapters = client;
  }
  if (targets.notifications) {
    const registry = targets.notifications;
    const client = new ConfigClient({
      execute: subgraphExecutor(url, tokens, platformPrincipal('notifications')),
      bus,
      environment,
      service: 'notifications',
      // every configured channel is on until the operator switches it off
      defaults: { channels: {} },
      log: log.child({ component: 'config-client', service: 'notifications' }),
      refreshIntervalMs,
    });
    client.onChange(['channels'], (v) => {
      registry.setDisabled(disabledChannels(v['channels']));
      registry.configure(channelSettings(v['channels']));
    });
    own.notifications = client;
  }
  const clients = [own.gateway, own.adapters, own.notifications].filter((c): c is ConfigClient => c !== undefined);
  // the config service may start after this process: the clients keep the defaults and retry
  await Promise.all(clients.map((c) => c.start()));
  own.stop = async () => void (await Promise.all(clients.map((c) => c.stop())));
  return own;
}

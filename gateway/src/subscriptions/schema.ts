import { readFileSync } from 'node:fs';
import { extendSchema, parse, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import { orgOf, type Principal } from '@dictamesh/runtime';
import type { AdapterSyncHub } from './adapter-sync-hub';
import { ADAPTER_SYNC_PROGRESS_SDL, hasAdapterSync, installAdapterSyncProgress } from './adapter-sync-progress';
import { CONFIG_CHANGED_SDL, hasConfigChanges, installConfigChanged } from './config-changed';
import type { ConfigChangeHub } from './config-hub';
import { resolveEntity, type SupergraphExecutor } from './delegate';
import type { EntityChangeFilter, EntityChangeHub, EntityChangeNotice } from './hub';
import type { NotificationHub } from './notification-hub';
import { hasNotifications, installNotificationReceived, NOTIFICATION_RECEIVED_SDL } from './notification-received';
import { SubscriberQueue } from './subscriber-queue';

const SDL = readFileSync(new URL('../../../schemas/gateway/subscriptions.graphql', import.meta.url), 'utf8');

/** Per-connection context of subscription operations. */
export interface SubscriptionContext {
  hub: EntityChangeHub;
  /** Configuration changes (`configChanged`), when the supergraph has the config subgraph. */
  configHub?: ConfigChangeHub;
  /** In-app notifications (`notificationReceived`), when the supergraph has the notifications subgraph. */
  notificationHub?: NotificationHub;
  /** Sync progress of source adapters (`adapterSyncProgress`), when the supergraph has the adapters subgraph. */
  adapterSyncHub?: AdapterSyncHub;
  /** The subscriber, authenticated when it connected: it receives its organisation's changes only. */
  principal: Principal;
  execute: SupergraphExecutor;
  /** Most notices buffered for one subscription before the client is cut off. */
  bufferLimit: number;
  /** Cuts a too-slow client off (transport-specific: WebSocket close code, SSE end). */
  disconnect(reason: string): void;
}

/**
 * The schema the gateway executes subscriptions with: the supergraph's API schema extended
 * with `schemas/gateway/subscriptions.graphql`, so `entity` selections are validated against
 * every federated field of Entity. When the API schema has the config subgraph's `ConfigChange`,
 * `configChanged` is added too (see `config-changed.ts`); when it has the notifications subgraph,
 * `notificationReceived` (see `notification-received.ts`); when it has the adapters subgraph,
 * `adapterSyncProgress` (see `adapter-sync-progress.ts`).
 */
export function buildSubscriptionSchema(apiSchema: GraphQLSchema): GraphQLSchema {
  const sdl =
    SDL +
    (hasConfigChanges(apiSchema) ? CONFIG_CHANGED_SDL : '') +
    (hasNotifications(apiSchema) ? NOTIFICATION_RECEIVED_SDL : '') +
    (hasAdapterSync(apiSchema) ? ADAPTER_SYNC_PROGRESS_SDL : '');
  const schema = extendSchema(apiSchema, parse(sdl));
  installConfigChanged(schema);
  installNotificationReceived(schema);
  installAdapterSyncProgress(schema);
  const entityChanged = schema.getSubscriptionType()!.getFields().entityChanged!;
  entityChanged.subscribe = (_root, args: { filter?: EntityChangeFilter | null }, context: SubscriptionContext) => {
    let stopListening = () => {};
    const queue = new SubscriberQueue<EntityChangeNotice>(
      context.bufferLimit,
      (buffered) => context.disconnect(`subscriber too slow: ${buffered} entity changes buffered`),
      () => stopListening(),
    );
    stopListening = context.hub.listen(orgOf(context.principal), args.filter, (notice) => queue.push(notice));
    return queue;
  };
  entityChanged.resolve = (notice: EntityChangeNotice) => notice;
  const changed = schema.getType('EntityChanged') as GraphQLObjectType;
  changed.getFields().entity!.resolve = (notice: EntityChangeNotice, _args, context: SubscriptionContext, info) =>
    resolveEntity(info, notice.urn, context.execute, context.principal);
  return schema;
}

import type { ApolloGateway } from '@apollo/gateway';
import type { ApolloServer } from '@apollo/server';
import type { ErrorCode, Principal } from '@dictamesh/runtime';
import type { GatewayContext } from '../context';
import type { FastifyInstance } from 'fastify';
import type { GraphQLSchema } from 'graphql';
import type { EventBus } from '@dictamesh/events';
import type { Logger } from '@dictamesh/runtime';
import type { SupergraphExecutor } from '../subscriptions/delegate';
import { AdapterSyncHub } from '../subscriptions/adapter-sync-hub';
import { ConfigChangeHub } from '../subscriptions/config-hub';
import { EntityChangeHub } from '../subscriptions/hub';
import { NotificationHub } from '../subscriptions/notification-hub';
import { buildSubscriptionSchema } from '../subscriptions/schema';
import { installSubscriptionTransports } from '../subscriptions/transport';
import { validateWithoutSuggestions } from '../hide-suggestions';
import { GATEWAY_DEFAULTS } from '../defaults';

/** Subscription settings of the gateway. */
export interface SubscriptionOptions {
  bus: EventBus;
  /** Consumer group whose commits mean "applied" (the catalog's). */
  appliedByGroup: string;
  /** Entity changes buffered per subscription before a slow client is disconnected. Default 1 000. */
  bufferLimit?: number;
  /** This instance's consumer group (default: per host and process). */
  groupId?: string;
  /** Validate documents without "Did you mean …?" suggestions in the errors (when introspection is off). */
  hideSuggestions?: boolean;
}

/**
 * Adds `subscription { entityChanged }` (and `configChanged` when the supergraph has the config
 * subgraph, `notificationReceived` when it has the notifications subgraph, `adapterSyncProgress` when it
 * has the adapters subgraph) to a gateway: change hubs on the event bus, a
 * subscription schema that follows the supergraph, and the graphql-ws / graphql-sse
 * transports. Register before `apollo.start()` so the first supergraph load is seen.
 */
export function createSubscriptions(gateway: ApolloGateway, options: SubscriptionOptions, log: Logger) {
  let schema: GraphQLSchema | undefined;
  gateway.onSchemaLoadOrUpdate(({ apiSchema }) => {
    schema = buildSubscriptionSchema(apiSchema);
  });
  const hub = new EntityChangeHub({
    bus: options.bus,
    log,
    appliedByGroup: options.appliedByGroup,
    ...(options.groupId ? { groupId: options.groupId } : {}),
  });
  // configuration changes: its own consumer group per instance (`<groupId>.config`)
  const configHub = new ConfigChangeHub({
    bus: options.bus,
    log,
    ...(options.groupId ? { groupId: `${options.groupId}.config` } : {}),
  });
  // in-app notifications: its own consumer group per instance (`<groupId>.notifications`)
  const notificationHub = new NotificationHub({
    bus: options.bus,
    log,
    ...(options.groupId ? { groupId: `${options.groupId}.notifications` } : {}),
  });
  // adapter sync progress: its own consumer group per instance (`<groupId>.adapters`)
  const adapterSyncHub = new AdapterSyncHub({
    bus: options.bus,
    log,
    ...(options.groupId ? { groupId: `${options.groupId}.adapters` } : {}),
  });
  return {
    hub,
    configHub,
    notificationHub,
    adapterSyncHub,
    /** Subscriptions open (entity and configuration changes, notifications, adapter sync progress). */
    get size(): number {
      return hub.size + configHub.size + notificationHub.size + adapterSyncHub.size;
    },
    /** Starts consuming and serving, once Apollo Server has started. */
    async start(
      app: FastifyInstance,
      apollo: ApolloServer<GatewayContext>,
      maxPayloadBytes: number,
      authenticate?: (headers: Record<string, string | string[] | undefined>) => Promise<Principal>,
      refusal?: (query: string) => ErrorCode | null,
    ) {
      const execute: SupergraphExecutor = async (document, variables, principal) => {
        // as the subscriber: authorization directives and its organisation apply; not charged to rate limits
        const response = await apollo.executeOperation(
          { query: document, variables },
          { contextValue: { principal, ip: 'internal', internal: true } },
        );
        if (response.body.kind !== 'single') throw new Error('incremental delivery is not supported for subscriptions');
        return response.body.singleResult as Awaited<ReturnType<SupergraphExecutor>>;
      };
      await hub.start();
      await configHub.start();
      await notificationHub.start();
      await adapterSyncHub.start();
      const transports = installSubscriptionTransports({
        app,
        hub,
        configHub,
        notificationHub,
        adapterSyncHub,
        schema: () => {
          if (!schema) throw new Error('supergraph not loaded yet');
          return schema;
        },
        execute,
        bufferLimit: options.bufferLimit ?? GATEWAY_DEFAULTS.subscriptionBufferLimit,
        maxPayloadBytes,
        ...(authenticate ? { authenticate } : {}),
        ...(refusal ? { refusal } : {}),
        ...(options.hideSuggestions ? { validate: validateWithoutSuggestions } : {}),
      });
      return {
        async close() {
          await transports.close();
          await hub.stop();
          await configHub.stop();
          await notificationHub.stop();
          await adapterSyncHub.stop();
        },
      };
    },
  };
}

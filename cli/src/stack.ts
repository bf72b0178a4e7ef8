import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { Redis } from 'ioredis';
import { createAdapterRuntime, SecretBox } from '@dictamesh/adapter-runtime';
import { createApiKeyStore, createBusOutbox, openDatabase, type Database, type OpenDatabaseOptions } from '@dictamesh/db';
import { drain, ENTITY_TOPICS, InProcessEventBus, KafkaEventBus, TOPICS, type EventBus } from '@dictamesh/events';
import {
  ApiKeyVerifier,
  composeSupergraph,
  createAuthenticator,
  createGatewayService,
  dictameshSubgraphs,
  GatewayRateLimits,
  jwtVerifier,
  loadSupergraphConfig,
  readManifest,
  routingUrlVariable,
  type SubgraphUrls,
  type SupergraphConfig,
} from '@dictamesh/gateway';
import { createLogger, err, GatewayTokens, readOrCreateKeyFile, type Logger, type ServerLimits, startTracing } from '@dictamesh/runtime';
import {
  CATALOG_CONSUMER_GROUP,
  DEAD_LETTER_CONSUMER_GROUP,
  createCatalogService,
  HashingEmbedder,
  type CatalogServiceOptions,
} from '@dictamesh/subgraph-catalog';
import { BILLING_METERING_CONSUMER_GROUP, createBillingService, METERED_TYPES, StripePaymentProvider } from '@dictamesh/subgraph-billing';
import { createConfigService } from '@dictamesh/subgraph-config';
import { createNotificationsService, NOTIFICATION_TRIGGER_TOPICS, type ChannelsConfig } from '@dictamesh/subgraph-notifications';
import { Keyring, localMasterKeys } from '@dictamesh/secrets';
import { DICTAMESH_SETTINGS } from '@dictamesh/config-client';
import type { StackEnv } from './env';
import { followOwnSettings, type OwnSettingsTargets } from './own-settings';
import { SUBGRAPH_SERVICES } from './subgraph-services';
import { databaseConfig } from './shell/database';

/** A running DictaMesh (or the services of it that `DICTAMESH_SERVICES` names). */
export interface Stack {
  /**
   * Base URLs of the services started: gateway, catalog, adapters (the adapter runtime's
   * subgraph), billing, config and notifications end in `/graphql`, webhooks (served by the adapter runtime) in `/webhooks`.
   */
  urls: {
    gateway?: string;
    catalog?: string;
    adapters?: string;
    billing?: string;
    config?: string;
    notifications?: string;
    webhooks?: string;
  };
  /** The database (when the catalog, the adapter runtime, billing, config or notifications runs here; one instance shared by them). */
  db: Database | undefined;
  /** The envelope-encryption key ring (with the database): adapter secrets and secret configuration values. */
  keyring: Keyring | undefined;
  bus: EventBus;
  logger: Logger;
  /** Waits until the catalog has ingested everything published so far. */
  drained(timeoutMs?: number): Promise<boolean>;
  /** Graceful stop: webhooks first (no new input), drain ingest, then gateway, adapters, catalog. */
  close(): Promise<void>;
}

/** Extra hooks for tests and benchmarks. */
export interface StackHooks {
  onQuery?: OpenDatabaseOptions['onQuery'];
  onApplied?: CatalogServiceOptions['onApplied'];
  logger?: Logger;
  /** Where spans go instead of OTLP (tests: an in-memory exporter); tracing starts with it. */
  traceExporter?: SpanExporter;
}

/**
 * The key of adapter secrets sealed before the key ring (`DICTAMESH_SECRET_KEY`, else the key
 * file `<DATA_DIR>/secret.key` if it exists — never created now): read at start to re-seal them.
 */
function legacySecretBox(env: StackEnv): SecretBox | undefined {
  if (env.adapters.DICTAMESH_SECRET_KEY) return SecretBox.fromBase64(env.adapters.DICTAMESH_SECRET_KEY);
  const file = join(env.database.DICTAMESH_DATA_DIR, 'secret.key');
  return existsSync(file) ? SecretBox.fromKeyFile(file) : undefined;
}

async function listen(app: FastifyInstance, host: string, port: number): Promise<string> {
  await app.listen({ host, port });
  const address = app.server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  return `http://${host.includes(':') ? `[${host}]` : host}:${actual}`;
}

/**
 * The event bus: Kafka when `KAFKA_BROKERS` is set (topics created at start-up; fails fast
 * when the brokers do not answer), else the in-process bus. The in-process bus joins only the
 * services of this one process: services in separate processes (catalog here, adapter runtime
 * there) meet on Kafka only. It is made durable by an outbox in the database when the catalog
 * — whose ingest and dead-letter recorder are the consumer groups that must see every record —
 * runs in this process (records a killed process left are published again first). A process
 * without the catalog keeps no outbox (nobody here would ever release its records) and warns
 * that records may be lost.
 *
 * @param catalogDb the database when the catalog runs in this process
 * @throws the database's error when the outbox cannot be read (start-up fails rather than lose records)
 */
async function openBus(
  env: StackEnv,
  log: Logger,
  catalogDb: Database | undefined,
  billing: boolean,
  notifications: boolean,
): Promise<EventBus> {
  const { kafka } = env;
  const retry = { maxAttempts: env.consumers.CONSUMER_MAX_ATTEMPTS, retryInitialDelayMs: env.consumers.CONSUMER_RETRY_INITIAL_DELAY_MS };
  if (!kafka.KAFKA_BROKERS) {
    // the consumer groups that must see every record: the catalog's ingest and its dead-letter
    // recorder, billing's metering and the notification triggers when they run here too
    const durableGroups = {
      [CATALOG_CONSUMER_GROUP]: ENTITY_TOPICS,
      [DEAD_LETTER_CONSUMER_GROUP]: [TOPICS.dlq],
      ...(billing ? { [BILLING_METERING_CONSUMER_GROUP]: METERED_TYPES } : {}),
      ...(notifications ? NOTIFICATION_TRIGGER_TOPICS : {}),
    };
    const outbox = catalogDb ? { outbox: { store: createBusOutbox(catalogDb.runner), durableGroups } } : {};
    const bus = new InProcessEventBus({ partitions: env.ingest.BUS_PARTITIONS, log, ...retry, ...outbox });
    if (!catalogDb) {
      log.warn(
        'the in-process event bus is NOT durable here and reaches no catalog (no catalog in this process): accepted records are lost; set KAFKA_BROKERS to run services in separate processes',
      );
    }
    const recovered = await bus.recover();
    if (recovered > 0) log.info({ records: recovered }, 'in-process bus: records the previous process left unconsumed are published again');
    return bus;
  }
  const bus = new KafkaEventBus({
    ...retry,
    brokers: kafka.KAFKA_BROKERS,
    clientId: kafka.KAFKA_CLIENT_ID,
    sessionTimeoutMs: kafka.KAFKA_SESSION_TIMEOUT_MS,
    producerLingerMs: kafka.KAFKA_PRODUCER_LINGER_MS,
    log,
    topics: {
      names: Object.values(TOPICS),
      partitions: kafka.KAFKA_TOPIC_PARTITIONS,
      replicationFactor: kafka.KAFKA_REPLICATION_FACTOR,
      retentionMs: kafka.KAFKA_RETENTION_MS,
    },
  });
  await bus.connect();
  return bus;
}

/**
 * Starts DictaMesh, or the part of it `DICTAMESH_SERVICES` names: the database (PGlite under
 * `DICTAMESH_DATA_DIR`, or `DATABASE_URL`) with migrations applied, the event bus (Kafka or
 * in-process), the catalog subgraph and its ingest, the adapter runtime (the adapters
 * subgraph, the webhook endpoint, syncs and health checks) and the federation gateway.
 * Services started alone scale out on Kafka: several catalog processes share the partitions of
 * their consumer group; several adapter runtimes share the adapters through leases in the database.
 *
 * @throws DictaMeshError `MIGRATION_FAILED` / `CONFIGURATION_INVALID`; listen errors (port in use)
 */
export async function startStack(env: StackEnv, hooks: StackHooks = {}): Promise<Stack> {
  const tracing = startTracing({
    serviceName: env.telemetry.OTEL_SERVICE_NAME,
    sampleRatio: env.telemetry.OTEL_TRACES_SAMPLE_RATIO,
    ...(env.telemetry.OTEL_EXPORTER_OTLP_ENDPOINT ? { otlpEndpoint: env.telemetry.OTEL_EXPORTER_OTLP_ENDPOINT } : {}),
    ...(hooks.traceExporter ? { exporter: hooks.traceExporter } : {}),
  });
  const logger = hooks.logger ?? createLogger('dictamesh', env.server.LOG_LEVEL);
  const { HOST: host, DICTAMESH_SERVICES: services } = env.server;
  // read before anything starts: a bad config or a missing routing URL stops the start at once
  const supergraph = services.has('gateway') ? loadSupergraphConfig(env.gateway.SUPERGRAPH_CONFIG) : undefined;
  for (const { name } of supergraph?.subgraphs ?? []) {
    const service = SUBGRAPH_SERVICES[name];
    const variable = routingUrlVariable(name);
    if (service && !services.has(service) && !env.subgraphUrls[variable]) {
      throw err('CONFIGURATION_INVALID', `${variable} is required when the gateway runs without the ${service}`, { field: variable });
    }
  }
  const introspection = env.gateway.GRAPHQL_INTROSPECTION
    ? env.gateway.GRAPHQL_INTROSPECTION === 'true'
    : env.server.NODE_ENV !== 'production';
  // every server: slow or idle clients are cut, and one client address holds a bounded number of sockets
  const serverLimits: ServerLimits = {
    requestTimeoutMs: env.http.HTTP_REQUEST_TIMEOUT_MS,
    headersTimeoutMs: env.http.HTTP_HEADERS_TIMEOUT_MS,
    keepAliveTimeoutMs: env.http.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    connectionTimeoutMs: env.http.HTTP_CONNECTION_TIMEOUT_MS,
    maxConnectionsPerIp: env.http.MAX_CONNECTIONS_PER_IP,
  };
  // the database first (one instance shared by catalog and adapter runtime): with the catalog
  // on the in-process bus it also holds the bus's outbox. A gateway alone opens a server
  // database (DATABASE_URL) too: it verifies API keys there (a container per service)
  const db =
    services.has('catalog') ||
    services.has('adapters') ||
    services.has('billing') ||
    services.has('config') ||
    services.has('notifications') ||
    (services.has('gateway') && env.database.DATABASE_URL)
      ? await openDatabase(databaseConfig(env), { log: logger, ...(hooks.onQuery ? { onQuery: hooks.onQuery } : {}) })
      : undefined;
  const bus = await openBus(
    env,
    logger.child({ component: 'bus' }),
    services.has('catalog') ? db : undefined,
    services.has('billing'),
    services.has('notifications'),
  );
  // gateway and subgraphs share this key: subgraphs accept only requests the gateway signed
  const tokenKey = env.auth.SUBGRAPH_TOKEN_KEY ?? readOrCreateKeyFile(join(env.database.DICTAMESH_DATA_DIR, 'subgraph-token.key'));
  const tokens = new GatewayTokens(tokenKey);
  // one key ring per process: the master key (DICTAMESH_MASTER_KEY, else a key file) wraps its key-encryption keys
  const keyring = db
    ? await Keyring.open(db.prisma, localMasterKeys(env.secrets.DICTAMESH_MASTER_KEY, join(env.database.DICTAMESH_DATA_DIR, 'master.key')))
    : undefined;
  // stopped in this order: webhooks (no new input), gateway, adapters, billing, catalog (after ingest drained)
  const stops: {
    webhooks?: () => Promise<void>;
    gateway?: () => Promise<void>;
    adapters?: () => Promise<void>;
    billing?: () => Promise<void>;
    config?: () => Promise<void>;
    notifications?: () => Promise<void>;
    catalog?: () => Promise<void>;
  } = {};
  const urls: Stack['urls'] = {};
  /** What DictaMesh's own settings apply to in this process. */
  const targets: OwnSettingsTargets = {};

  if (db && services.has('catalog')) {
    const catalog = await createCatalogService({
      db,
      gatewayTokens: tokens,
      bus,
      embedder: new HashingEmbedder(),
      logger: logger.child({ component: 'catalog' }),
      introspection,
      serverLimits,
      storageReportIntervalMs: env.ingest.CATALOG_STORAGE_REPORT_INTERVAL_MS,
      ...(hooks.onApplied ? { onApplied: hooks.onApplied } : {}),
    });
    urls.catalog = `${await listen(catalog.app, host, env.server.CATALOG_PORT)}/graphql`;
    stops.catalog = () => catalog.close();
  }

  if (db && services.has('adapters')) {
    const runtime = await createAdapterRuntime({
      db,
      bus,
      gatewayTokens: tokens,
      logger: logger.child({ component: 'adapters' }),
      introspection,
      serverLimits,
      directories: env.adapters.DICTAMESH_ADAPTER_DIRS.map((d) => resolve(d)),
      secrets: { sealer: keyring!, legacy: () => legacySecretBox(env) },
      healthIntervalMs: env.adapters.ADAPTER_HEALTH_INTERVAL_MS,
      syncIntervalMs: env.adapters.ADAPTER_SYNC_INTERVAL_MS,
      // SSRF guard: outside development, sources on non-public addresses only when the operator lists them
      outbound: { allowPrivateNetworks: env.server.NODE_ENV === 'development', allowedHosts: env.adapters.ADAPTER_ALLOWED_HOSTS },
      webhooks: {
        // production: nobody can write into an organisation's catalog through a registration route without its secret or token
        requireVerification: env.ingest.WEBHOOK_REQUIRE_VERIFICATION ?? env.server.NODE_ENV === 'production',
        // development: unverifiable deliveries of account routes go to the account's registration, or `default`
        development: env.server.NODE_ENV !== 'production',
        bodyLimitBytes: env.ingest.WEBHOOK_BODY_LIMIT_BYTES,
      },
    });
    urls.adapters = `${await listen(runtime.subgraph, host, env.server.ADAPTERS_PORT)}/graphql`;
    urls.webhooks = `${await listen(runtime.webhooks, host, env.server.WEBHOOK_PORT)}/webhooks`;
    stops.webhooks = async () => {
      await runtime.closeWebhooks();
      await drain(bus, CATALOG_CONSUMER_GROUP, 10_000);
    };
    stops.adapters = () => runtime.close();
    targets.adapters = runtime.host;
  }

  if (db && services.has('billing')) {
    const b = env.billing;
    const billing = await createBillingService({
      db,
      bus,
      gatewayTokens: tokens,
      sharedKey: Buffer.from(tokenKey, 'base64'),
      logger: logger.child({ component: 'billing' }),
      introspection,
      serverLimits,
      publicUrl: b.BILLING_PUBLIC_URL ?? 'http://127.0.0.1/', // the listening address, set below
      seller: {
        name: b.BILLING_SELLER_NAME,
        addressLines: b.BILLING_SELLER_ADDRESS,
        email: b.BILLING_SELLER_EMAIL ?? null,
        taxId: b.BILLING_SELLER_TAX_ID ?? null,
      },
      providers: b.STRIPE_SECRET_KEY
        ? [
            new StripePaymentProvider({
              secretKey: b.STRIPE_SECRET_KEY,
              apiBaseUrl: b.STRIPE_API_BASE_URL!,
              webhookSecret: b.STRIPE_WEBHOOK_SECRET ?? null,
            }),
          ]
        : [],
      scheduleCron: b.BILLING_SCHEDULE_CRON === 'off' ? false : b.BILLING_SCHEDULE_CRON,
    });
    const billingUrl = await listen(billing.app, host, env.server.BILLING_PORT);
    if (!b.BILLING_PUBLIC_URL) billing.services.links.useBaseUrl(billingUrl);
    urls.billing = `${billingUrl}/graphql`;
    stops.billing = () => billing.close();
  }

  if (db && keyring && services.has('config')) {
    const config = await createConfigService({
      db,
      bus,
      gatewayTokens: tokens,
      logger: logger.child({ component: 'config' }),
      introspection,
      serverLimits,
      secrets: keyring,
      historyKeepVersions: env.configLog.CONFIG_HISTORY_KEEP_VERSIONS,
      settings: DICTAMESH_SETTINGS,
    });
    urls.config = `${await listen(config.app, host, env.server.CONFIG_PORT)}/graphql`;
    stops.config = () => config.close();
  }

  if (db && keyring && services.has('notifications')) {
    const notifications = await createNotificationsService({
      db,
      bus,
      gatewayTokens: tokens,
      logger: logger.child({ component: 'notifications' }),
      introspection,
      serverLimits,
      secrets: keyring,
      channels: channelsConfig(env),
      rateLimits: env.notifications.NOTIFICATIONS_RATE_LIMITS,
      // SSRF guard as the adapters decide it: endpoint URLs to non-public addresses only in development
      allowPrivateNetworks: env.server.NODE_ENV === 'development',
      worker: env.notifications.NOTIFICATIONS_WORKER,
      // the in-process bus's log holds only this process's records and what its outbox recovered
      triggersFromBeginning: !env.kafka.KAFKA_BROKERS,
    });
    urls.notifications = `${await listen(notifications.app, host, env.server.NOTIFICATIONS_PORT)}/graphql`;
    stops.notifications = () => notifications.close();
    targets.notifications = notifications.services.channels;
  }

  if (services.has('gateway')) {
    const g = env.gateway;
    const redis = g.REDIS_URL ? new Redis(g.REDIS_URL, { maxRetriesPerRequest: 1, enableOfflineQueue: false }) : undefined;
    redis?.on('error', (error) =>
      logger.warn({ err: error }, 'redis unavailable: each gateway limits rates on its own, APQ registrations fail until it is back'),
    );
    const rateLimits =
      g.RATE_LIMIT === 'on'
        ? new GatewayRateLimits({
            requests: g.RATE_LIMIT_REQUESTS,
            cost: g.RATE_LIMIT_COST,
            orgRequests: g.RATE_LIMIT_ORG_REQUESTS,
            orgCost: g.RATE_LIMIT_ORG_COST,
            windowSeconds: g.RATE_LIMIT_WINDOW_S,
            ...(redis ? { redis } : {}),
          })
        : undefined;
    const manifest = g.GATEWAY_PERSISTED_QUERIES ? readManifest(g.GATEWAY_PERSISTED_QUERIES) : undefined;
    const subgraphs = dictameshSubgraphs(routingUrls(env, supergraph!, urls), supergraph);
    const gateway = await createGatewayService({
      supergraphSdl: composeSupergraph(subgraphs),
      subgraphs,
      logger: logger.child({ component: 'gateway' }),
      introspection,
      subscriptions: { bus, appliedByGroup: CATALOG_CONSUMER_GROUP, bufferLimit: env.gateway.SUBSCRIPTION_BUFFER_LIMIT },
      auth: { tokens, authenticate: authenticator(env, db) },
      ...(rateLimits ? { rateLimits } : {}),
      corsOrigins: g.CORS_ORIGINS,
      serverLimits,
      hotReload: { watchFiles: g.GATEWAY_WATCH_SCHEMAS, pollIntervalMs: g.GATEWAY_SDL_POLL_MS },
      subgraphTimeoutMs: g.GATEWAY_SUBGRAPH_TIMEOUT_MS,
      planCacheMiB: g.GATEWAY_PLAN_CACHE_MIB,
      deduplicateFetches: g.GATEWAY_DEDUPLICATE_FETCHES,
      ...(g.GATEWAY_METERING ? { usage: { bus } } : {}),
      dependencies: {
        eventBus: () => bus.committed(CATALOG_CONSUMER_GROUP, TOPICS.entityCreated),
        ...(redis ? { redis: () => redis.ping() } : {}),
      },
      persistedQueries: {
        ...(manifest ? { manifest } : {}),
        safelist: g.GATEWAY_SAFELIST,
        apq: g.GATEWAY_APQ,
        ...(redis ? { redis } : {}),
      },
      ...(g.TRUST_PROXY === undefined ? {} : { trustProxy: g.TRUST_PROXY }),
      demandControl: {
        maxCost: env.gateway.GATEWAY_MAX_COST,
        maxDepth: env.gateway.GATEWAY_MAX_DEPTH,
        maxAliases: env.gateway.GATEWAY_MAX_ALIASES,
        maxRootFields: env.gateway.GATEWAY_MAX_ROOT_FIELDS,
        maxSelections: env.gateway.GATEWAY_MAX_SELECTIONS,
        maxTokens: env.gateway.GATEWAY_MAX_TOKENS,
        defaultListSize: env.gateway.GATEWAY_DEFAULT_LIST_SIZE,
        mode: env.gateway.GATEWAY_DEMAND_CONTROL,
      },
    });
    urls.gateway = `${await listen(gateway.app, host, env.server.GATEWAY_PORT)}/graphql`;
    stops.gateway = async () => {
      await gateway.close();
      await redis?.quit();
    };
    targets.gateway = gateway.settings;
  }

  // DictaMesh reads itself: gateway, adapter runtime and notifications follow their settings in the config subgraph live
  const configUrl = urls.config ?? env.subgraphUrls[routingUrlVariable('config')];
  const own =
    configUrl && (targets.gateway || targets.adapters || targets.notifications)
      ? await followOwnSettings({ url: configUrl, tokens, bus, env, log: logger, targets })
      : undefined;

  return {
    urls,
    db,
    keyring,
    bus,
    logger,
    drained: (timeoutMs) => drain(bus, CATALOG_CONSUMER_GROUP, timeoutMs),
    async close() {
      await own?.stop();
      await stops.webhooks?.();
      await stops.gateway?.();
      await stops.adapters?.();
      await stops.billing?.();
      await stops.notifications?.();
      await stops.config?.();
      await stops.catalog?.();
      await bus.close();
      await db?.close();
      await tracing.shutdown();
    },
  };
}

/** The notification channels the environment configures (`NOTIFICATIONS_*`); a channel without its variables is unavailable. */
function channelsConfig(env: StackEnv): ChannelsConfig {
  const n = env.notifications;
  return {
    ...(n.NOTIFICATIONS_SMTP_URL ? { smtp: { url: n.NOTIFICATIONS_SMTP_URL, from: n.NOTIFICATIONS_EMAIL_FROM } } : {}),
    ...(n.NOTIFICATIONS_SMS_URL
      ? {
          sms: {
            baseUrl: n.NOTIFICATIONS_SMS_URL,
            accountSid: n.NOTIFICATIONS_SMS_ACCOUNT_SID!,
            authToken: n.NOTIFICATIONS_SMS_AUTH_TOKEN!,
            from: n.NOTIFICATIONS_SMS_FROM!,
          },
        }
      : {}),
    ...(n.NOTIFICATIONS_PUSH_URL
      ? { push: { url: n.NOTIFICATIONS_PUSH_URL, ...(n.NOTIFICATIONS_PUSH_TOKEN ? { accessToken: n.NOTIFICATIONS_PUSH_TOKEN } : {}) } }
      : {}),
    ...(n.NOTIFICATIONS_PAGERDUTY_URL ? { pagerDutyEventsUrl: n.NOTIFICATIONS_PAGERDUTY_URL } : {}),
  };
}

/**
 * Where the gateway reaches each subgraph of the config: its `<NAME>_SUBGRAPH_URL`, else the URL
 * the service serving it listens on when it runs in this process (`SUBGRAPH_SERVICES`); the
 * others keep the config's `routing_url`.
 */
function routingUrls(env: StackEnv, supergraph: SupergraphConfig, started: Stack['urls']): SubgraphUrls {
  return Object.fromEntries(
    supergraph.subgraphs.flatMap(({ name }) => {
      const service = SUBGRAPH_SERVICES[name];
      const url = env.subgraphUrls[routingUrlVariable(name)] ?? (service && started[service as keyof Stack['urls']]);
      return url ? [[name, url]] : [];
    }),
  );
}

/** Who a gateway request is: JWTs when configured, API keys when a database is open in this process (a service beside it, or DATABASE_URL). */
function authenticator(env: StackEnv, db: Database | undefined) {
  const { auth } = env;
  const jwt =
    auth.JWT_SECRET || auth.JWT_JWKS_URL
      ? jwtVerifier({
          ...(auth.JWT_SECRET ? { secret: auth.JWT_SECRET } : {}),
          ...(auth.JWT_JWKS_URL ? { jwksUrl: auth.JWT_JWKS_URL } : {}),
          ...(auth.JWT_ISSUER ? { issuer: auth.JWT_ISSUER } : {}),
          ...(auth.JWT_AUDIENCE ? { audience: auth.JWT_AUDIENCE } : {}),
          clockSkewSeconds: auth.JWT_CLOCK_SKEW_S,
          orgClaim: auth.JWT_ORG_CLAIM,
        })
      : undefined;
  // the keys' owner is the API key store in @dictamesh/db (the catalog's mutations write through it)
  const apiKeys = db ? new ApiKeyVerifier(createApiKeyStore(db), auth.API_KEY_CACHE_MS) : undefined;
  const anonymousScopes = auth.AUTH_ANONYMOUS_SCOPES ?? (env.server.NODE_ENV === 'production' ? [] : ['dictamesh:admin']);
  return createAuthenticator({ mode: auth.AUTH_MODE, anonymousScopes, ...(jwt ? { jwt } : {}), ...(apiKeys ? { apiKeys } : {}) });
}

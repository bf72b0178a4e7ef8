import { z } from 'zod';
import { AddressGuard } from '@dictamesh/adapter-sdk';
import { CONFIG_CLIENT_DEFAULTS } from '@dictamesh/config-client';
import { ADAPTER_HOST_DEFAULTS } from '@dictamesh/adapter-runtime';
import { KAFKA_BUS_DEFAULTS, RETRY_DEFAULTS } from '@dictamesh/events';
import { DEFAULT_SUPERGRAPH_CONFIG, GATEWAY_DEFAULTS } from '@dictamesh/gateway';
import { BILLING_DEFAULTS } from '@dictamesh/subgraph-billing';
import { CATALOG_DEFAULTS } from '@dictamesh/subgraph-catalog';
import { CONFIG_DEFAULTS } from '@dictamesh/subgraph-config';
import { DEFAULT_BODY_LIMIT_BYTES, DEFAULT_SERVER_LIMITS, parseEnv, splitList } from '@dictamesh/runtime';
import { localMasterKeys } from '@dictamesh/secrets';
import type { NotificationChannel } from '@dictamesh/db';
import { serverEnvSchema } from './env-server';

const optionalUrl = z
  .string()
  .url()
  .optional()
  .or(z.literal('').transform(() => undefined));

/** The notification channels (the Prisma enum `NotificationChannel`). */
const NOTIFICATION_CHANNELS = [
  'EMAIL',
  'SMS',
  'PUSH',
  'SLACK',
  'WEBHOOK',
  'IN_APP',
  'PAGERDUTY',
] as const satisfies readonly NotificationChannel[];

/** `<NAME>_SUBGRAPH_URL`, the routing URL override of a subgraph (`routingUrlVariable`). */
const SUBGRAPH_URL = /^[A-Z][A-Z0-9_]*_SUBGRAPH_URL$/;

type JwtVariable = 'NODE_ENV' | 'JWT_SECRET' | 'JWT_JWKS_URL' | 'JWT_ISSUER' | 'JWT_AUDIENCE';

/**
 * With `NODE_ENV=production`, JWT verification (`JWT_SECRET` or `JWT_JWKS_URL`) needs `JWT_ISSUER`
 * and `JWT_AUDIENCE`: without them a token of any issuer, minted for any other service that shares
 * the key or the identity provider, would be accepted (RFC 8725 §3.8–3.9). Adds one issue per
 * missing variable, so `parseEnv` lists them with every other problem.
 */
function requireJwtClaimsInProduction(auth: Partial<Record<JwtVariable, string | string[]>>, ctx: z.RefinementCtx): void {
  if (auth.NODE_ENV !== 'production' || !(auth.JWT_SECRET || auth.JWT_JWKS_URL)) return;
  const missing = { JWT_ISSUER: !auth.JWT_ISSUER, JWT_AUDIENCE: !auth.JWT_AUDIENCE?.length };
  for (const [name, absent] of Object.entries(missing)) {
    if (absent) {
      ctx.addIssue({
        code: 'custom',
        path: [name],
        message: 'required with NODE_ENV=production when JWT_SECRET or JWT_JWKS_URL is set (else any issuer or audience is accepted)',
      });
    }
  }
}

/**
 * Configuration of `dictamesh start`, one zod schema per concern (docs/configuration.md lists every
 * variable with its default).
 */
export const envSchemas = {
  server: serverEnvSchema,
  /** Timeouts and the per-client connection cap of every HTTP server (gateway, catalog, adapters, webhooks), ms. */
  http: z.object({
    /** Longest time to receive a whole request (headers and body). */
    HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(DEFAULT_SERVER_LIMITS.requestTimeoutMs),
    /** Longest time to receive a request's headers (at most the request timeout). */
    HTTP_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(DEFAULT_SERVER_LIMITS.headersTimeoutMs),
    /** How long an idle keep-alive connection waits for its next request. */
    HTTP_KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(DEFAULT_SERVER_LIMITS.keepAliveTimeoutMs),
    /** Socket inactivity that closes a connection while a request is in progress (SSE streams and WebSockets excepted). */
    HTTP_CONNECTION_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(DEFAULT_SERVER_LIMITS.connectionTimeoutMs),
    /** Open connections per client address (IPv6: per /64) on the gateway and webhook servers; 0 = no cap. */
    MAX_CONNECTIONS_PER_IP: z.coerce.number().int().min(0).max(1_000_000).default(DEFAULT_SERVER_LIMITS.maxConnectionsPerIp),
  }),
  database: z.object({
    DATABASE_URL: optionalUrl,
    DICTAMESH_DATA_DIR: z.string().min(1).default('.dictamesh'),
  }),
  gateway: z.object({
    /** The supergraph config (rover's `supergraph.yaml` format): the subgraphs the gateway composes, relative to the working directory. */
    SUPERGRAPH_CONFIG: z.string().min(1).default(DEFAULT_SUPERGRAPH_CONFIG),
    GRAPHQL_INTROSPECTION: z.enum(['true', 'false']).optional(),
    SUBSCRIPTION_BUFFER_LIMIT: z.coerce.number().int().min(1).max(1_000_000).default(GATEWAY_DEFAULTS.subscriptionBufferLimit),
    /** Demand control (see README): limits per operation, checked before any subgraph is called. */
    GATEWAY_MAX_COST: z.coerce.number().int().min(1).default(GATEWAY_DEFAULTS.demandControl.maxCost),
    GATEWAY_MAX_DEPTH: z.coerce.number().int().min(1).max(1_000).default(GATEWAY_DEFAULTS.demandControl.maxDepth),
    GATEWAY_MAX_ALIASES: z.coerce.number().int().min(0).max(10_000).default(GATEWAY_DEFAULTS.demandControl.maxAliases),
    GATEWAY_MAX_ROOT_FIELDS: z.coerce.number().int().min(1).max(10_000).default(GATEWAY_DEFAULTS.demandControl.maxRootFields),
    GATEWAY_MAX_SELECTIONS: z.coerce.number().int().min(100).max(1_000_000).default(GATEWAY_DEFAULTS.demandControl.maxSelections),
    GATEWAY_MAX_TOKENS: z.coerce.number().int().min(100).max(1_000_000).default(GATEWAY_DEFAULTS.demandControl.maxTokens),
    GATEWAY_DEFAULT_LIST_SIZE: z.coerce.number().int().min(1).max(100_000).default(GATEWAY_DEFAULTS.demandControl.defaultListSize),
    GATEWAY_DEMAND_CONTROL: z.enum(['enforce', 'measure']).default(GATEWAY_DEFAULTS.demandControl.mode),
    /** Reload the supergraph when a file of schemas/subgraphs changes. */
    GATEWAY_WATCH_SCHEMAS: z
      .enum(['true', 'false'])
      .default('true')
      .transform((v) => v === 'true'),
    /** Ask the subgraphs for their SDL this often and reload on a change, ms; 0 = never. */
    GATEWAY_SDL_POLL_MS: z.coerce.number().int().min(0).max(3_600_000).default(0),
    /** Longest wait for a subgraph's answer, ms (then the field errors with GATEWAY_TIMEOUT). */
    GATEWAY_SUBGRAPH_TIMEOUT_MS: z.coerce.number().int().min(10).max(600_000).default(GATEWAY_DEFAULTS.subgraphTimeoutMs),
    /** Approximate size bound of the query plan cache, MiB. */
    GATEWAY_PLAN_CACHE_MIB: z.coerce.number().int().min(1).max(4_096).default(GATEWAY_DEFAULTS.planCacheMiB),
    /** Share identical in-flight subgraph query fetches. */
    GATEWAY_DEDUPLICATE_FETCHES: z
      .enum(['true', 'false'])
      .default(`${GATEWAY_DEFAULTS.deduplicateFetches}`)
      .transform((v) => v === 'true'),
    /** Publish every client operation's usage (org, name, cost, duration, result) on `dictamesh.usage.operation`. */
    GATEWAY_METERING: z
      .enum(['true', 'false'])
      .default('true')
      .transform((v) => v === 'true'),
    /** Persisted query manifest (`dictamesh operations publish`); unset = none. */
    GATEWAY_PERSISTED_QUERIES: z.string().min(1).optional(),
    /** `off`: any operation runs; `safelist`: only manifest operations (by id or exact body); `ids`: only by id. */
    GATEWAY_SAFELIST: z.enum(['off', 'safelist', 'ids']).default('off'),
    /** Automatic persisted queries (clients register operations by hash; on Redis with REDIS_URL); always off with a safelist. */
    GATEWAY_APQ: z
      .enum(['true', 'false'])
      .default('true')
      .transform((v) => v === 'true'),
    /** Rate limits per window: per client (API key / user / IP) and per organisation; `RATE_LIMIT=off` disables them. */
    RATE_LIMIT: z.enum(['on', 'off']).default('on'),
    RATE_LIMIT_WINDOW_S: z.coerce.number().int().min(1).max(86_400).default(GATEWAY_DEFAULTS.rateLimits.windowSeconds),
    RATE_LIMIT_REQUESTS: z.coerce.number().int().min(1).default(GATEWAY_DEFAULTS.rateLimits.requests),
    RATE_LIMIT_COST: z.coerce.number().int().min(1).default(GATEWAY_DEFAULTS.rateLimits.cost),
    RATE_LIMIT_ORG_REQUESTS: z.coerce.number().int().min(1).default(GATEWAY_DEFAULTS.rateLimits.orgRequests),
    RATE_LIMIT_ORG_COST: z.coerce.number().int().min(1).default(GATEWAY_DEFAULTS.rateLimits.orgCost),
    /** Browser origins allowed to call the gateway (comma-separated, exact `scheme://host[:port]`). */
    CORS_ORIGINS: z
      .string()
      .optional()
      .transform((v) => (v ? splitList(v) : []))
      .refine((list) => list.every((o) => /^https?:\/\/[^/\s]+$/.test(o)), 'expected origins such as https://app.example.com'),
    /** `true`, a hop count, or comma-separated proxy addresses / CIDRs whose X-Forwarded-For is believed. */
    TRUST_PROXY: z
      .string()
      .optional()
      .transform((v) => (v === undefined || v === 'false' ? undefined : v === 'true' ? true : /^\d+$/.test(v) ? Number(v) : splitList(v))),
    /** Redis shared by gateway instances (rate limits, APQ registrations); unset = per-process memory. */
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\//, 'expected redis://host:port')
      .optional(),
  }),
  /**
   * Routing URL overrides of the config's subgraphs: `<NAME>_SUBGRAPH_URL` (`CATALOG_SUBGRAPH_URL`),
   * by variable name; an empty value is unset.
   */
  subgraphUrls: z
    .record(z.string(), z.string().optional())
    .transform((source) => Object.fromEntries(Object.entries(source).filter(([name, value]) => SUBGRAPH_URL.test(name) && value)))
    .pipe(z.record(z.string(), z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }))),
  auth: z
    .object({
      /** Read only to require JWT_ISSUER and JWT_AUDIENCE in production; not part of the result. */
      NODE_ENV: z.string().optional(),
      /** `required`: requests without credentials get 401; `optional`: they run anonymous. */
      AUTH_MODE: z.enum(['optional', 'required']).default('optional'),
      /** Scopes of requests without credentials (AUTH_MODE=optional), comma-separated; unset = `dictamesh:admin` outside production, none in production. */
      AUTH_ANONYMOUS_SCOPES: z
        .string()
        .optional()
        .transform((v) => (v === undefined ? undefined : splitList(v))),
      JWT_SECRET: z.string().min(32, 'at least 32 characters (HS256 needs a 256-bit secret)').optional(),
      JWT_JWKS_URL: optionalUrl,
      JWT_ISSUER: z.string().min(1).optional(),
      /** Comma-separated accepted audiences. */
      JWT_AUDIENCE: z
        .string()
        .optional()
        .transform((v) => (v ? splitList(v) : undefined)),
      JWT_CLOCK_SKEW_S: z.coerce.number().int().min(0).max(600).default(GATEWAY_DEFAULTS.jwt.clockSkewSeconds),
      JWT_ORG_CLAIM: z.string().min(1).default(GATEWAY_DEFAULTS.jwt.orgClaim),
      /** How long a gateway trusts a looked-up API key (a revocation takes this long to reach it). */
      API_KEY_CACHE_MS: z.coerce.number().int().min(1).max(600_000).default(GATEWAY_DEFAULTS.apiKeyCacheMs),
      /** Key signing the principal on gateway → subgraph requests, 32 bytes base64; unset = `<DATA_DIR>/subgraph-token.key`. */
      SUBGRAPH_TOKEN_KEY: z
        .string()
        .optional()
        .refine((v) => v === undefined || Buffer.from(v, 'base64').length >= 32, '32 bytes or more, base64 (openssl rand -base64 32)'),
    })
    .superRefine(requireJwtClaimsInProduction)
    .transform(({ NODE_ENV, ...auth }) => auth),
  kafka: z.object({
    /** Comma-separated `host:port` list; unset = the in-process bus. */
    KAFKA_BROKERS: z
      .string()
      .optional()
      .transform((v) => (v ? splitList(v) : undefined))
      .refine((list) => !list || list.every((b) => /^[^\s:]+:\d{1,5}$/.test(b)), 'expected host:port[,host:port…]'),
    KAFKA_CLIENT_ID: z.string().min(1).default(KAFKA_BUS_DEFAULTS.clientId),
    KAFKA_TOPIC_PARTITIONS: z.coerce.number().int().min(1).max(1000).default(6),
    KAFKA_REPLICATION_FACTOR: z.coerce.number().int().min(1).max(10).default(1),
    KAFKA_RETENTION_MS: z.coerce
      .number()
      .int()
      .min(60_000)
      .default(7 * 24 * 3600 * 1000),
    /** How long a silent consumer keeps its partitions before the group rebalances. */
    KAFKA_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6_000).max(300_000).default(KAFKA_BUS_DEFAULTS.sessionTimeoutMs),
    /** Producer linger (ms): how long a publish waits for others to share its produce request. */
    KAFKA_PRODUCER_LINGER_MS: z.coerce.number().int().min(0).max(1_000).default(KAFKA_BUS_DEFAULTS.producerLingerMs),
  }),
  /** Envelope encryption of stored secrets (@dictamesh/secrets): configuration secrets and adapter secrets. */
  secrets: z.object({
    /**
     * Master key(s), 32 bytes base64 each, comma-separated: the first wraps the key-encryption
     * keys, the others only unwrap (master-key rotation); unset = `<DATA_DIR>/master.key`.
     */
    DICTAMESH_MASTER_KEY: z
      .string()
      .optional()
      .superRefine((value, ctx) => {
        if (!value?.trim()) return;
        try {
          localMasterKeys(value, '');
        } catch {
          ctx.addIssue({ code: 'custom', message: 'each comma-separated key must be 32 bytes, base64-encoded' });
        }
      }),
  }),
  adapters: z.object({
    /**
     * Legacy AES-256-GCM key of adapter secrets stored before the key ring (`DICTAMESH_MASTER_KEY`);
     * read only to re-seal such rows at start; unset = the key file `<DATA_DIR>/secret.key` if present.
     */
    DICTAMESH_SECRET_KEY: z.string().min(1).optional(),
    /** Where adapter packages are found (comma-separated directories). */
    DICTAMESH_ADAPTER_DIRS: z.string().default('adapters').transform(splitList),
    ADAPTER_HEALTH_INTERVAL_MS: z.coerce.number().int().min(100).max(3_600_000).default(ADAPTER_HOST_DEFAULTS.healthIntervalMs),
    /** Incremental re-sync period of each adapter; 0 = only on `triggerSync`. */
    ADAPTER_SYNC_INTERVAL_MS: z.coerce.number().int().min(0).max(86_400_000).default(ADAPTER_HOST_DEFAULTS.syncIntervalMs),
    /**
     * Non-public hosts adapters may still reach (comma-separated host names and addresses / CIDRs):
     * outside development, sources on loopback, private, link-local… addresses are refused (SSRF).
     */
    ADAPTER_ALLOWED_HOSTS: z
      .string()
      .default('')
      .transform(splitList)
      .superRefine((hosts, ctx) => {
        try {
          new AddressGuard({ allowedHosts: hosts });
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: (error as Error).message });
        }
      }),
  }),
  /** The config subgraph's change log. */
  configLog: z.object({
    /** Versions of each configuration entry kept by compaction (the latest always stays); watchers resuming from before them are told to re-read. */
    CONFIG_HISTORY_KEEP_VERSIONS: z.coerce.number().int().min(1).max(1_000_000).default(CONFIG_DEFAULTS.historyKeepVersions),
  }),
  /** DictaMesh's own settings, followed live from the config subgraph (`@dictamesh/config-client`). */
  ownSettings: z.object({
    /** The environment whose platform settings this process follows (`platform/<environment>/<service>`); unset = `NODE_ENV`. */
    DICTAMESH_ENVIRONMENT: z
      .string()
      .regex(/^[a-z0-9][a-z0-9._-]{0,99}$/, 'expected a name such as production')
      .optional(),
    /** How often the settings are read again besides on each change event (and retried while the config service is unreachable), ms. */
    DICTAMESH_CONFIG_REFRESH_MS: z.coerce.number().int().min(100).max(3_600_000).default(CONFIG_CLIENT_DEFAULTS.refreshIntervalMs),
  }),
  billing: z
    .object({
      /** Public base URL of the billing service in invoice download links; unset = the URL it listens on. */
      BILLING_PUBLIC_URL: optionalUrl,
      /** When period closes are looked for (cron pattern, croner); `off` = never (another instance closes them). */
      BILLING_SCHEDULE_CRON: z.string().min(1).default(BILLING_DEFAULTS.scheduleCron),
      /** The seller printed on invoices: name, address lines (separated by `|`), e-mail, tax id. */
      BILLING_SELLER_NAME: z.string().min(1).default('DictaMesh'),
      BILLING_SELLER_ADDRESS: z
        .string()
        .default('')
        .transform((v) =>
          v
            .split('|')
            .map((line) => line.trim())
            .filter(Boolean),
        ),
      BILLING_SELLER_EMAIL: z.string().email().optional(),
      BILLING_SELLER_TAX_ID: z.string().min(1).optional(),
      /** Stripe secret key; unset = no Stripe provider (organisations pay by bank transfer, `manual`). */
      STRIPE_SECRET_KEY: z.string().min(1).optional(),
      /** Stripe's API base URL (stripe-mock in tests); required with STRIPE_SECRET_KEY so nothing reaches Stripe unless named. */
      STRIPE_API_BASE_URL: optionalUrl,
      /** Signing secret of the Stripe webhook endpoint (`whsec_…`); unset = Stripe webhooks refused. */
      STRIPE_WEBHOOK_SECRET: z.string().min(1).optional(),
    })
    .refine((b) => !b.STRIPE_SECRET_KEY || b.STRIPE_API_BASE_URL, {
      path: ['STRIPE_API_BASE_URL'],
      message: 'required with STRIPE_SECRET_KEY (https://api.stripe.com, or stripe-mock)',
    }),
  /** The notifications subgraph's channels and delivery worker (docs/notifications.md). */
  notifications: z
    .object({
      /** SMTP server of EMAIL (`smtp://user:pass@host:587`, `smtps://…`); unset = EMAIL unavailable. */
      NOTIFICATIONS_SMTP_URL: z
        .string()
        .regex(/^smtps?:\/\/[^\s]+$/, 'expected smtp://[user:pass@]host[:port] or smtps://…')
        .optional()
        .or(z.literal('').transform(() => undefined)),
      /** The From of e-mails (`Name <address>` or an address). */
      NOTIFICATIONS_EMAIL_FROM: z.string().min(1).default('DictaMesh <notifications@localhost>'),
      /** SMS provider's API base URL (Twilio Messages API shape); unset = SMS unavailable. */
      NOTIFICATIONS_SMS_URL: optionalUrl,
      NOTIFICATIONS_SMS_ACCOUNT_SID: z.string().min(1).optional(),
      NOTIFICATIONS_SMS_AUTH_TOKEN: z.string().min(1).optional(),
      /** Sender number of SMS (E.164). */
      NOTIFICATIONS_SMS_FROM: z.string().min(1).optional(),
      /** Push provider's send URL (Expo push API shape); unset = PUSH unavailable. */
      NOTIFICATIONS_PUSH_URL: optionalUrl,
      /** Bearer token of the push provider; unset = none sent. */
      NOTIFICATIONS_PUSH_TOKEN: z.string().min(1).optional(),
      /** PagerDuty Events API v2 URL; unset = `https://events.pagerduty.com/v2/enqueue`. */
      NOTIFICATIONS_PAGERDUTY_URL: optionalUrl,
      /** Deliveries per second per channel (`EMAIL=10,SMS=1`); channels not named are unlimited. */
      NOTIFICATIONS_RATE_LIMITS: z
        .string()
        .default('')
        .transform(splitList)
        .pipe(
          z.array(
            z
              .string()
              .regex(/^[A-Za-z_]+=\d+(\.\d+)?$/, 'expected CHANNEL=perSecond[,CHANNEL=perSecond…] (EMAIL=10,SMS=1)')
              .transform((entry) => {
                const [channel, perSecond] = entry.split('=');
                return [channel!.toUpperCase(), Number(perSecond)] as const;
              })
              .pipe(z.tuple([z.enum(NOTIFICATION_CHANNELS), z.number().positive()])),
          ),
        )
        .transform((entries) => Object.fromEntries(entries) as Partial<Record<(typeof NOTIFICATION_CHANNELS)[number], number>>),
      /** Whether this process runs the delivery worker (`false`: it accepts and queues only; another process delivers). */
      NOTIFICATIONS_WORKER: z
        .enum(['true', 'false'])
        .default('true')
        .transform((v) => v === 'true'),
    })
    .superRefine((n, ctx) => {
      if (!n.NOTIFICATIONS_SMS_URL) return;
      const sms = {
        NOTIFICATIONS_SMS_ACCOUNT_SID: n.NOTIFICATIONS_SMS_ACCOUNT_SID,
        NOTIFICATIONS_SMS_AUTH_TOKEN: n.NOTIFICATIONS_SMS_AUTH_TOKEN,
        NOTIFICATIONS_SMS_FROM: n.NOTIFICATIONS_SMS_FROM,
      };
      for (const [name, value] of Object.entries(sms))
        if (!value) ctx.addIssue({ code: 'custom', path: [name], message: 'required with NOTIFICATIONS_SMS_URL' });
    }),
  consumers: z.object({
    /** Attempts per record (or batch) before it goes to the DLQ. */
    CONSUMER_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(RETRY_DEFAULTS.maxAttempts),
    /** First retry delay, ms; doubled per attempt with jitter, capped at 5 s. */
    CONSUMER_RETRY_INITIAL_DELAY_MS: z.coerce.number().int().min(1).max(60_000).default(RETRY_DEFAULTS.retryInitialDelayMs),
  }),
  ingest: z.object({
    WEBHOOK_BODY_LIMIT_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .max(64 * 1024 * 1024)
      .default(DEFAULT_BODY_LIMIT_BYTES),
    /**
     * Refuse webhook deliveries that cannot be verified (no secret / token registered for the
     * registration or account). Unset: on with `NODE_ENV=production`, off otherwise.
     */
    WEBHOOK_REQUIRE_VERIFICATION: z
      .enum(['true', 'false'])
      .optional()
      .transform((v) => (v === undefined ? undefined : v === 'true')),
    // one partition suits one PGlite (it runs one statement at a time); per-key order holds either way
    BUS_PARTITIONS: z.coerce.number().int().min(1).max(256).default(1),
    /** How often the catalog publishes each organisation's storage (billing's `storage_gb`), ms; 0 = never. */
    CATALOG_STORAGE_REPORT_INTERVAL_MS: z.coerce.number().int().min(0).max(86_400_000).default(CATALOG_DEFAULTS.storageReportIntervalMs),
  }),
  telemetry: z.object({
    /** OTLP/HTTP collector receiving traces (standard OpenTelemetry variable); unset = no tracing, nothing leaves the machine. */
    OTEL_EXPORTER_OTLP_ENDPOINT: optionalUrl,
    OTEL_SERVICE_NAME: z.string().min(1).default('dictamesh'),
    /** Share of new traces recorded (a sampled caller's trace is always followed). */
    OTEL_TRACES_SAMPLE_RATIO: z.coerce.number().min(0).max(1).default(1),
  }),
};

/**
 * The secret variables, each also accepted as `<NAME>_FILE`: the path of a file holding the
 * value (a Docker / Kubernetes secret mounted read-only), trailing line breaks removed.
 * Setting both forms is refused.
 */
export const SECRET_FILE_VARIABLES = [
  'JWT_SECRET',
  'SUBGRAPH_TOKEN_KEY',
  'DICTAMESH_MASTER_KEY',
  'DICTAMESH_SECRET_KEY',
  'DATABASE_URL',
  'REDIS_URL',
  'NOTIFICATIONS_SMTP_URL',
  'NOTIFICATIONS_SMS_AUTH_TOKEN',
  'NOTIFICATIONS_PUSH_TOKEN',
  'STRIPE_SECRET_KEY',
  'STRIPE_WEBHOOK_SECRET',
] as const;

/** Parsed configuration. */
export type StackEnv = ReturnType<typeof parseStackEnv>;

/**
 * Parses the environment, reading each of {@link SECRET_FILE_VARIABLES} from its `<NAME>_FILE`
 * when that is set.
 * @throws DictaMeshError `CONFIGURATION_INVALID` listing every problem (a secret given both ways
 *   or its file unreadable among them)
 */
export function parseStackEnv(source: Record<string, string | undefined> = process.env) {
  return parseEnv(envSchemas, source, { fileVariables: SECRET_FILE_VARIABLES });
}

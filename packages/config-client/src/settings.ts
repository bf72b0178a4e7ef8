/**
 * DictaMesh's own settings: the keys each DictaMesh service reads from the config subgraph,
 * with their JSON Schemas (draft 2020-12). They live at the PLATFORM scope, environment
 * `DICTAMESH_ENVIRONMENT` (default `NODE_ENV`), service = the service name: e.g.
 * `platform/production/gateway` key `rateLimit.requests`. The config service seeds these schemas
 * at start (operation SCHEMA, author `dictamesh`) when a key has none; the environment variable
 * named by each setting stays its bootstrap default.
 */

/** The DictaMesh services that follow their settings live. */
export type DictaMeshService = 'gateway' | 'adapters' | 'notifications';

/** One DictaMesh setting. */
export interface DictaMeshSetting {
  service: DictaMeshService;
  /** Dotted key (`rateLimit.requests`). */
  key: string;
  /** The JSON Schema (draft 2020-12) every value must satisfy. */
  schema: Record<string, unknown>;
  /** The environment variable giving its default (bootstrap value); null when there is none. */
  env: string | null;
  description: string;
}

const integer = (minimum: number, maximum?: number) => ({ type: 'integer', minimum, ...(maximum === undefined ? {} : { maximum }) });

/** A notification channel: whether it is on, and its own fields. */
const CHANNEL = {
  type: 'object',
  required: ['enabled'],
  properties: { enabled: { type: 'boolean' } },
};

/**
 * Every DictaMesh setting. Bounds are those of the environment variables (`cli/src/env.ts`), so a
 * value the config service accepts is one the service could also have started with.
 */
export const DICTAMESH_SETTINGS: readonly DictaMeshSetting[] = [
  {
    service: 'gateway',
    key: 'rateLimit.requests',
    schema: integer(1),
    env: 'RATE_LIMIT_REQUESTS',
    description: 'Requests per window of one client (API key, user, or IP when anonymous).',
  },
  {
    service: 'gateway',
    key: 'rateLimit.cost',
    schema: integer(1),
    env: 'RATE_LIMIT_COST',
    description: 'Estimated cost (demand control units) per window of one client.',
  },
  {
    service: 'gateway',
    key: 'rateLimit.orgRequests',
    schema: integer(1),
    env: 'RATE_LIMIT_ORG_REQUESTS',
    description: 'Requests per window of one organisation, all its clients together.',
  },
  {
    service: 'gateway',
    key: 'rateLimit.orgCost',
    schema: integer(1),
    env: 'RATE_LIMIT_ORG_COST',
    description: 'Estimated cost per window of one organisation.',
  },
  {
    service: 'gateway',
    key: 'rateLimit.windowSeconds',
    schema: integer(1, 86_400),
    env: 'RATE_LIMIT_WINDOW_S',
    description: 'Length of the rate limit window, seconds.',
  },
  {
    service: 'gateway',
    key: 'demandControl.maxCost',
    schema: integer(1),
    env: 'GATEWAY_MAX_COST',
    description: 'Largest estimated cost of one operation.',
  },
  {
    service: 'gateway',
    key: 'demandControl.maxDepth',
    schema: integer(1, 1_000),
    env: 'GATEWAY_MAX_DEPTH',
    description: 'Deepest field nesting of one operation.',
  },
  {
    service: 'gateway',
    key: 'demandControl.maxAliases',
    schema: integer(0, 10_000),
    env: 'GATEWAY_MAX_ALIASES',
    description: 'Most aliased fields of one operation.',
  },
  {
    service: 'gateway',
    key: 'demandControl.maxRootFields',
    schema: integer(1, 10_000),
    env: 'GATEWAY_MAX_ROOT_FIELDS',
    description: 'Most root fields of one operation.',
  },
  {
    service: 'gateway',
    key: 'demandControl.maxSelections',
    schema: integer(100, 1_000_000),
    env: 'GATEWAY_MAX_SELECTIONS',
    description: 'Most selections of one operation with every fragment expanded at each spread.',
  },
  {
    service: 'gateway',
    key: 'demandControl.maxTokens',
    schema: integer(100, 1_000_000),
    env: 'GATEWAY_MAX_TOKENS',
    description: 'Most lexical tokens of one document (documents already parsed and cached keep passing).',
  },
  {
    service: 'gateway',
    key: 'demandControl.defaultListSize',
    schema: integer(1, 100_000),
    env: 'GATEWAY_DEFAULT_LIST_SIZE',
    description: 'Items assumed for a list field without @listSize.',
  },
  {
    service: 'gateway',
    key: 'demandControl.mode',
    schema: { type: 'string', enum: ['enforce', 'measure'] },
    env: 'GATEWAY_DEMAND_CONTROL',
    description: '`enforce` refuses operations over a limit; `measure` only reports their cost.',
  },
  {
    service: 'adapters',
    key: 'sync.intervalMs',
    schema: integer(0, 86_400_000),
    env: 'ADAPTER_SYNC_INTERVAL_MS',
    description: 'Incremental re-sync period of each streaming adapter, ms; 0 = only on triggerSync.',
  },
  {
    service: 'adapters',
    key: 'health.intervalMs',
    schema: integer(100, 3_600_000),
    env: 'ADAPTER_HEALTH_INTERVAL_MS',
    description: 'Health check period of each adapter, ms.',
  },
  {
    service: 'notifications',
    key: 'channels',
    schema: {
      type: 'object',
      propertyNames: { pattern: '^[a-z][a-z0-9-]{0,62}$' },
      properties: {
        email: {
          ...CHANNEL,
          properties: { ...CHANNEL.properties, fromAddress: { type: 'string', format: 'email' } },
        },
      },
      additionalProperties: CHANNEL,
    },
    env: null,
    description:
      'Notification channels by lower-case name (`email`, `sms`, `push`, `slack`, `webhook`, `in-app`, `pagerduty`), applied live: `enabled: false` makes a channel unavailable (sends naming it are refused; queued deliveries wait for it without using attempts); `email.fromAddress` replaces NOTIFICATIONS_EMAIL_FROM (`{ "email": { "enabled": true, "fromAddress": "ops@example.com" } }`).',
  },
];

/** The settings of one service, in registry order. */
export function settingsOf(service: DictaMeshService): DictaMeshSetting[] {
  return DICTAMESH_SETTINGS.filter((setting) => setting.service === service);
}

/** The setting of `service` named `key`, or undefined. */
export function settingOf(service: DictaMeshService, key: string): DictaMeshSetting | undefined {
  return DICTAMESH_SETTINGS.find((setting) => setting.service === service && setting.key === key);
}

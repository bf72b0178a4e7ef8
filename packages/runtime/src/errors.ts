import { GraphQLError } from 'graphql';

/**
 * The closed registry of DictaMesh error codes. Every error sent to a client — a GraphQL
 * error's `extensions.code` or an HTTP error body's `code` — comes from here (the pattern of
 * Apollo Federation's `ERRORS.X.err()`).
 */
export const ERROR_CODES = {
  BAD_USER_INPUT: { status: 400, message: 'The input is invalid.' },
  UNAUTHENTICATED: { status: 401, message: 'Missing or invalid credentials.' },
  FORBIDDEN: { status: 403, message: 'The caller lacks the scope this needs.' },
  UNAUTHORIZED: { status: 200, message: 'Unauthorized field or type: the caller is not authenticated or lacks a scope it needs.' },
  GATEWAY_TIMEOUT: { status: 504, message: 'A subgraph did not answer in time.' },
  RATE_LIMITED: { status: 429, message: 'Too many requests, or too much estimated cost, in the rate limit window.' },
  NOT_FOUND: { status: 404, message: 'Not found.' },
  INTERNAL_SERVER_ERROR: { status: 500, message: 'Unexpected error.' },
  CONFIGURATION_INVALID: { status: 500, message: 'The configuration is invalid.' },
  MIGRATION_FAILED: { status: 500, message: 'A database migration failed.' },
  DATA_DIR_IN_USE: { status: 503, message: 'The PGlite data directory is in use by another process (PGlite serves one process).' },
  MALFORMED_JSON: { status: 400, message: 'The request body is not valid JSON.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'The request body must be application/json.' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is too large.' },
  WEBHOOK_MISSING_EVENT: { status: 400, message: 'The webhook body has no "event" field.' },
  WEBHOOK_INVALID_PAYLOAD: { status: 422, message: 'The webhook body does not have the shape of its event.' },
  WEBHOOK_ACCOUNT_UNKNOWN: { status: 422, message: 'The webhook body names no account and the URL gives none.' },
  WEBHOOK_ACCOUNT_MISMATCH: { status: 422, message: 'The account in the webhook body differs from the account in the URL.' },
  WEBHOOK_SIGNATURE_INVALID: { status: 401, message: 'The webhook signature is missing, stale or does not match.' },
  WEBHOOK_TOKEN_INVALID: { status: 401, message: 'The webhook URL token does not match the one registered.' },
  WEBHOOK_UNVERIFIED: { status: 401, message: 'The webhook cannot be verified: no secret or token is registered for it.' },
  WEBHOOK_EVENT_IGNORED: { status: 202, message: 'The event is not one DictaMesh ingests; it was ignored.' },
  EVENT_BUS_UNAVAILABLE: { status: 503, message: 'The event bus did not accept the events; retry later.' },
  INVALID_CURSOR: { status: 400, message: 'The pagination cursor is invalid.' },
  SOURCE_REQUEST_FAILED: { status: 502, message: 'The source system answered with an error.' },
  SOURCE_TIMEOUT: { status: 504, message: 'The source system did not answer in time.' },
  SOURCE_UNAVAILABLE: { status: 503, message: 'The source system is unavailable (circuit open); retry later.' },
  SOURCE_ADDRESS_FORBIDDEN: {
    status: 403,
    message: 'The source host is not a public address (loopback, private, link-local…) and the operator has not allowed it.',
  },
  ADAPTER_CONFIG_INVALID: { status: 400, message: 'The adapter configuration is invalid.' },
  ADAPTER_KIND_UNKNOWN: { status: 400, message: 'No adapter of this kind is installed.' },
  MAX_DEPTH_LIMIT: { status: 400, message: 'The operation nests fields deeper than the gateway allows.' },
  MAX_ALIASES_LIMIT: { status: 400, message: 'The operation uses more aliases than the gateway allows.' },
  MAX_ROOT_FIELDS_LIMIT: { status: 400, message: 'The operation selects more root fields than the gateway allows.' },
  MAX_SELECTIONS_LIMIT: {
    status: 400,
    message: 'The operation, with its fragments expanded at every spread, has more selections than the gateway allows.',
  },
  PERSISTED_QUERY_NOT_IN_LIST: { status: 400, message: 'Only operations of the persisted query list (safelist) run on this gateway.' },
  PERSISTED_QUERY_ID_REQUIRED: {
    status: 400,
    message: 'This gateway runs persisted operations by id only; send extensions.persistedQuery.sha256Hash without the query.',
  },
  ORGANIZATION_UNKNOWN: { status: 404, message: 'No organisation has this id.' },
  ORGANIZATION_EXISTS: { status: 409, message: 'An organisation with this id exists already.' },
  PLAN_UNKNOWN: { status: 400, message: 'No billing plan has this code.' },
  METRIC_UNKNOWN: { status: 400, message: 'No billable metric has this code.' },
  PRICING_INVALID: { status: 400, message: 'The charge model or its properties are invalid.' },
  QUANTITY_INVALID: { status: 400, message: 'A quantity or amount is negative, not a number, or has more decimals than allowed.' },
  CURRENCY_MISMATCH: { status: 400, message: 'The currencies differ (plan, organisation, invoice or payment).' },
  CURRENCY_UNKNOWN: { status: 400, message: 'Not an ISO 4217 currency code.' },
  SUBSCRIPTION_STATE_INVALID: { status: 409, message: 'The subscription cannot do this in its current state.' },
  INVOICE_STATE_INVALID: { status: 409, message: 'The invoice cannot move to this state from its current one.' },
  PAYMENT_PROVIDER_FAILED: { status: 502, message: 'The payment provider refused or failed the request.' },
  PAYMENT_PROVIDER_UNKNOWN: { status: 400, message: 'No payment provider of this name is configured.' },
  CONFIG_SCOPE_INVALID: {
    status: 400,
    message: 'The configuration scope is invalid: a component needs a service, a service an environment; names are [a-z0-9][a-z0-9._-]*.',
  },
  CONFIG_KEY_INVALID: {
    status: 400,
    message: 'The configuration key is invalid: dotted segments of [A-Za-z0-9_-], at most 200 characters.',
  },
  CONFIG_KEY_UNKNOWN: { status: 404, message: 'No configuration entry has this key at this scope.' },
  CONFIG_VALIDATION_FAILED: { status: 400, message: "The value breaks the key's JSON Schema (every violation is listed by JSON pointer)." },
  CONFIG_SCHEMA_INVALID: { status: 400, message: 'The JSON Schema is not a valid draft 2020-12 schema.' },
  CONFIG_SCHEMA_CONFLICT: { status: 409, message: 'Values the key holds now break the new JSON Schema; change them first.' },
  CONFIG_VERSION_CONFLICT: {
    status: 409,
    message: 'The entry changed since the version you read (expectedVersion is stale); read it again.',
  },
  CONFIG_VERSION_UNKNOWN: { status: 404, message: 'The entry has no such version (or it was compacted).' },
  CONFIG_REVISION_FUTURE: { status: 400, message: 'The revision to resume from is ahead of the configuration log.' },
  CONFIG_SECRET_FORBIDDEN: { status: 403, message: 'Reading secret values needs the config:secrets:read scope.' },
  CONFIG_IMPORT_INVALID: { status: 400, message: 'The configuration document to import is invalid.' },
  CONFIG_WATCHER_UNKNOWN: { status: 404, message: 'No configuration watcher has this id in your organisation.' },
  ENCRYPTION_KEY_UNKNOWN: { status: 404, message: 'No encryption key has this id.' },
  ENCRYPTION_KEY_IN_USE: {
    status: 409,
    message: 'The encryption key still wraps data keys, or it is the active one; rotate and re-wrap first.',
  },
  SECRET_UNDECRYPTABLE: {
    status: 500,
    message: 'A stored secret cannot be decrypted: its key-encryption key or the master key is missing, or the ciphertext was altered.',
  },
  NOTIFICATION_CHANNEL_UNKNOWN: {
    status: 400,
    message: 'Not a notification channel (EMAIL, SMS, PUSH, SLACK, WEBHOOK, IN_APP, PAGERDUTY).',
  },
  NOTIFICATION_CHANNEL_UNAVAILABLE: {
    status: 400,
    message: 'The channel is not configured or is disabled (`notifications.channels`) in this deployment.',
  },
  NOTIFICATION_TYPE_UNKNOWN: { status: 404, message: 'No notification type has this key in your organisation.' },
  NOTIFICATION_TYPE_INVALID: { status: 400, message: 'The notification type is invalid (key [a-z][a-z0-9_.-]*, at most 100 characters).' },
  NOTIFICATION_TEMPLATE_UNKNOWN: { status: 404, message: 'No template exists for this type, channel and locale (nor a fallback).' },
  NOTIFICATION_TEMPLATE_INVALID: {
    status: 400,
    message: 'The template does not compile, or uses a variable it does not declare (every problem is listed).',
  },
  NOTIFICATION_VARIABLES_INVALID: {
    status: 400,
    message: "The variables do not match the template's declarations: missing or of the wrong type (every problem is listed).",
  },
  NOTIFICATION_ADDRESS_INVALID: {
    status: 400,
    message: 'The address is invalid for its channel (email, E.164 phone number, push token, URL).',
  },
  NOTIFICATION_ENDPOINT_FORBIDDEN: {
    status: 400,
    message: 'The endpoint URL is not an https URL to a public address (loopback and private ranges are refused outside development).',
  },
  NOTIFICATION_ENDPOINT_UNKNOWN: { status: 404, message: 'No notification endpoint has this id in your organisation.' },
  NOTIFICATION_RULE_INVALID: { status: 400, message: 'The rule filter is invalid (every problem is listed).' },
  NOTIFICATION_RULE_UNKNOWN: { status: 404, message: 'No notification rule has this id.' },
  NOTIFICATION_BODY_TOO_LARGE: { status: 413, message: 'The notification is over its size limit.' },
  NOTIFICATION_IDEMPOTENCY_CONFLICT: {
    status: 409,
    message: 'This idempotency key was used in the last 24 hours with a different request.',
  },
  NOTIFICATION_SUBSCRIBER_UNKNOWN: { status: 404, message: 'No subscriber has this id in your organisation.' },
  NOTIFICATION_UNKNOWN: { status: 404, message: 'No notification has this id.' },
  NOTIFICATION_DELIVERY_UNKNOWN: { status: 404, message: 'No delivery has this id in your organisation.' },
  NOTIFICATION_DELIVERY_STATE_INVALID: { status: 409, message: 'Only a FAILED or BOUNCED delivery can be retried.' },
  NOTIFICATION_PREFERENCE_INVALID: {
    status: 400,
    message:
      'The preference is invalid: critical types cannot be muted, quiet hours need HH:MM and an IANA time zone, digest windows 60 s to 7 days.',
  },
  COST_ESTIMATED_TOO_EXPENSIVE: { status: 400, message: "The operation's estimated cost is over the gateway's limit." },
} as const satisfies Record<string, { status: number; message: string }>;

/** One of the registered error codes. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** Extra, client-safe details of an error (the offending field, limits, …). */
export type ErrorDetails = Record<string, unknown>;

/**
 * An expected failure carrying a registered {@link ErrorCode}. Its message and details are
 * safe to send to clients; anything else thrown is masked as `INTERNAL_SERVER_ERROR`.
 */
export class DictaMeshError extends Error {
  override readonly name = 'DictaMeshError';
  constructor(
    readonly code: ErrorCode,
    message: string = ERROR_CODES[code].message,
    readonly details: ErrorDetails = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** Whether trying again can succeed: client errors (4xx codes) never do. */
  get retryable(): boolean {
    return this.status >= 500;
  }

  /** HTTP status that goes with the code. */
  get status(): number {
    return ERROR_CODES[this.code].status;
  }

  /** JSON body for HTTP responses: `{ code, message, ...details }`. */
  toJSON(): { code: ErrorCode; message: string } & ErrorDetails {
    return { code: this.code, message: this.message, ...this.details };
  }

  /** The same failure as a GraphQLError with `extensions.code`. */
  toGraphQLError(): GraphQLError {
    return new GraphQLError(this.message, { extensions: { code: this.code, ...this.details } });
  }
}

/** Creates a {@link DictaMeshError}: `err('BAD_USER_INPUT', 'first must be ≤ 500', { field: 'first' })`. */
export function err(code: ErrorCode, message?: string, details?: ErrorDetails, cause?: unknown): DictaMeshError {
  return new DictaMeshError(code, message, details, cause === undefined ? undefined : { cause });
}

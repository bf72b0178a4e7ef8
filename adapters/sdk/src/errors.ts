import { DictaMeshError } from '@dictamesh/runtime';

/** Source HTTP statuses worth another attempt (RFC 9110 §15: 408, 425 Too Early, 429, 5xx). */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

/**
 * A source system answered with a non-2xx status. Code `SOURCE_REQUEST_FAILED` (502 to our
 * callers); `retryable` follows the *source* status ({@link isRetryableStatus}), so a 404 from
 * the source is not retried while a 503 is.
 */
export class SourceHttpError extends DictaMeshError {
  constructor(
    /** Status the source answered with. */
    readonly sourceStatus: number,
    readonly method: string,
    /** Request URL without query secrets. */
    readonly url: string,
    /** First 500 characters of the response body. */
    readonly bodyExcerpt: string,
    /** Delay the source asked for in `Retry-After`, ms. */
    readonly retryAfterMs?: number,
  ) {
    super('SOURCE_REQUEST_FAILED', `${method} ${url} answered ${sourceStatus}: ${bodyExcerpt.slice(0, 200)}`, {
      sourceStatus,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  }

  override get retryable(): boolean {
    return isRetryableStatus(this.sourceStatus);
  }
}

/** The source did not answer within the per-attempt timeout (`SOURCE_TIMEOUT`, retryable). */
export class SourceTimeoutError extends DictaMeshError {
  constructor(
    readonly method: string,
    readonly url: string,
    readonly timeoutMs: number,
  ) {
    super('SOURCE_TIMEOUT', `${method} ${url} got no answer within ${timeoutMs} ms`, { timeoutMs });
  }
}

/**
 * The source could not be reached (connection refused, reset, DNS) or the client's circuit
 * breaker is open after repeated failures (`SOURCE_UNAVAILABLE`, retryable later).
 */
export class SourceUnavailableError extends DictaMeshError {
  constructor(
    message: string,
    /** True when the circuit breaker refused the call without contacting the source. */
    readonly circuitOpen: boolean,
    cause?: unknown,
  ) {
    super('SOURCE_UNAVAILABLE', message, { circuitOpen }, cause === undefined ? undefined : { cause });
  }
}

/** One problem of an adapter configuration: where (`auth.tokenUrl`) and what. */
export interface ConfigProblem {
  path: string;
  message: string;
}

/** An adapter configuration broke its kind's schema (`ADAPTER_CONFIG_INVALID`, never retryable). */
export class AdapterConfigError extends DictaMeshError {
  constructor(
    readonly kind: string,
    readonly problems: ConfigProblem[],
  ) {
    super('ADAPTER_CONFIG_INVALID', `Invalid ${kind} adapter configuration: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`, {
      problems,
    });
  }
}

/**
 * A connection to a source was refused by the outbound address guard: the host is, or resolves
 * only to, an address that is not public (loopback, private, link-local, …) and the operator has
 * not allowed it (`SOURCE_ADDRESS_FORBIDDEN`, 403, never retryable). The message names the host
 * the tenant configured, never the address it resolved to or why that address is internal.
 */
export class SourceAddressForbiddenError extends DictaMeshError {
  constructor(
    /** Host name or address literal as configured (`crm.example.com`, `127.0.0.1`, a socket path). */
    readonly host: string,
  ) {
    super(
      'SOURCE_ADDRESS_FORBIDDEN',
      `Connections to "${host.slice(0, 253)}" are refused: it is not a public address. An operator can allow it with ADAPTER_ALLOWED_HOSTS.`,
      { host: host.slice(0, 253) },
    );
  }
}

import {
  BrokenCircuitError,
  circuitBreaker,
  ConsecutiveBreaker,
  DelegateBackoff,
  handleWhen,
  retry,
  timeout,
  TimeoutStrategy,
  wrap,
  type IPolicy,
  type IRetryBackoffContext,
} from 'cockatiel';
import { RateLimiterMemory, RateLimiterQueue } from 'rate-limiter-flexible';
import { Pool, type Dispatcher } from 'undici';
import type { Logger } from '@dictamesh/runtime';
import { SourceAddressForbiddenError, SourceHttpError, SourceTimeoutError, SourceUnavailableError } from '../errors';
import { PUBLIC_ONLY, type OutboundPolicy } from '../net/address-policy';
import { guardedConnector } from '../net/guarded-agent';
import type { AuthProvider } from './auth';
import { parseRetryAfter } from './retry-after';

/** Options of {@link HttpClient}. Durations in ms. */
export interface HttpClientOptions {
  /** Origin and base path of the source API, e.g. `https://chat.example/api/v1/`. */
  baseUrl: string;
  auth?: AuthProvider;
  /** Sent with every request (after auth headers, so they cannot be overridden by mistake). */
  headers?: Record<string, string>;
  /** Per attempt, from sending to the whole body read. Default 10 000. */
  timeoutMs?: number;
  retry?: {
    /** Attempts per request, first one included. Default 4. */
    maxAttempts?: number;
    /** First backoff, doubled per attempt with ±50 % jitter. Default 200. */
    initialDelayMs?: number;
    /** Backoff cap. Default 10 000. */
    maxDelayMs?: number;
    /** Longest `Retry-After` honoured; longer waits give up at once. Default 60 000. */
    maxRetryAfterMs?: number;
  };
  breaker?: {
    /** Consecutive failed attempts that open the circuit. Default 5. */
    consecutiveFailures?: number;
    /** Open time before one trial call is let through (half-open). Default 10 000. */
    halfOpenAfterMs?: number;
  };
  /** Client-side rate limit: at most `requests` per `perMs`; excess calls queue (up to `maxQueue`). */
  rateLimit?: { requests: number; perMs: number; maxQueue?: number };
  /** Keep-alive connections to the source. Default 8. */
  connections?: number;
  /**
   * Which addresses the client may connect to (the SSRF guard; the adapter's
   * `AdapterContext.outbound`). Default: public addresses only.
   */
  outbound?: OutboundPolicy;
  log?: Logger;
}

/** One request. `path` is resolved against the base URL. */
export interface HttpRequest {
  method?: Dispatcher.HttpMethod;
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** Serialised as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
}

/** A 2xx answer with its JSON body. */
export interface HttpResponse<T> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: T;
}

/** Circuit state, for health reporting. */
export type CircuitState = 'closed' | 'open' | 'half-open' | 'isolated';

/**
 * The HTTP client adapters talk to source APIs with: undici keep-alive pool; per attempt a
 * client-side rate limit token (rate-limiter-flexible queue), auth headers and a timeout;
 * retries with exponential backoff and jitter that wait at least what `Retry-After` asks
 * (cockatiel); a consecutive-failure circuit breaker that fails fast while the source is down
 * and lets one trial through after `halfOpenAfterMs`. Every connection goes through the
 * outbound address guard ({@link guardedConnector}); redirects are not followed.
 *
 * Errors: {@link SourceHttpError} (non-2xx; retryable per status), {@link SourceTimeoutError},
 * {@link SourceUnavailableError} (unreachable or circuit open), {@link SourceAddressForbiddenError}
 * (the host is not a public address and the policy does not allow it; never retried). Only
 * retryable failures are retried and only they count towards the breaker; a 4xx answer proves
 * the source is up.
 */
export class HttpClient {
  private readonly pool: Pool;
  private readonly base: URL;
  private readonly policy: IPolicy;
  private readonly breaker;
  private readonly limiter?: RateLimiterQueue;
  private readonly timeoutMs: number;

  constructor(private readonly options: HttpClientOptions) {
    this.base = new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
    this.pool = new Pool(this.base.origin, {
      connections: options.connections ?? 8,
      connect: guardedConnector(options.outbound ?? PUBLIC_ONLY),
    });
    this.timeoutMs = options.timeoutMs ?? 10_000;
    const r = options.retry ?? {};
    const initial = r.initialDelayMs ?? 200;
    const maxDelay = r.maxDelayMs ?? 10_000;
    const maxRetryAfter = r.maxRetryAfterMs ?? 60_000;
    const isRetryable = (error: Error) => (error as { retryable?: boolean }).retryable === true;
    const retryPolicy = retry(
      // an open circuit (cockatiel's BrokenCircuitError has no `retryable`) is not retried, and
      // a Retry-After longer than we are willing to wait ends the retries at once
      handleWhen((error) => isRetryable(error) && !(error instanceof SourceHttpError && (error.retryAfterMs ?? 0) > maxRetryAfter)),
      {
        maxAttempts: (r.maxAttempts ?? 4) - 1,
        backoff: new DelegateBackoff((context: IRetryBackoffContext<unknown>) => {
          const exponential = Math.min(maxDelay, initial * 2 ** (context.attempt - 1)) * (0.5 + Math.random());
          const error = 'error' in context.result ? context.result.error : undefined;
          const asked = error instanceof SourceHttpError ? error.retryAfterMs : undefined;
          return asked === undefined ? exponential : Math.max(asked, exponential);
        }),
      },
    );
    retryPolicy.onRetry((event) => {
      const reason = 'error' in event ? event.error.message : 'unexpected value';
      options.log?.warn({ delayMs: Math.round(event.delay), attempt: event.attempt, reason }, 'source request retried');
    });
    this.breaker = circuitBreaker(handleWhen(isRetryable), {
      halfOpenAfter: options.breaker?.halfOpenAfterMs ?? 10_000,
      breaker: new ConsecutiveBreaker(options.breaker?.consecutiveFailures ?? 5),
    });
    this.breaker.onStateChange((state) => options.log?.warn({ state: circuitName(state) }, 'source circuit breaker changed state'));
    this.policy = wrap(retryPolicy, this.breaker, timeout(this.timeoutMs, TimeoutStrategy.Cooperative));
    if (options.rateLimit) {
      const limiter = new RateLimiterMemory({ points: options.rateLimit.requests, duration: options.rateLimit.perMs / 1_000 });
      this.limiter = new RateLimiterQueue(limiter, { maxQueueSize: options.rateLimit.maxQueue ?? 1_000 });
    }
  }

  /** State of the circuit breaker: `closed` (healthy), `open` (failing fast), `half-open` (trial). */
  get circuit(): CircuitState {
    return circuitName(this.breaker.state);
  }

  /** GET with query parameters; resolves with the parsed JSON body. */
  async get<T>(path: string, query?: HttpRequest['query']): Promise<HttpResponse<T>> {
    return this.request<T>({ method: 'GET', path, ...(query ? { query } : {}) });
  }

  /**
   * Sends a request with the client's policies and parses the JSON answer (empty body → null).
   * @throws SourceHttpError, SourceTimeoutError, SourceUnavailableError (see the class doc)
   */
  async request<T>(request: HttpRequest): Promise<HttpResponse<T>> {
    const url = this.resolve(request.path);
    for (const [name, value] of Object.entries(request.query ?? {})) if (value !== undefined) url.searchParams.set(name, String(value));
    const method = request.method ?? 'GET';
    try {
      return await this.policy.execute(({ signal }) => this.attempt<T>(method, url, request, signal));
    } catch (error) {
      if (error instanceof BrokenCircuitError) {
        throw new SourceUnavailableError(`${method} ${url.origin}${url.pathname}: circuit open after repeated failures`, true, error);
      }
      throw error;
    }
  }

  /**
   * The absolute URL of a request path: resolved against the base URL (a leading `/` stays
   * under the base path); an absolute URL is kept as is.
   * @throws SourceUnavailableError when an absolute URL is on another origin than the base URL
   *   (the pool, and the credentials, belong to that origin)
   */
  resolve(path: string): URL {
    const url = new URL(path.replace(/^\//, ''), this.base);
    if (url.origin !== this.base.origin)
      throw new SourceUnavailableError(`${url.origin} is not this client's origin ${this.base.origin}`, false);
    return url;
  }

  /** Closes the connection pool. */
  close(): Promise<void> {
    return this.pool.close();
  }

  private async attempt<T>(method: Dispatcher.HttpMethod, url: URL, request: HttpRequest, signal: AbortSignal): Promise<HttpResponse<T>> {
    if (this.limiter) await this.limiter.removeTokens(1);
    const shown = `${url.origin}${url.pathname}`;
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...this.options.headers,
      ...request.headers,
      ...(await this.options.auth?.headers()),
    };
    let response: Dispatcher.ResponseData;
    try {
      response = await this.pool.request({
        method,
        path: `${url.pathname}${url.search}`,
        headers,
        ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
        signal,
      });
    } catch (error) {
      if (error instanceof SourceAddressForbiddenError) throw error;
      if (signal.aborted) throw new SourceTimeoutError(method, shown, this.timeoutMs);
      throw new SourceUnavailableError(`${method} ${shown}: ${(error as Error).message}`, false, error);
    }
    let text: string;
    try {
      text = await response.body.text();
    } catch (error) {
      if (signal.aborted) throw new SourceTimeoutError(method, shown, this.timeoutMs);
      throw new SourceUnavailableError(`${method} ${shown}: body not read: ${(error as Error).message}`, false, error);
    }
    if (response.statusCode < 200 || response.statusCode >= 300) {
      if (response.statusCode === 401) this.options.auth?.invalidate?.();
      throw new SourceHttpError(response.statusCode, method, shown, text.slice(0, 500), parseRetryAfter(response.headers['retry-after']));
    }
    try {
      return { status: response.statusCode, headers: response.headers, body: (text ? JSON.parse(text) : null) as T };
    } catch {
      throw new SourceHttpError(response.statusCode, method, shown, `invalid JSON: ${text.slice(0, 200)}`);
    }
  }
}

function circuitName(state: number): CircuitState {
  return (['closed', 'open', 'half-open', 'isolated'] as const)[state] ?? 'closed';
}

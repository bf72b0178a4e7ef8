import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLError } from 'graphql';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { ERROR_CODES, type Logger, type Principal } from '@dictamesh/runtime';
import type { GatewayContext } from '../context';
import { httpError } from '../http-error';

/** Budgets per window of {@link GatewayRateLimits}. */
export interface RateLimitOptions {
  /** Requests per window of one client: an API key, a user (`org` + `sub`), or an IP address when anonymous. */
  requests: number;
  /** Estimated cost (demand control units) per window of one client. */
  cost: number;
  /** Requests per window of one organisation, all its clients together. */
  orgRequests: number;
  /** Estimated cost per window of one organisation. */
  orgCost: number;
  windowSeconds: number;
  /** Shared by every gateway instance when given (rate-limiter-flexible on Redis); else per process. */
  redis?: Redis;
  log?: Logger;
}

/** What a client has left in the tightest request budget, for the `RateLimit-*` headers. */
export interface RateLimitState {
  limit: number;
  remaining: number;
  /** Seconds until the window resets. */
  resetSeconds: number;
}

interface Budget {
  limiter: RateLimiterAbstract;
  points: number;
  key(principal: Principal, ip: string): string | null;
}

const client = (p: Principal, ip: string) =>
  p.method === 'anonymous' ? `ip:${ip}` : p.method === 'api-key' ? p.subject : `user:${p.org ?? ''}:${p.subject}`;
const org = (p: Principal) => (p.org ? `org:${p.org}` : null);

/** The budgets of {@link GatewayRateLimits} that can change while it runs ({@link GatewayRateLimits.update}). */
export type RateLimitBudgets = Pick<RateLimitOptions, 'requests' | 'cost' | 'orgRequests' | 'orgCost' | 'windowSeconds'>;

/**
 * Request and cost budgets per client and per organisation over a fixed window
 * (rate-limiter-flexible), in memory or on Redis so that several gateway instances share them.
 * If Redis fails, each instance falls back to its own in-memory budget (an "insurance"
 * limiter) instead of refusing or waving through every request. The budgets change live
 * ({@link update}); on Redis the keys name the budget and window, so instances with the same
 * limits share one count.
 */
export class GatewayRateLimits {
  private requestBudgets: Budget[] = [];
  private costBudgets: Budget[] = [];
  private limits: RateLimitBudgets;

  constructor(private readonly options: RateLimitOptions) {
    const { requests, cost, orgRequests, orgCost, windowSeconds } = options;
    this.limits = { requests, cost, orgRequests, orgCost, windowSeconds };
    this.build();
  }

  /** The budgets in force. */
  get current(): RateLimitBudgets {
    return { ...this.limits };
  }

  /**
   * Changes budgets without a restart (DictaMesh's `rateLimit.*` settings): every client starts a
   * new window under the new limits at once (counts restart); requests in flight finish under
   * the old ones. Keys left out keep their value. Nothing happens when nothing changed.
   * @throws RangeError when a budget or the window is not a positive integer
   */
  update(limits: Partial<RateLimitBudgets>): void {
    const next = { ...this.limits, ...limits };
    for (const [name, value] of Object.entries(next)) {
      if (!Number.isInteger(value) || value < 1) throw new RangeError(`rate limit ${name} must be a positive integer, got ${value}`);
    }
    if (Object.entries(next).every(([name, value]) => this.limits[name as keyof RateLimitBudgets] === value)) return;
    this.limits = next;
    this.build();
    this.options.log?.info({ limits: next }, 'rate limits updated');
  }

  private build(): void {
    const { redis } = this.options;
    const { windowSeconds: duration } = this.limits;
    const make = (prefix: string, points: number): RateLimiterAbstract => {
      const memory = new RateLimiterMemory({ keyPrefix: `${prefix}:${points}:${duration}`, points, duration });
      return redis
        ? new RateLimiterRedis({
            storeClient: redis,
            keyPrefix: `dictamesh:rl:${prefix}:${points}:${duration}`,
            points,
            duration,
            insuranceLimiter: memory,
          })
        : memory;
    };
    const { requests, orgRequests, cost, orgCost } = this.limits;
    this.requestBudgets = [
      { limiter: make('req', requests), points: requests, key: client },
      { limiter: make('org-req', orgRequests), points: orgRequests, key: org },
    ];
    this.costBudgets = [
      { limiter: make('cost', cost), points: cost, key: client },
      { limiter: make('org-cost', orgCost), points: orgCost, key: org },
    ];
  }

  /**
   * Takes one request from the caller's budgets.
   * @throws GraphQLError `RATE_LIMITED` (HTTP 429, `Retry-After`, `RateLimit-*`) when one is spent
   */
  request(principal: Principal, ip: string): Promise<RateLimitState> {
    return this.consume(this.requestBudgets, principal, ip, 1);
  }

  /** Takes an operation's estimated cost from the caller's cost budgets. @throws as {@link request} */
  cost(principal: Principal, ip: string, cost: number): Promise<RateLimitState> {
    return this.consume(this.costBudgets, principal, ip, Math.max(0, Math.ceil(cost)));
  }

  private async consume(budgets: Budget[], principal: Principal, ip: string, points: number): Promise<RateLimitState> {
    let tightest: RateLimitState | undefined;
    for (const budget of budgets) {
      const key = budget.key(principal, ip);
      if (key === null || points === 0) continue;
      let result: RateLimiterRes;
      try {
        result = await budget.limiter.consume(key, points);
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        throw limited(
          { limit: budget.points, remaining: 0, resetSeconds: Math.ceil(rejection.msBeforeNext / 1_000) },
          points > 1 ? 'cost' : 'requests',
        );
      }
      const state = { limit: budget.points, remaining: result.remainingPoints, resetSeconds: Math.ceil(result.msBeforeNext / 1_000) };
      if (!tightest || state.remaining / state.limit < tightest.remaining / tightest.limit) tightest = state;
    }
    const { requests, windowSeconds } = this.limits;
    return tightest ?? { limit: requests, remaining: requests, resetSeconds: windowSeconds };
  }
}

/** `RateLimit-Limit` / `RateLimit-Remaining` / `RateLimit-Reset` (IETF httpapi ratelimit headers draft). */
export function rateLimitHeaders(state: RateLimitState): Array<[string, string]> {
  return [
    ['ratelimit-limit', String(state.limit)],
    ['ratelimit-remaining', String(Math.max(0, state.remaining))],
    ['ratelimit-reset', String(state.resetSeconds)],
  ];
}

function limited(state: RateLimitState, what: 'requests' | 'cost'): GraphQLError {
  return httpError(
    'RATE_LIMITED',
    `${ERROR_CODES.RATE_LIMITED.message} (${what}; retry in ${state.resetSeconds} s)`,
    { limit: state.limit, retryAfterSeconds: state.resetSeconds },
    [...rateLimitHeaders(state), ['retry-after', String(state.resetSeconds)]],
  );
}

/**
 * Charges each operation's estimated cost (set on the context by the demand-control plugin,
 * which must run first) to the caller's cost budgets before the query plan runs.
 */
export function rateLimitCostPlugin(limits: GatewayRateLimits): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue }) {
          if (contextValue.cost !== undefined && !contextValue.internal)
            await limits.cost(contextValue.principal, contextValue.ip, contextValue.cost);
        },
      };
    },
  };
}

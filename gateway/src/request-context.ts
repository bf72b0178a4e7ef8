import type { FastifyReply, FastifyRequest } from 'fastify';
import { ANONYMOUS, DictaMeshError, USER_AGENT_MAX, type Principal } from '@dictamesh/runtime';
import type { GatewayContext } from './context';
import { httpError } from './http-error';
import { rateLimitHeaders, type GatewayRateLimits } from './plugins/rate-limit';

/** What builds a request's {@link GatewayContext}. */
export interface RequestContextOptions {
  authenticate?(headers: FastifyRequest['headers']): Promise<Principal>;
  rateLimits?: GatewayRateLimits;
}

/**
 * The gateway's per-request context function: authenticates the caller (invalid credentials →
 * 401 with `WWW-Authenticate: Bearer`), then takes one request from its budgets and sets the
 * `RateLimit-*` headers (spent → 429) — both before the document is parsed.
 */
export function requestContext(options: RequestContextOptions): (request: FastifyRequest, reply: FastifyReply) => Promise<GatewayContext> {
  return async (request, reply) => {
    let principal: Principal = ANONYMOUS;
    if (options.authenticate) {
      try {
        principal = await options.authenticate(request.headers);
      } catch (error) {
        if (!(error instanceof DictaMeshError)) throw error;
        throw httpError(error.code, error.message, {}, [['www-authenticate', 'Bearer']]);
      }
    }
    if (options.rateLimits) {
      for (const [name, value] of rateLimitHeaders(await options.rateLimits.request(principal, request.ip))) reply.header(name, value);
    }
    const userAgent = request.headers['user-agent'];
    return {
      principal,
      ip: request.ip,
      origin: { requestId: request.id, ip: request.ip, userAgent: userAgent ? userAgent.slice(0, USER_AGENT_MAX) : null },
    };
  };
}

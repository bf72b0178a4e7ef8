import type { FastifyRequest } from 'fastify';
import { ANONYMOUS, NO_ORIGIN, PRINCIPAL_HEADER, type GatewayTokens, type Principal, type RequestOrigin } from '@dictamesh/runtime';

/**
 * The principal of each request to a subgraph, as the gateway signed it. With `tokens`, the
 * `preHandler` verifies {@link PRINCIPAL_HEADER} and refuses the request (DictaMeshError
 * `UNAUTHENTICATED`, 401 through the HTTP error policy) without a valid one, so subgraphs
 * trust only the gateway; the request origin it signed comes with it. Without `tokens` every caller is anonymous (tests, single-process
 * development).
 */
export function principalGuard(tokens: GatewayTokens | undefined): {
  preHandler?: (request: FastifyRequest) => Promise<void>;
  principalOf(request: FastifyRequest): Principal;
  originOf(request: FastifyRequest): RequestOrigin;
} {
  const principals = new WeakMap<FastifyRequest, { principal: Principal; origin: RequestOrigin }>();
  return {
    ...(tokens
      ? {
          preHandler: async (request: FastifyRequest) => {
            const header = request.headers[PRINCIPAL_HEADER];
            principals.set(request, await tokens.verifyRequest(Array.isArray(header) ? header[0] : header));
          },
        }
      : {}),
    principalOf: (request) => principals.get(request)?.principal ?? ANONYMOUS,
    originOf: (request) => principals.get(request)?.origin ?? NO_ORIGIN,
  };
}

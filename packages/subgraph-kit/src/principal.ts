import type { FastifyRequest } from 'fastify';
import { ANONYMOUS, PRINCIPAL_HEADER, type GatewayTokens, type Principal } from '@dictamesh/runtime';

/**
 * The principal of each request to a subgraph, as the gateway signed it. With `tokens`, the
 * `preHandler` verifies {@link PRINCIPAL_HEADER} and refuses the request (DictaMeshError
 * `UNAUTHENTICATED`, 401 through the HTTP error policy) without a valid one, so subgraphs
 * trust only the gateway. Without `tokens` every caller is anonymous (tests, single-process
 * development).
 */
export function principalGuard(tokens: GatewayTokens | undefined): {
  preHandler?: (request: FastifyRequest) => Promise<void>;
  principalOf(request: FastifyRequest): Principal;
} {
  const principals = new WeakMap<FastifyRequest, Principal>();
  return {
    ...(tokens
      ? {
          preHandler: async (request: FastifyRequest) => {
            const header = request.headers[PRINCIPAL_HEADER];
            principals.set(request, await tokens.verify(Array.isArray(header) ? header[0] : header));
          },
        }
      : {}),
    principalOf: (request) => principals.get(request) ?? ANONYMOUS,
  };
}

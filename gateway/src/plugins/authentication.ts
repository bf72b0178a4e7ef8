import { LRUCache } from 'lru-cache';
import { ANONYMOUS, err, type GatewayTokens, type Principal, type RequestOrigin } from '@dictamesh/runtime';
import { isApiKey, type ApiKeyVerifier } from '../auth/api-keys';

/** Options of {@link createAuthenticator}. */
export interface AuthenticationOptions {
  /** `required`: requests without credentials get 401; `optional`: they run as {@link ANONYMOUS}. */
  mode: 'optional' | 'required';
  /**
   * Scopes granted to requests without credentials in `optional` mode (a single-tenant or
   * development gateway); none by default. They are still not authenticated: `@authenticated`
   * fields stay out of reach.
   */
  anonymousScopes?: string[];
  /** Bearer JWT verifier (`jwtVerifier`); without it bearer JWTs are refused. */
  jwt?: (token: string) => Promise<Principal>;
  /** API key verifier; without it API keys are refused. */
  apiKeys?: ApiKeyVerifier;
}

type Headers = Record<string, string | string[] | undefined>;

/**
 * Resolves the principal of a request from `Authorization: Bearer <JWT or API key>` or
 * `X-API-Key: <key>`. Invalid credentials always fail (`UNAUTHENTICATED`, 401), even when
 * authentication is optional: a client that sends credentials means to use them.
 */
export function createAuthenticator(options: AuthenticationOptions): (headers: Headers) => Promise<Principal> {
  const anonymous: Principal = options.anonymousScopes?.length
    ? Object.freeze({ ...ANONYMOUS, scopes: options.anonymousScopes })
    : ANONYMOUS;
  return async (headers) => {
    const header = (name: string) => {
      const value = headers[name];
      return (Array.isArray(value) ? value[0] : value)?.trim();
    };
    const bearer = /^Bearer\s+(\S+)$/i.exec(header('authorization') ?? '')?.[1];
    const key = header('x-api-key') ?? (bearer && isApiKey(bearer) ? bearer : undefined);
    if (key) {
      if (!options.apiKeys) throw err('UNAUTHENTICATED', 'API keys are not accepted by this gateway.');
      return options.apiKeys.verify(key);
    }
    if (bearer) {
      if (!options.jwt) throw err('UNAUTHENTICATED', 'Bearer tokens are not accepted by this gateway (no JWT_SECRET / JWT_JWKS_URL).');
      return options.jwt(bearer);
    }
    if (options.mode === 'required') throw err('UNAUTHENTICATED', 'This gateway needs credentials: a bearer token or an API key.');
    return anonymous;
  };
}

/**
 * Signs principals (with the request's origin, when given) for subgraph requests, reusing a
 * token for half its lifetime (signing per subgraph fetch would cost more than the fetch's own
 * overhead): the fetches of one request share a token.
 */
export function cachedSigner(tokens: GatewayTokens): (principal: Principal, origin?: RequestOrigin) => Promise<string> {
  const cache = new LRUCache<string, Promise<string>>({ max: 10_000, ttl: (tokens.ttlSeconds * 1_000) / 2 });
  return (principal, origin) => {
    const key = JSON.stringify([principal.subject, principal.org, principal.scopes, principal.method, origin ?? null]);
    let token = cache.get(key);
    if (!token) {
      token = tokens.sign(principal, origin);
      cache.set(key, token);
    }
    return token;
  };
}

import { jwtVerify, SignJWT } from 'jose';
import { err } from './errors';

/**
 * Who sends an operation, as the gateway verified it: the subject (a user, a service, an API
 * key id), the organisation whose data it may see, and its scopes.
 */
export interface Principal {
  subject: string;
  /** Organisation id; null for principals without one (anonymous). */
  org: string | null;
  scopes: string[];
  /** How the gateway verified it. */
  method: 'jwt' | 'api-key' | 'anonymous';
}

/**
 * Organisation of data and callers that name none: events without an `orgid`, adapters
 * registered and requests sent without an organisation (anonymous, or a JWT without the org
 * claim). A single-tenant deployment lives entirely in it.
 */
export const DEFAULT_ORG = 'default';

/** The organisation whose data a principal sees: its own, else {@link DEFAULT_ORG}. */
export function orgOf(principal: Principal): string {
  return principal.org ?? DEFAULT_ORG;
}

/** The principal of requests without credentials. */
export const ANONYMOUS: Principal = Object.freeze({ subject: 'anonymous', org: null, scopes: [], method: 'anonymous' as const });

/**
 * Where a request came from, as the gateway saw it (audit trails): its request id, the client
 * address (as the gateway's `trustProxy` computed it) and user agent (at most
 * {@link USER_AGENT_MAX} characters); null when unknown.
 */
export interface RequestOrigin {
  requestId: string | null;
  ip: string | null;
  userAgent: string | null;
}

/** Longest user agent carried in a principal token, characters. */
export const USER_AGENT_MAX = 300;

/** The origin of requests the gateway did not describe. */
export const NO_ORIGIN: RequestOrigin = Object.freeze({ requestId: null, ip: null, userAgent: null });

/** Header carrying the gateway-signed principal token on gateway → subgraph requests. */
export const PRINCIPAL_HEADER = 'x-dictamesh-principal';

const ISSUER = 'dictamesh-gateway';
const AUDIENCE = 'dictamesh-subgraph';

/**
 * Tokens the gateway puts on every subgraph request so that subgraphs trust only the gateway:
 * a JWT (RFC 7519, HS256 via jose) with the verified {@link Principal}, issuer
 * `dictamesh-gateway`, audience `dictamesh-subgraph`, valid `ttlSeconds`. The gateway and every
 * subgraph share the key (`SUBGRAPH_TOKEN_KEY`, 32 bytes base64).
 */
export class GatewayTokens {
  private readonly key: Uint8Array;

  /**
   * @param keyBase64 32 bytes, base64
   * @throws DictaMeshError `CONFIGURATION_INVALID` when the key is shorter than 32 bytes
   */
  constructor(
    keyBase64: string,
    /** Lifetime of a signed token. */
    readonly ttlSeconds = 60,
  ) {
    this.key = new Uint8Array(Buffer.from(keyBase64, 'base64'));
    if (this.key.length < 32)
      throw err('CONFIGURATION_INVALID', 'SUBGRAPH_TOKEN_KEY must be at least 32 bytes, base64-encoded', { field: 'SUBGRAPH_TOKEN_KEY' });
  }

  /** Signs a principal for subgraph requests, with the request's origin as claims `rid`, `ip`, `ua` when given. */
  sign(principal: Principal, origin?: RequestOrigin): Promise<string> {
    const claims = origin ? { rid: origin.requestId, ip: origin.ip, ua: origin.userAgent?.slice(0, USER_AGENT_MAX) ?? null } : {};
    return new SignJWT({ org: principal.org, scopes: principal.scopes, method: principal.method, ...claims })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(principal.subject)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${this.ttlSeconds}s`)
      .sign(this.key);
  }

  /**
   * Verifies a token from {@link PRINCIPAL_HEADER} (signature, issuer, audience, expiry with 5 s skew).
   * @throws DictaMeshError `UNAUTHENTICATED` when it is missing, forged, altered or expired
   */
  async verify(token: string | undefined): Promise<Principal> {
    return (await this.verifyRequest(token)).principal;
  }

  /**
   * Verifies a token as {@link verify} does, returning the principal and the request origin it carries
   * ({@link NO_ORIGIN}'s nulls for what it does not).
   * @throws DictaMeshError `UNAUTHENTICATED` when it is missing, forged, altered or expired
   */
  async verifyRequest(token: string | undefined): Promise<{ principal: Principal; origin: RequestOrigin }> {
    if (!token) throw err('UNAUTHENTICATED', 'Requests to subgraphs must come through the gateway (no principal token).');
    try {
      const { payload } = await jwtVerify(token, this.key, {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: ['HS256'],
        clockTolerance: 5,
      });
      const method = payload.method === 'jwt' || payload.method === 'api-key' ? payload.method : 'anonymous';
      const text = (claim: unknown) => (typeof claim === 'string' ? claim : null);
      return {
        principal: {
          subject: payload.sub ?? 'anonymous',
          org: typeof payload.org === 'string' ? payload.org : null,
          scopes: Array.isArray(payload.scopes) ? payload.scopes.filter((s): s is string => typeof s === 'string') : [],
          method,
        },
        origin: { requestId: text(payload.rid), ip: text(payload.ip), userAgent: text(payload.ua)?.slice(0, USER_AGENT_MAX) ?? null },
      };
    } catch (cause) {
      throw err('UNAUTHENTICATED', 'The principal token is not one the gateway signed, or it expired.', {}, cause);
    }
  }
}

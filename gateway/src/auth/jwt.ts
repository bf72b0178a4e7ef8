import { createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { err, type Principal } from '@dictamesh/runtime';
import { GATEWAY_DEFAULTS } from '../defaults';

/** How the gateway verifies bearer JWTs. One of `secret` / `jwksUrl`. */
export interface JwtOptions {
  /** Shared secret (HS256/384/512). */
  secret?: string;
  /** JWKS endpoint of the identity provider (RS*, PS*, ES*, EdDSA); keys are cached and refetched on an unknown `kid`. */
  jwksUrl?: string;
  /** Required `iss`. */
  issuer?: string;
  /** Required `aud` (one of). */
  audience?: string | string[];
  /** Accepted clock difference for `exp` / `nbf` / `iat`, seconds. Default 30. */
  clockSkewSeconds?: number;
  /** Claim holding the organisation id. Default `org`. */
  orgClaim?: string;
}

/**
 * A verifier of bearer JWTs (RFC 7519 via jose): signature (shared secret or the IdP's JWKS),
 * `exp` / `nbf` with clock skew, `iss` / `aud` when configured, a `sub`. The principal's scopes
 * come from `scope` (space-separated, RFC 8693) or `scp` (array), its organisation from the
 * top-level claim named `orgClaim` (namespaced names such as `https://example.com/org` work).
 * @returns a function resolving the principal, throwing DictaMeshError `UNAUTHENTICATED` with the reason
 * @throws DictaMeshError `CONFIGURATION_INVALID` when neither or both of secret / JWKS URL are given
 */
export function jwtVerifier(options: JwtOptions): (token: string) => Promise<Principal> {
  if (!!options.secret === !!options.jwksUrl) {
    throw err('CONFIGURATION_INVALID', 'JWT verification needs exactly one of JWT_SECRET and JWT_JWKS_URL', { field: 'JWT_SECRET' });
  }
  const key: Uint8Array | JWTVerifyGetKey = options.secret
    ? new TextEncoder().encode(options.secret)
    : createRemoteJWKSet(new URL(options.jwksUrl!), { cooldownDuration: 30_000, cacheMaxAge: 600_000 });
  const algorithms = options.secret
    ? ['HS256', 'HS384', 'HS512']
    : ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'EdDSA'];
  const orgClaim = options.orgClaim ?? GATEWAY_DEFAULTS.jwt.orgClaim;
  return async (token) => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, key as Uint8Array, {
        algorithms,
        clockTolerance: options.clockSkewSeconds ?? GATEWAY_DEFAULTS.jwt.clockSkewSeconds,
        ...(options.issuer ? { issuer: options.issuer } : {}),
        ...(options.audience ? { audience: options.audience } : {}),
        requiredClaims: ['sub', 'exp'],
      }));
    } catch (cause) {
      throw err('UNAUTHENTICATED', `Invalid bearer token: ${(cause as Error).message}`, {}, cause);
    }
    const org = payload[orgClaim];
    const scopes =
      typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : Array.isArray(payload.scp) ? payload.scp : [];
    return {
      subject: payload.sub!,
      org: typeof org === 'string' && org !== '' ? org : null,
      scopes: scopes.filter((s): s is string => typeof s === 'string'),
      method: 'jwt',
    };
  };
}

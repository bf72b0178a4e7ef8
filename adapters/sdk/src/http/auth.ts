import * as oauth from 'oauth4webapi';
import { SourceHttpError } from '../errors';
import { PUBLIC_ONLY, type OutboundPolicy } from '../net/address-policy';
import { guardedFetch } from '../net/guarded-agent';

/**
 * Adds credentials to source requests. `invalidate` is called after a 401 so the next
 * request fetches fresh credentials (an expired OAuth token).
 */
export interface AuthProvider {
  /** Header name → value to send with the request. */
  headers(): Promise<Record<string, string>>;
  invalidate?(): void;
}

/** `Authorization: Bearer <token>` (RFC 6750). */
export function bearerToken(token: string): AuthProvider {
  return { headers: async () => ({ authorization: `Bearer ${token}` }) };
}

/** A static API key in a header, e.g. Chatwoot's `api_access_token`. */
export function apiKeyHeader(header: string, key: string): AuthProvider {
  return { headers: async () => ({ [header.toLowerCase()]: key }) };
}

/** Options of {@link oauth2ClientCredentials}. */
export interface ClientCredentialsOptions {
  /** Token endpoint URL. */
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** Space-separated scopes. */
  scope?: string;
  /** Extra token request parameters (e.g. `audience`). */
  parameters?: Record<string, string>;
  /** Refresh this long before `expires_in` runs out, ms. Default 30 000. */
  refreshBeforeMs?: number;
  /** Which addresses the token endpoint may be at (the SSRF guard, as for the source). Default: public only. */
  outbound?: OutboundPolicy;
}

/**
 * OAuth 2.0 client credentials grant (RFC 6749 §4.4) through oauth4webapi, client secret sent
 * with HTTP Basic. The access token is cached until shortly before it expires; concurrent
 * requests share one token request. Plain `http:` token URLs are allowed only on loopback.
 * The token request goes through the outbound address guard.
 * @throws SourceHttpError when the token endpoint refuses (not retryable for 4xx);
 *   SourceAddressForbiddenError when its host is not a public address the policy allows
 */
export function oauth2ClientCredentials(options: ClientCredentialsOptions): AuthProvider {
  const url = new URL(options.tokenUrl);
  const as: oauth.AuthorizationServer = { issuer: url.origin, token_endpoint: url.href };
  const client: oauth.Client = { client_id: options.clientId };
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  let token: Promise<{ value: string; expiresAt: number }> | undefined;
  const fetcher = guardedFetch(options.outbound ?? PUBLIC_ONLY);

  const fetchToken = async () => {
    const parameters = new URLSearchParams({ ...options.parameters, ...(options.scope ? { scope: options.scope } : {}) });
    const response = await oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretBasic(options.clientSecret), parameters, {
      [oauth.customFetch]: fetcher,
      ...(url.protocol === 'http:' && loopback ? { [oauth.allowInsecureRequests]: true } : {}),
    });
    if (!response.ok) throw new SourceHttpError(response.status, 'POST', url.href, await response.text());
    const result = await oauth.processClientCredentialsResponse(as, client, response);
    const lifetimeMs = (result.expires_in ?? 3_600) * 1_000;
    return { value: result.access_token, expiresAt: Date.now() + lifetimeMs - (options.refreshBeforeMs ?? 30_000) };
  };

  return {
    headers: async () => {
      const current = token ? await token.catch(() => undefined) : undefined;
      if (!current || current.expiresAt <= Date.now()) {
        token = fetchToken();
        token.catch(() => (token = undefined));
      }
      return { authorization: `Bearer ${(await token!).value}` };
    },
    invalidate: () => {
      token = undefined;
    },
  };
}

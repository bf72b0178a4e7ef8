import { createHash } from 'node:crypto';
import {
  secretsEqual,
  verifyTimestampedHmac,
  type IgnoredWebhook,
  type ParsedWebhook,
  type WebhookAdapter,
  type WebhookContext,
} from '@dictamesh/adapter-sdk';
import { deterministicEventId } from '@dictamesh/events';
import { err } from '@dictamesh/runtime';
import { chatwootEventSource } from '../urn';
import { EVENT_HANDLERS, IGNORED_EVENTS } from './events';

/** What a delivery for one account is verified with (from the account's registered chatwoot adapter). */
export interface ChatwootWebhookCredentials {
  /** Secret of the Chatwoot webhook (≥ 4.11 signs with it): `X-Chatwoot-Signature` is required. */
  webhookSecret?: string;
  /** Secret path segment for Chatwoot versions that cannot sign: `/accounts/<id>/<token>`. */
  webhookToken?: string;
  /** Organisation of the registered adapter: the account's events belong to it. */
  org?: string;
}

/** Options of {@link createChatwootWebhookAdapter}. */
export interface ChatwootWebhookOptions {
  /** Credentials of an account, or null when none are registered. Default: none for every account. */
  credentials?: (accountId: number) => Promise<ChatwootWebhookCredentials | null>;
  /**
   * Refuse deliveries that cannot be verified (`WEBHOOK_UNVERIFIED`): accounts without
   * credentials and the account-less route. Default false, because Chatwoot ≤ 4.10 cannot sign;
   * accounts with credentials are always verified.
   */
  requireVerification?: boolean;
  /** Accepted age / future skew of `X-Chatwoot-Timestamp`, ms. Default 300 000. */
  toleranceMs?: number;
}

/**
 * Chatwoot's webhook side. Routes: `POST /webhooks/chatwoot`,
 * `POST /webhooks/chatwoot/accounts/:accountId` and `…/accounts/:accountId/:token`. Conversation
 * bodies carry no account (fixtures README §2) unless they hold a message, so a per-account
 * route is the one to configure in Chatwoot (Settings → Integrations → Webhooks).
 *
 * Verification, per account ({@link ChatwootWebhookOptions.credentials}): with a webhook secret,
 * `X-Chatwoot-Signature: sha256=<hex>` must be the HMAC-SHA256 of `"<X-Chatwoot-Timestamp>.<raw
 * body>"` with a timestamp within 5 minutes (Chatwoot ≥ 4.11.2, PR #13573); with a token only,
 * the URL must end in `/<token>`; without credentials, unverified deliveries are accepted unless
 * `requireVerification`. Per-account routes are verified before the body is looked at.
 *
 * Errors (DictaMeshError): `WEBHOOK_SIGNATURE_INVALID`, `WEBHOOK_TOKEN_INVALID`,
 * `WEBHOOK_UNVERIFIED` (401); `WEBHOOK_INVALID_PAYLOAD` (not an object, or a known event whose
 * body has the wrong shape: `details.problems` names each field), `WEBHOOK_MISSING_EVENT`,
 * `WEBHOOK_ACCOUNT_UNKNOWN`, `WEBHOOK_ACCOUNT_MISMATCH`, `BAD_USER_INPUT` (bad account id in
 * the URL). Unknown events are ignored, not rejected: Chatwoot adds events over time.
 */
export function createChatwootWebhookAdapter(options: ChatwootWebhookOptions = {}): WebhookAdapter {
  /** @returns the account's credentials (null when none are registered) once the delivery is verified */
  const verify = async (accountId: number, context: WebhookContext): Promise<ChatwootWebhookCredentials | null> => {
    const credentials = (await options.credentials?.(accountId)) ?? null;
    const token = context.params.token;
    if (credentials?.webhookSecret) {
      verifyTimestampedHmac({
        secret: credentials.webhookSecret,
        rawBody: context.rawBody,
        signature: header(context, 'x-chatwoot-signature'),
        timestamp: header(context, 'x-chatwoot-timestamp'),
        ...(options.toleranceMs === undefined ? {} : { toleranceMs: options.toleranceMs }),
      });
    } else if (credentials?.webhookToken || token !== undefined) {
      if (!credentials?.webhookToken || token === undefined || !secretsEqual(token, credentials.webhookToken)) {
        throw err('WEBHOOK_TOKEN_INVALID', `The URL token does not match the one registered for account ${accountId}.`);
      }
    } else if (options.requireVerification) {
      throw err('WEBHOOK_UNVERIFIED', `No webhook secret or token is registered for account ${accountId}; the delivery was refused.`);
    }
    return credentials;
  };

  return {
    id: 'chatwoot',
    routes: ['/accounts/:accountId', '/accounts/:accountId/:token'],
    async parse(body: unknown, context: WebhookContext): Promise<ParsedWebhook | IgnoredWebhook> {
      const pathAccount = accountFromPath(context.params.accountId);
      let credentials: ChatwootWebhookCredentials | null = null;
      if (pathAccount !== undefined) credentials = await verify(pathAccount, context);
      else if (options.requireVerification) {
        throw err('WEBHOOK_UNVERIFIED', 'Deliveries must be verifiable: post to /webhooks/chatwoot/accounts/<id>.');
      }
      if (body === null || typeof body !== 'object' || Array.isArray(body)) {
        throw err('WEBHOOK_INVALID_PAYLOAD', 'The webhook body must be a JSON object.');
      }
      const eventName = (body as { event?: unknown }).event;
      if (eventName === undefined || eventName === null) throw err('WEBHOOK_MISSING_EVENT');
      if (typeof eventName !== 'string') {
        throw err('WEBHOOK_INVALID_PAYLOAD', 'The webhook "event" must be a string.', { problems: ['event: expected string'] });
      }
      if (IGNORED_EVENTS[eventName]) return { ignored: true, sourceEvent: eventName, reason: IGNORED_EVENTS[eventName]! };
      const handler = EVENT_HANDLERS[eventName];
      if (!handler) return { ignored: true, sourceEvent: eventName, reason: `unknown Chatwoot event "${eventName.slice(0, 100)}"` };

      const result = handler.schema.safeParse(body);
      if (!result.success) {
        const problems = result.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
        throw err('WEBHOOK_INVALID_PAYLOAD', `Invalid ${eventName} body: ${problems.slice(0, 5).join('; ')}`, {
          event: eventName,
          problems,
        });
      }
      const accountId = resolveAccount(pathAccount, handler.accountOf(result.data));
      // the account-less route: the account is known only now, and its credentials still apply
      if (pathAccount === undefined) credentials = await verify(accountId, context);
      const receivedAt = context.receivedAt.toISOString();
      const occurredAt = handler.timeOf(result.data, receivedAt);
      const changes = handler.toChanges(result.data, { accountId, occurredAt }, eventName);
      if (changes.length === 0)
        return { ignored: true, sourceEvent: eventName, reason: 'the body names no entity (no inbox id in working_hours)' };
      const bodyHash = createHash('sha256').update(context.rawBody).digest('hex');
      return {
        source: chatwootEventSource(accountId),
        ...(credentials?.org ? { org: credentials.org } : {}),
        sourceEvent: eventName,
        changes: changes.map((change) => ({
          id: deterministicEventId('chatwoot', String(accountId), eventName, bodyHash, change.urn),
          change,
        })),
      };
    },
  };
}

function header(context: WebhookContext, name: string): string | undefined {
  const value = context.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** @throws DictaMeshError `BAD_USER_INPUT` when the URL's account id is not a positive integer */
function accountFromPath(fromPath: string | undefined): number | undefined {
  if (fromPath === undefined) return undefined;
  const account = Number(fromPath);
  if (!Number.isSafeInteger(account) || account <= 0) {
    throw err('BAD_USER_INPUT', `The account id in the URL must be a positive integer, got "${fromPath.slice(0, 40)}".`, {
      field: 'accountId',
    });
  }
  return account;
}

function resolveAccount(pathAccount: number | undefined, fromBody: number | undefined): number {
  if (pathAccount !== undefined && fromBody !== undefined && pathAccount !== fromBody) {
    throw err('WEBHOOK_ACCOUNT_MISMATCH', `The URL is for account ${pathAccount} but the body is from account ${fromBody}.`);
  }
  const account = pathAccount ?? fromBody;
  if (account === undefined) throw err('WEBHOOK_ACCOUNT_UNKNOWN', 'The body names no account: post to /webhooks/chatwoot/accounts/<id>.');
  return account;
}

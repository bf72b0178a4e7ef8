import { createHash } from 'node:crypto';
import type { IgnoredWebhook, ParsedWebhook, WebhookAdapter, WebhookContext } from '@dictamesh/adapter-sdk';
import { deterministicEventId } from '@dictamesh/events';
import { err } from '@dictamesh/runtime';
import { chatwootEventSource } from '../urn';
import { EVENT_HANDLERS, IGNORED_EVENTS } from './events';
import {
  accountRegistrationOfDelivery,
  registrationOfDelivery,
  type ChatwootRegistrations,
  type ChatwootWebhookRegistration,
  type VerificationPolicy,
} from './registrations';

/** Options of {@link createChatwootWebhookAdapter}. */
export interface ChatwootWebhookOptions {
  /** The registered chatwoot adapters (their organisation and webhook credentials). Default: none. */
  registrations?: ChatwootRegistrations;
  /**
   * Refuse every delivery that cannot be verified (`WEBHOOK_UNVERIFIED`), also on the route of a
   * registration without credentials. Default false, because Chatwoot ≤ 4.10 cannot sign.
   */
  requireVerification?: boolean;
  /**
   * Development mode (`NODE_ENV` other than `production`): on the account routes, unverifiable
   * deliveries are accepted — into the account's registration, or the default organisation when
   * the account has none. Default false: account routes take only verified deliveries.
   */
  development?: boolean;
  /** Accepted age / future skew of `X-Chatwoot-Timestamp`, ms. Default 300 000. */
  toleranceMs?: number;
}

/**
 * Chatwoot's webhook side. Routes: `POST /webhooks/chatwoot/adapters/:adapterId[/:token]` (the
 * route to configure in Chatwoot: it names the registration, so several organisations may
 * register one account), and the account routes `/webhooks/chatwoot/accounts/:accountId[/:token]`
 * and `/webhooks/chatwoot` (account from the body). Conversation bodies carry no account
 * (fixtures README §2) unless they hold a message, so the account-less route serves only
 * contact, message, widget and inbox events.
 *
 * Verification: on a registration's route, with that registration's credentials only
 * ({@link registrationOfDelivery}); on the account routes, with those of the account's
 * registrations, the delivery belonging to the one it verifies against
 * ({@link accountRegistrationOfDelivery}). With a webhook secret, `X-Chatwoot-Signature:
 * sha256=<hex>` must be the HMAC-SHA256 of `"<X-Chatwoot-Timestamp>.<raw body>"` with a timestamp
 * within 5 minutes (Chatwoot ≥ 4.11.2, PR #13573); with a token only, the URL must end in
 * `/<token>`. Routes naming a registration or account are verified before the body is looked at.
 *
 * Errors (DictaMeshError): `NOT_FOUND` (no such registration), `WEBHOOK_SIGNATURE_INVALID`,
 * `WEBHOOK_TOKEN_INVALID`, `WEBHOOK_UNVERIFIED` (401); `WEBHOOK_INVALID_PAYLOAD` (not an object,
 * or a known event whose body has the wrong shape: `details.problems` names each field),
 * `WEBHOOK_MISSING_EVENT`, `WEBHOOK_ACCOUNT_UNKNOWN`, `WEBHOOK_ACCOUNT_MISMATCH`, `BAD_USER_INPUT`
 * (bad account id in the URL). Unknown events are ignored, not rejected: Chatwoot adds events over time.
 */
export function createChatwootWebhookAdapter(options: ChatwootWebhookOptions = {}): WebhookAdapter {
  const policy: VerificationPolicy = {
    requireVerification: options.requireVerification ?? false,
    development: options.development ?? false,
    ...(options.toleranceMs === undefined ? {} : { toleranceMs: options.toleranceMs }),
  };

  return {
    id: 'chatwoot',
    routes: ['/accounts/:accountId', '/accounts/:accountId/:token', '/adapters/:adapterId', '/adapters/:adapterId/:token'],
    async parse(body: unknown, context: WebhookContext): Promise<ParsedWebhook | IgnoredWebhook> {
      const { adapterId } = context.params;
      let registration: ChatwootWebhookRegistration | null = null;
      let pathAccount = accountFromPath(context.params.accountId);
      if (adapterId !== undefined) {
        registration = await registrationOfDelivery(options.registrations, adapterId, context, policy);
        pathAccount = registration.accountId;
      } else if (pathAccount !== undefined) {
        registration = await accountRegistrationOfDelivery(options.registrations, pathAccount, context, policy);
      } else if (policy.requireVerification) {
        throw err('WEBHOOK_UNVERIFIED', 'Deliveries must be verifiable: post to /webhooks/chatwoot/adapters/<adapter id>.');
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
      // the account-less route: the account is known only now, and its registrations' credentials still apply
      if (adapterId === undefined && context.params.accountId === undefined) {
        registration = await accountRegistrationOfDelivery(options.registrations, accountId, context, policy);
      }
      const receivedAt = context.receivedAt.toISOString();
      const occurredAt = handler.timeOf(result.data, receivedAt);
      const changes = handler.toChanges(result.data, { accountId, occurredAt }, eventName);
      if (changes.length === 0)
        return { ignored: true, sourceEvent: eventName, reason: 'the body names no entity (no inbox id in working_hours)' };
      const bodyHash = createHash('sha256').update(context.rawBody).digest('hex');
      return {
        source: chatwootEventSource(accountId),
        ...(registration ? { org: registration.org } : {}),
        sourceEvent: eventName,
        changes: changes.map((change) => ({
          id: deterministicEventId('chatwoot', String(accountId), eventName, bodyHash, change.urn),
          change,
        })),
      };
    },
  };
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
  if (account === undefined)
    throw err('WEBHOOK_ACCOUNT_UNKNOWN', 'The body names no account: post to /webhooks/chatwoot/adapters/<adapter id>.');
  return account;
}

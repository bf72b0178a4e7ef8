import { createHash } from 'node:crypto';
import type { IgnoredWebhook, ParsedWebhook, WebhookAdapter, WebhookContext } from '@dictamesh/adapter-sdk';
import { deterministicEventId } from '@dictamesh/events';
import { err } from '@dictamesh/runtime';
import { chatwootEventSource } from '../urn';
import { EVENT_HANDLERS, IGNORED_EVENTS } from './events';

/**
 * Chatwoot's webhook side. Routes: `POST /webhooks/chatwoot` and
 * `POST /webhooks/chatwoot/accounts/:accountId`. Conversation bodies carry no account
 * (fixtures README §2) unless they hold a message, so the per-account route is the one to
 * configure in Chatwoot (Settings → Integrations → Webhooks).
 *
 * Chatwoot 4.10 does not sign webhooks; deliveries are accepted unsigned (signature
 * verification comes with the full adapter).
 *
 * Errors (DictaMeshError): `WEBHOOK_INVALID_PAYLOAD` (not an object, or a known event whose
 * body has the wrong shape: `details.problems` names each field), `WEBHOOK_MISSING_EVENT`,
 * `WEBHOOK_ACCOUNT_UNKNOWN`, `WEBHOOK_ACCOUNT_MISMATCH`, `BAD_USER_INPUT` (bad account id in
 * the URL). Unknown events are ignored, not rejected: Chatwoot adds events over time.
 */
export function createChatwootWebhookAdapter(): WebhookAdapter {
  return {
    id: 'chatwoot',
    routes: ['/accounts/:accountId'],
    parse(body: unknown, context: WebhookContext): ParsedWebhook | IgnoredWebhook {
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
      const accountId = resolveAccount(context.params.accountId, handler.accountOf(result.data));
      const receivedAt = context.receivedAt.toISOString();
      const occurredAt = handler.timeOf(result.data, receivedAt);
      const changes = handler.toChanges(result.data, { accountId, occurredAt }, eventName);
      if (changes.length === 0)
        return { ignored: true, sourceEvent: eventName, reason: 'the body names no entity (no inbox id in working_hours)' };
      const bodyHash = createHash('sha256').update(context.rawBody).digest('hex');
      return {
        source: chatwootEventSource(accountId),
        sourceEvent: eventName,
        changes: changes.map((change) => ({
          id: deterministicEventId('chatwoot', String(accountId), eventName, bodyHash, change.urn),
          change,
        })),
      };
    },
  };
}

function resolveAccount(fromPath: string | undefined, fromBody: number | undefined): number {
  let pathAccount: number | undefined;
  if (fromPath !== undefined) {
    pathAccount = Number(fromPath);
    if (!Number.isSafeInteger(pathAccount) || pathAccount <= 0) {
      throw err('BAD_USER_INPUT', `The account id in the URL must be a positive integer, got "${fromPath.slice(0, 40)}".`, {
        field: 'accountId',
      });
    }
  }
  if (pathAccount !== undefined && fromBody !== undefined && pathAccount !== fromBody) {
    throw err('WEBHOOK_ACCOUNT_MISMATCH', `The URL is for account ${pathAccount} but the body is from account ${fromBody}.`);
  }
  const account = pathAccount ?? fromBody;
  if (account === undefined) throw err('WEBHOOK_ACCOUNT_UNKNOWN', 'The body names no account: post to /webhooks/chatwoot/accounts/<id>.');
  return account;
}

import { secretsEqual, verifyTimestampedHmac, type WebhookContext } from '@dictamesh/adapter-sdk';
import { err } from '@dictamesh/runtime';

/** A registered chatwoot adapter as the webhook side sees it: whose it is and what verifies its deliveries. */
export interface ChatwootWebhookRegistration {
  /** Adapter id: its own webhook route is `/webhooks/chatwoot/adapters/<id>`. */
  id: string;
  /** Organisation that registered the adapter: the events of its deliveries belong to it. */
  org: string;
  /** The Chatwoot account the adapter reads. */
  accountId: number;
  /** Secret of the Chatwoot webhook (≥ 4.11 signs with it): `X-Chatwoot-Signature` is required. */
  webhookSecret?: string;
  /** Secret last path segment for Chatwoot versions that cannot sign. */
  webhookToken?: string;
}

/** Where the webhook side looks registrations up (the catalog's adapter registrations). */
export interface ChatwootRegistrations {
  /** Every chatwoot registration of the account, of every organisation, in id order. */
  byAccount(accountId: number): Promise<ChatwootWebhookRegistration[]>;
  /** The chatwoot registration with this adapter id, or null (none, or another kind). */
  byId(id: string): Promise<ChatwootWebhookRegistration | null>;
}

/** How strict verification is; see {@link ChatwootWebhookOptions}. */
export interface VerificationPolicy {
  requireVerification: boolean;
  development: boolean;
  toleranceMs?: number;
}

const ADAPTER_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

/**
 * Checks a delivery against one registration's credentials: the signature when it has a
 * webhook secret, else the URL token when it has one.
 * @returns true when verified, false when the registration has no credentials
 * @throws DictaMeshError `WEBHOOK_SIGNATURE_INVALID` / `WEBHOOK_TOKEN_INVALID` (401)
 */
function verifyWith(registration: ChatwootWebhookRegistration, context: WebhookContext, toleranceMs: number | undefined): boolean {
  if (registration.webhookSecret) {
    verifyTimestampedHmac({
      secret: registration.webhookSecret,
      rawBody: context.rawBody,
      signature: header(context, 'x-chatwoot-signature'),
      timestamp: header(context, 'x-chatwoot-timestamp'),
      ...(toleranceMs === undefined ? {} : { toleranceMs }),
    });
    return true;
  }
  if (registration.webhookToken) {
    const token = context.params.token;
    if (token === undefined || !secretsEqual(token, registration.webhookToken)) {
      throw err('WEBHOOK_TOKEN_INVALID', `The URL token does not match the one registered for account ${registration.accountId}.`);
    }
    return true;
  }
  return false;
}

/**
 * The registration a delivery to `/webhooks/chatwoot/adapters/<id>[/<token>]` belongs to, once
 * verified with that registration's own credentials (another organisation's registration of
 * the same account plays no part). A registration without credentials accepts unverified
 * deliveries unless `requireVerification`.
 * @throws DictaMeshError `NOT_FOUND` (404, no chatwoot registration with that id),
 *   `WEBHOOK_SIGNATURE_INVALID` / `WEBHOOK_TOKEN_INVALID` / `WEBHOOK_UNVERIFIED` (401)
 */
export async function registrationOfDelivery(
  registrations: ChatwootRegistrations | undefined,
  adapterId: string,
  context: WebhookContext,
  policy: VerificationPolicy,
): Promise<ChatwootWebhookRegistration> {
  const registration = ADAPTER_ID.test(adapterId) ? ((await registrations?.byId(adapterId)) ?? null) : null;
  if (!registration) throw err('NOT_FOUND', `No chatwoot adapter is registered with id "${adapterId.slice(0, 63)}".`);
  if (verifyWith(registration, context, policy.toleranceMs)) return registration;
  if (context.params.token !== undefined) {
    throw err('WEBHOOK_TOKEN_INVALID', `Adapter "${registration.id}" has no webhook token; configure its URL without one.`);
  }
  if (policy.requireVerification) {
    throw err('WEBHOOK_UNVERIFIED', `Adapter "${registration.id}" has no webhook secret or token; the delivery was refused.`);
  }
  return registration;
}

/**
 * The registration a delivery to an account route (`/webhooks/chatwoot/accounts/<id>[/<token>]`,
 * or `/webhooks/chatwoot` once the body names the account) belongs to. Several organisations may
 * register one account, so the account alone names no owner:
 * - when registrations of the account have credentials, the delivery belongs to the one(s) whose
 *   credentials verify it — they must all be of one organisation; a registration without
 *   credentials never takes a delivery another one could verify;
 * - otherwise the delivery is unverifiable: refused unless `development` (and not
 *   `requireVerification`), where it goes to the account's registration (all of one
 *   organisation), or to no registration (the default organisation) when there is none.
 * @returns the registration, or null for the default organisation (development only)
 * @throws DictaMeshError `WEBHOOK_SIGNATURE_INVALID` / `WEBHOOK_TOKEN_INVALID` (the account's one
 *   registration with credentials refused it), `WEBHOOK_UNVERIFIED` (401: nothing verifies it
 *   for exactly one organisation)
 */
export async function accountRegistrationOfDelivery(
  registrations: ChatwootRegistrations | undefined,
  accountId: number,
  context: WebhookContext,
  policy: VerificationPolicy,
): Promise<ChatwootWebhookRegistration | null> {
  const candidates = (await registrations?.byAccount(accountId)) ?? [];
  const credentialed = candidates.filter((r) => r.webhookSecret || r.webhookToken);
  const unverified = () =>
    err(
      'WEBHOOK_UNVERIFIED',
      `The delivery for account ${accountId} verifies against no single organisation's chatwoot adapter; ` +
        'post to /webhooks/chatwoot/adapters/<adapter id> with that adapter’s webhook secret or token.',
    );
  if (credentialed.length > 0) {
    const verified: ChatwootWebhookRegistration[] = [];
    let failure: unknown;
    for (const registration of credentialed) {
      try {
        if (verifyWith(registration, context, policy.toleranceMs)) verified.push(registration);
      } catch (error) {
        failure ??= error;
      }
    }
    if (verified.length > 0 && new Set(verified.map((r) => r.org)).size === 1) return verified[0]!;
    if (verified.length === 0 && credentialed.length === 1) throw failure;
    throw unverified();
  }
  if (context.params.token !== undefined) {
    throw err('WEBHOOK_TOKEN_INVALID', `The URL token does not match the one registered for account ${accountId}.`);
  }
  if (policy.requireVerification || !policy.development || new Set(candidates.map((r) => r.org)).size > 1) throw unverified();
  return candidates[0] ?? null;
}

function header(context: WebhookContext, name: string): string | undefined {
  const value = context.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

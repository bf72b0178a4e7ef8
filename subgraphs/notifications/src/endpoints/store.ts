import { randomUUID } from 'node:crypto';
import type { NotificationChannel, NotificationEndpoint, Prisma } from '@dictamesh/db';

type NotificationEndpointStatus = NotificationEndpoint['status'];
import type { Resolver } from '@dictamesh/net-guard';
import { err } from '@dictamesh/runtime';
import { PAGERDUTY_EVENTS_URL } from '../channels/pagerduty/pagerduty-provider';
import type { NotificationsServices } from '../context';
import type { EndpointRecord } from '../graphql/records';
import { newSigningSecret, sealedSecretRow } from './secrets';
import { checkEndpointUrl } from './url';

/** Channels whose destinations are endpoints of the organisation. */
export const ENDPOINT_CHANNELS: readonly NotificationChannel[] = ['WEBHOOK', 'SLACK', 'PAGERDUTY'];

/** Longest grace of a rotation: 7 days, seconds. */
export const MAX_GRACE_SECONDS = 7 * 24 * 3600;

/** What `createNotificationEndpoint` takes. */
export interface EndpointInput {
  channel: NotificationChannel;
  name: string;
  /** WEBHOOK: delivery URL; SLACK: the incoming-webhook URL (a secret); PAGERDUTY: Events API v2 URL (default the configured one). */
  url?: string | null;
  /** PAGERDUTY: the routing key (a secret). */
  routingKey?: string | null;
  /** Type keys it receives; empty: every type. */
  types?: readonly string[] | null;
}

/** An endpoint as created or rotated: `secret` (WEBHOOK signing secret) shown this once. */
export interface EndpointWithSecret {
  endpoint: EndpointRecord;
  secret: string | null;
}

/** Options of the store's writes (tests). */
export interface EndpointStoreOptions {
  /** How URL hosts are resolved; default the system resolver. */
  resolve?: Resolver;
  /** PagerDuty Events API v2 URL when the input names none (default {@link PAGERDUTY_EVENTS_URL}). */
  pagerDutyEventsUrl?: string;
}

type Services = Pick<NotificationsServices, 'prisma' | 'now' | 'secrets' | 'allowPrivateNetworks'>;

const TYPE_KEY = /^[a-z][a-z0-9_.-]*$/;
const ROUTING_KEY = /^[A-Za-z0-9_-]{1,128}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Secrets still in use at `now` (current, or the old ones of a rotation inside their grace). */
export function activeSecretFilter(now: Date): Prisma.NotificationEndpointSecretWhereInput {
  return { OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] };
}

/** The caller organisation's endpoint, or undefined. */
async function findEndpoint(services: Services, orgId: string, id: string): Promise<NotificationEndpoint | undefined> {
  if (!UUID.test(id)) return undefined;
  return (await services.prisma.notificationEndpoint.findFirst({ where: { id, orgId } })) ?? undefined;
}

/**
 * The caller organisation's endpoint.
 * @throws DictaMeshError `NOTIFICATION_ENDPOINT_UNKNOWN` (also for another organisation's)
 */
async function requireEndpoint(services: Services, orgId: string, id: string): Promise<NotificationEndpoint> {
  const endpoint = await findEndpoint(services, orgId, id);
  if (!endpoint) throw err('NOTIFICATION_ENDPOINT_UNKNOWN', undefined, { id });
  return endpoint;
}

/** An endpoint row with how many of its secrets are in use. */
export async function endpointRecord(services: Pick<Services, 'prisma' | 'now'>, endpoint: NotificationEndpoint): Promise<EndpointRecord> {
  const activeSecrets = await services.prisma.notificationEndpointSecret.count({
    where: { endpointId: endpoint.id, ...activeSecretFilter(services.now()) },
  });
  return { ...endpoint, activeSecrets };
}

/** The organisation's endpoints, oldest first. */
export async function listEndpoints(services: Pick<Services, 'prisma' | 'now'>, orgId: string): Promise<EndpointRecord[]> {
  const now = services.now();
  const rows = await services.prisma.notificationEndpoint.findMany({
    where: { orgId },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    include: { _count: { select: { secrets: { where: activeSecretFilter(now) } } } },
  });
  return rows.map(({ _count, ...endpoint }) => ({ ...endpoint, activeSecrets: _count.secrets }));
}

/** Checks name and types; the problems found. */
function inputProblems(input: EndpointInput): string[] {
  const problems: string[] = [];
  if (!ENDPOINT_CHANNELS.includes(input.channel)) problems.push(`channel: endpoints are ${ENDPOINT_CHANNELS.join(', ')}`);
  const name = input.name.trim();
  if (name.length === 0 || name.length > 200) problems.push('name: 1 to 200 characters');
  const types = input.types ?? [];
  if (types.length > 100) problems.push('types: at most 100');
  for (const type of types)
    if (type.length > 100 || !TYPE_KEY.test(type)) problems.push(`types: "${type.slice(0, 100)}" is not a type key`);
  return problems;
}

/**
 * Creates an endpoint of the organisation. WEBHOOK: its https URL (see {@link checkEndpointUrl})
 * and a new signing secret (`whsec_` + base64 of 24 random bytes, returned this once); SLACK:
 * the incoming-webhook URL sealed as a secret, its origin shown; PAGERDUTY: the routing key
 * sealed, the Events API URL (default the configured one) checked like a webhook's. Secrets are
 * sealed with `services.secrets` (aad `notification-endpoint-secret:<secretId>`).
 * @throws DictaMeshError `BAD_USER_INPUT` `{ problems }` (channel, name, types, missing URL or routing key),
 *   `NOTIFICATION_ENDPOINT_FORBIDDEN` `{ problems }` (URL not https, not public, credentials)
 */
export async function createEndpoint(
  services: Services,
  orgId: string,
  input: EndpointInput,
  options: EndpointStoreOptions = {},
): Promise<EndpointWithSecret> {
  const problems = inputProblems(input);
  if (input.channel === 'WEBHOOK' || input.channel === 'SLACK') {
    if (!input.url) problems.push(`url: required for ${input.channel}`);
  }
  if (input.channel === 'PAGERDUTY' && (!input.routingKey || !ROUTING_KEY.test(input.routingKey)))
    problems.push('routingKey: required for PAGERDUTY (letters, digits, _ and -)');
  if (problems.length > 0) throw err('BAD_USER_INPUT', 'The endpoint is invalid (every problem is listed).', { problems });
  const check = { allowPrivateNetworks: services.allowPrivateNetworks, ...(options.resolve ? { resolve: options.resolve } : {}) };
  const id = randomUUID();
  let url: string;
  let secretText: string;
  let shownSecret: string | null = null;
  if (input.channel === 'WEBHOOK') {
    url = (await checkEndpointUrl(input.url!, check)).href;
    secretText = newSigningSecret();
    shownSecret = secretText;
  } else if (input.channel === 'SLACK') {
    const parsed = await checkEndpointUrl(input.url!, check);
    url = parsed.origin;
    secretText = parsed.href;
  } else {
    url = (await checkEndpointUrl(input.url ?? options.pagerDutyEventsUrl ?? PAGERDUTY_EVENTS_URL, check)).href;
    secretText = input.routingKey!;
  }
  const secretRow = await sealedSecretRow(services.secrets, id, secretText);
  const endpoint = await services.prisma.$transaction(async (tx) => {
    const row = await tx.notificationEndpoint.create({
      data: { id, orgId, channel: input.channel, name: input.name.trim(), url, typeKeys: [...new Set(input.types ?? [])] },
    });
    await tx.notificationEndpointSecret.createMany({ data: [secretRow] });
    return row;
  });
  return { endpoint: { ...endpoint, activeSecrets: 1 }, secret: shownSecret };
}

/**
 * Rotates a WEBHOOK endpoint's signing secret: a new secret (returned this once) signs from now
 * on; the ones in use keep signing until now + `graceSeconds` (an earlier expiry is kept);
 * expired ones are deleted.
 * @param graceSeconds 0 to 604 800 (7 days)
 * @throws DictaMeshError `NOTIFICATION_ENDPOINT_UNKNOWN`, `BAD_USER_INPUT` (not a WEBHOOK endpoint, grace out of range)
 */
export async function rotateEndpointSecret(
  services: Services,
  orgId: string,
  id: string,
  graceSeconds: number,
): Promise<EndpointWithSecret> {
  if (!Number.isInteger(graceSeconds) || graceSeconds < 0 || graceSeconds > MAX_GRACE_SECONDS) {
    throw err('BAD_USER_INPUT', undefined, { problems: [`graceSeconds: 0 to ${MAX_GRACE_SECONDS}`] });
  }
  const endpoint = await requireEndpoint(services, orgId, id);
  if (endpoint.channel !== 'WEBHOOK')
    throw err('BAD_USER_INPUT', undefined, { problems: ['only WEBHOOK endpoints have signing secrets to rotate'] });
  const now = services.now();
  const until = new Date(now.getTime() + graceSeconds * 1000);
  const secret = newSigningSecret();
  const secretRow = await sealedSecretRow(services.secrets, endpoint.id, secret);
  await services.prisma.$transaction(async (tx) => {
    await tx.notificationEndpointSecret.deleteMany({ where: { endpointId: endpoint.id, expiresAt: { lte: now } } });
    await tx.notificationEndpointSecret.updateMany({
      where: { endpointId: endpoint.id, OR: [{ expiresAt: null }, { expiresAt: { gt: until } }] },
      data: { expiresAt: until },
    });
    await tx.notificationEndpointSecret.createMany({ data: [secretRow] });
  });
  return { endpoint: await endpointRecord(services, endpoint), secret };
}

/**
 * Enables an endpoint (clearing why it was disabled and any throttling) or disables it.
 * @throws DictaMeshError `NOTIFICATION_ENDPOINT_UNKNOWN`
 */
export async function setEndpointStatus(
  services: Services,
  orgId: string,
  id: string,
  status: NotificationEndpointStatus,
): Promise<EndpointRecord> {
  const endpoint = await requireEndpoint(services, orgId, id);
  const updated = await services.prisma.notificationEndpoint.update({
    where: { id: endpoint.id },
    data:
      status === 'ENABLED'
        ? { status, disabledReason: null, throttledUntil: null }
        : { status, disabledReason: 'disabled by an administrator' },
  });
  return endpointRecord(services, updated);
}

/**
 * Deletes an endpoint and its secrets (deliveries already made keep their records).
 * @throws DictaMeshError `NOTIFICATION_ENDPOINT_UNKNOWN`
 */
export async function deleteEndpoint(services: Services, orgId: string, id: string): Promise<boolean> {
  const deleted = UUID.test(id) ? await services.prisma.notificationEndpoint.deleteMany({ where: { id, orgId } }) : { count: 0 };
  if (deleted.count === 0) throw err('NOTIFICATION_ENDPOINT_UNKNOWN', undefined, { id });
  return true;
}

import { randomUUID } from 'node:crypto';
import type { NotificationChannel, NotificationPriority, NotificationSubscriber, NotificationType } from '@dictamesh/db';
import { err, DictaMeshError } from '@dictamesh/runtime';
import { CHANNELS } from '../channels/registry';
import type { NotificationsServices } from '../context';
import { matchingEndpoints } from '../endpoints/match';
import { decideChannels } from '../preferences/decide';
import type { Rendered } from '../templates/render';
import { requireType } from '../types/types';
import { Renderings } from './renderings';
import type { NotificationRequest } from './request';

/** Channels whose destinations are the organisation's endpoints, not a recipient's address. */
export const ENDPOINT_CHANNELS: readonly NotificationChannel[] = ['WEBHOOK', 'SLACK', 'PAGERDUTY'];

/** Channels a direct address (an address recipient) may be on. */
export const ADDRESS_CHANNELS: readonly NotificationChannel[] = ['EMAIL', 'SMS', 'PUSH'];

/** Locale of what is not a subscriber's (address recipients, endpoints). */
export const DEFAULT_LOCALE = 'en';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `id` is a uuid (ids of the notifications tables; anything else matches no row). */
export function isUuid(id: string): boolean {
  return UUID.test(id);
}

/** One delivery to write: rendered, with its state. */
export interface PlannedDelivery {
  id: string;
  channel: NotificationChannel;
  /** Address, `endpoint:<id>`, or null (IN_APP, no address). */
  destination: string | null;
  endpointId: string | null;
  status: 'QUEUED' | 'SUPPRESSED';
  /** Why it is SUPPRESSED (`MUTED`, `NO_ADDRESS`; `digest:<id>` once folded into a digest). */
  lastError: string | null;
  /** Quiet hours: not before this instant. */
  notBefore: Date | null;
  /** Fold into the digest window of this length (seconds) instead of sending. */
  digestWindowSeconds: number | null;
  rendered: Rendered;
}

/** One notification to write: a subscriber's, or the organisation-level one (address recipients and endpoints). */
export interface PlannedNotification {
  id: string;
  subscriberId: string | null;
  title: string;
  body: string;
  deliveries: PlannedDelivery[];
}

/** Everything a request writes, validated and rendered. */
export interface NotificationPlan {
  type: NotificationType;
  priority: NotificationPriority;
  notifications: PlannedNotification[];
}

/** Options of {@link planNotifications}. */
export interface PlanOptions {
  /** Endpoint deliveries go to this endpoint of the organisation only, whatever its types (`sendTestNotification`). */
  endpointId?: string;
}

/**
 * Validates a request and works out what it writes, reading only: the type; the channels (explicit
 * ones must be available, unavailable default ones are skipped); the recipients (at most
 * `limits.maxRecipients`, subscribers of the organisation, direct addresses checked by their
 * channel's provider); the variables' size; each subscriber's channel decisions (preferences,
 * quiet hours, digests); the matching endpoints; and every rendering (IN_APP gives the title and
 * body). Nothing is written: a bad request throws before the accepting transaction begins.
 * @throws DictaMeshError `NOTIFICATION_TYPE_UNKNOWN`, `NOTIFICATION_CHANNEL_UNKNOWN`,
 *   `NOTIFICATION_CHANNEL_UNAVAILABLE`, `BAD_USER_INPUT` (too many recipients),
 *   `NOTIFICATION_SUBSCRIBER_UNKNOWN`, `NOTIFICATION_ADDRESS_INVALID`, `NOTIFICATION_ENDPOINT_UNKNOWN`,
 *   `NOTIFICATION_BODY_TOO_LARGE`, `NOTIFICATION_TEMPLATE_UNKNOWN`, `NOTIFICATION_VARIABLES_INVALID`
 */
export async function planNotifications(
  services: NotificationsServices,
  request: NotificationRequest,
  options: PlanOptions = {},
): Promise<NotificationPlan> {
  const { prisma, limits } = services;
  const type = await requireType(prisma, request.orgId, request.typeKey);
  const explicit = request.channels !== undefined;
  const channels = selectChannels(services, request.channels ?? type.defaultChannels, explicit);
  const personal = channels.filter((channel) => !ENDPOINT_CHANNELS.includes(channel));
  const endpointChannels = channels.filter((channel) => ENDPOINT_CHANNELS.includes(channel));

  if (request.recipients.length > limits.maxRecipients) {
    throw err('BAD_USER_INPUT', `At most ${limits.maxRecipients} recipients.`, {
      field: 'recipients',
      count: request.recipients.length,
      limit: limits.maxRecipients,
    });
  }
  const subscribers = await loadSubscribers(services, request);
  const addresses = addressRecipients(services, request, explicit);

  const variablesBytes = Buffer.byteLength(JSON.stringify(request.variables ?? {}));
  if (variablesBytes > limits.maxVariablesBytes) {
    throw err(
      'NOTIFICATION_BODY_TOO_LARGE',
      `The variables are ${variablesBytes} bytes, over their limit of ${limits.maxVariablesBytes}.`,
      {
        field: 'variables',
        bytes: variablesBytes,
        limit: limits.maxVariablesBytes,
      },
    );
  }

  const now = services.now();
  const renderings = new Renderings(services, { orgId: request.orgId, typeKey: request.typeKey, variables: request.variables });
  const notifications: PlannedNotification[] = [];
  for (const subscriber of subscribers) {
    const decisions =
      personal.length > 0 ? await decideChannels(prisma, { subscriberId: subscriber.id, type, channels: personal, now }) : [];
    const deliveries: PlannedDelivery[] = [];
    for (const decision of decisions) {
      const rendered = await renderings.get(decision.channel, subscriber.locale, subscriber.timezone);
      const destinations: (string | null)[] =
        decision.channel === 'IN_APP' || decision.addresses.length === 0 ? [null] : decision.addresses;
      for (const destination of destinations) {
        const suppressed = decision.action === 'SUPPRESS';
        deliveries.push({
          id: randomUUID(),
          channel: decision.channel,
          destination,
          endpointId: null,
          status: suppressed ? 'SUPPRESSED' : 'QUEUED',
          lastError: suppressed ? (decision.reason ?? 'SUPPRESSED') : null,
          notBefore: !suppressed && decision.notBefore ? decision.notBefore : null,
          digestWindowSeconds: !suppressed && decision.digestWindowSeconds ? decision.digestWindowSeconds : null,
          rendered,
        });
      }
    }
    if (deliveries.length === 0) continue;
    notifications.push({
      id: randomUUID(),
      subscriberId: subscriber.id,
      ...(await titleOf(renderings, subscriber.locale, subscriber.timezone, deliveries, type.key)),
      deliveries,
    });
  }

  const orgDeliveries: PlannedDelivery[] = [];
  for (const { channel, address } of addresses) {
    orgDeliveries.push(queued(channel, address, null, await renderings.get(channel, DEFAULT_LOCALE)));
  }
  for (const endpoint of await endpointsOf(services, request, endpointChannels, options)) {
    orgDeliveries.push(
      queued(endpoint.channel, `endpoint:${endpoint.id}`, endpoint.id, await renderings.get(endpoint.channel, DEFAULT_LOCALE)),
    );
  }
  if (orgDeliveries.length > 0) {
    notifications.push({
      id: randomUUID(),
      subscriberId: null,
      ...(await titleOf(renderings, DEFAULT_LOCALE, 'UTC', orgDeliveries, type.key)),
      deliveries: orgDeliveries,
    });
  }
  return { type, priority: request.priority ?? type.priority, notifications };
}

function queued(channel: NotificationChannel, destination: string, endpointId: string | null, rendered: Rendered): PlannedDelivery {
  return {
    id: randomUUID(),
    channel,
    destination,
    endpointId,
    status: 'QUEUED',
    lastError: null,
    notBefore: null,
    digestWindowSeconds: null,
    rendered,
  };
}

/**
 * The channels of a request: known ones, each once; explicit ones must be available, default ones
 * that are not are skipped.
 * @throws DictaMeshError `NOTIFICATION_CHANNEL_UNKNOWN`, `NOTIFICATION_CHANNEL_UNAVAILABLE`
 */
function selectChannels(services: NotificationsServices, asked: readonly NotificationChannel[], explicit: boolean): NotificationChannel[] {
  const out: NotificationChannel[] = [];
  for (const channel of asked) {
    if (!CHANNELS.includes(channel)) throw err('NOTIFICATION_CHANNEL_UNKNOWN', undefined, { channel });
    if (out.includes(channel)) continue;
    if (!services.channels.isAvailable(channel)) {
      if (explicit) throw err('NOTIFICATION_CHANNEL_UNAVAILABLE', undefined, { channel });
      continue;
    }
    out.push(channel);
  }
  return out;
}

/**
 * The subscriber recipients, each once, in request order.
 * @throws DictaMeshError `NOTIFICATION_SUBSCRIBER_UNKNOWN` ({ subscriberIds }) naming those that
 *   are not subscribers of the organisation
 */
async function loadSubscribers(services: NotificationsServices, request: NotificationRequest): Promise<NotificationSubscriber[]> {
  const ids = [...new Set(request.recipients.flatMap((r) => (r.kind === 'subscriber' ? [r.subscriberId] : [])))];
  if (ids.length === 0) return [];
  const rows = await services.prisma.notificationSubscriber.findMany({ where: { orgId: request.orgId, id: { in: ids.filter(isUuid) } } });
  const byId = new Map(rows.map((row) => [row.id, row]));
  const missing = ids.filter((id) => !byId.has(id));
  if (missing.length > 0) throw err('NOTIFICATION_SUBSCRIBER_UNKNOWN', undefined, { subscriberIds: missing });
  return ids.map((id) => byId.get(id)!);
}

/**
 * The direct addresses, each (channel, address) once, checked by their channel's provider.
 * Without explicit channels, an address on an unavailable channel is skipped as a default channel
 * would be; with them, it is refused.
 * @throws DictaMeshError `NOTIFICATION_CHANNEL_UNKNOWN`, `NOTIFICATION_CHANNEL_UNAVAILABLE`,
 *   `NOTIFICATION_ADDRESS_INVALID` ({ channel, address problems })
 */
function addressRecipients(
  services: NotificationsServices,
  request: NotificationRequest,
  explicit: boolean,
): { channel: NotificationChannel; address: string }[] {
  const out: { channel: NotificationChannel; address: string }[] = [];
  const seen = new Set<string>();
  for (const recipient of request.recipients) {
    if (recipient.kind !== 'address') continue;
    const { channel, address } = recipient;
    if (!CHANNELS.includes(channel)) throw err('NOTIFICATION_CHANNEL_UNKNOWN', undefined, { channel });
    if (!ADDRESS_CHANNELS.includes(channel)) {
      throw err('NOTIFICATION_ADDRESS_INVALID', `Direct addresses are on ${ADDRESS_CHANNELS.join(', ')}, not ${channel}.`, { channel });
    }
    if (!services.channels.isAvailable(channel)) {
      if (explicit) throw err('NOTIFICATION_CHANNEL_UNAVAILABLE', undefined, { channel });
      continue;
    }
    services.channels.provider(channel)!.validateAddress?.(address);
    const key = `${channel}|${address}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ channel, address });
  }
  return out;
}

/**
 * The endpoints endpoint deliveries go to: the one asked (`options.endpointId`), else the
 * organisation's enabled endpoints on the request's endpoint channels whose types match.
 * @throws DictaMeshError `NOTIFICATION_ENDPOINT_UNKNOWN`, `NOTIFICATION_CHANNEL_UNAVAILABLE`
 */
async function endpointsOf(
  services: NotificationsServices,
  request: NotificationRequest,
  endpointChannels: NotificationChannel[],
  options: PlanOptions,
) {
  if (options.endpointId !== undefined) {
    const endpoint = isUuid(options.endpointId)
      ? await services.prisma.notificationEndpoint.findFirst({ where: { id: options.endpointId, orgId: request.orgId } })
      : null;
    if (!endpoint) throw err('NOTIFICATION_ENDPOINT_UNKNOWN', undefined, { endpointId: options.endpointId });
    services.channels.require(endpoint.channel);
    return [endpoint];
  }
  if (endpointChannels.length === 0) return [];
  return matchingEndpoints(services.prisma, request.orgId, request.typeKey, endpointChannels);
}

/**
 * Title and body of a notification: its IN_APP rendering (the IN_APP template, through the
 * lookup's fallbacks); without an IN_APP template (and no IN_APP delivery), the type key and the
 * first delivery's text.
 */
async function titleOf(
  renderings: Renderings,
  locale: string,
  timezone: string,
  deliveries: PlannedDelivery[],
  typeKey: string,
): Promise<{ title: string; body: string }> {
  try {
    const inApp = await renderings.get('IN_APP', locale, timezone);
    return { title: inApp.subject ?? typeKey, body: inApp.text };
  } catch (error) {
    if (
      !(error instanceof DictaMeshError) ||
      error.code !== 'NOTIFICATION_TEMPLATE_UNKNOWN' ||
      deliveries.some((d) => d.channel === 'IN_APP')
    )
      throw error;
    const first = deliveries[0]!.rendered;
    return { title: first.subject ?? typeKey, body: first.text };
  }
}

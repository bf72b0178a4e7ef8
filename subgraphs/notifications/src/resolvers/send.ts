import type { NotificationChannel } from '@dictamesh/db';
import { err } from '@dictamesh/runtime';
import type { NotificationRecipientInput, Resolvers, SendNotificationInput } from '../__generated__/resolvers-types';
import type { NotificationsContext } from '../context';
import { callerOrg } from '../graphql/access';
import { acceptNotifications } from '../send/accept';
import { MAX_IDEMPOTENCY_KEY_LENGTH, requestHash } from '../send/idempotency';
import { ENDPOINT_CHANNELS, isUuid } from '../send/plan';
import type { Recipient } from '../send/request';
import { callerSubscriber, ensureSubscriber } from '../subscribers/subscribers';
import { requireType } from '../types/types';

/** The platform type of `sendTestNotification`. */
export const TEST_TYPE = 'notifications.test';

/** Longest subscriber external id a recipient may name. */
const MAX_EXTERNAL_ID = 200;

/**
 * The request of `sendNotification` as its idempotency hash sees it: absent and null members are
 * the same, recipients keep their order.
 */
function canonicalInput(input: SendNotificationInput) {
  return {
    type: input.type,
    recipients: input.recipients.map((r) => ({
      subscriberExternalId: r.subscriberExternalId ?? null,
      subscriberId: r.subscriberId ?? null,
      address: r.address ? { channel: r.address.channel, address: r.address.address } : null,
    })),
    variables: input.variables,
    channels: input.channels ?? null,
    priority: input.priority ?? null,
    entityUrn: input.entityUrn ?? null,
  };
}

/**
 * Checks the shape of one recipient: exactly one of `subscriberExternalId`, `subscriberId`, `address`.
 * @throws DictaMeshError `BAD_USER_INPUT` ({ field: `recipients.<i>` })
 */
function assertRecipient(recipient: NotificationRecipientInput, index: number): void {
  const given = [recipient.subscriberExternalId, recipient.subscriberId, recipient.address].filter((v) => v !== null && v !== undefined);
  if (given.length !== 1)
    throw err('BAD_USER_INPUT', 'A recipient names exactly one of subscriberExternalId, subscriberId, address.', {
      field: `recipients.${index}`,
    });
  const external = recipient.subscriberExternalId;
  if (typeof external === 'string' && (external.length === 0 || external.length > MAX_EXTERNAL_ID)) {
    throw err('BAD_USER_INPUT', `A subscriberExternalId has 1 to ${MAX_EXTERNAL_ID} characters.`, {
      field: `recipients.${index}.subscriberExternalId`,
    });
  }
}

/**
 * `sendNotification`: checks the input's shape (recipients, variables an object, the idempotency
 * key), then the type, then makes subscribers of the external ids (created on first use) and
 * accepts the request ({@link acceptNotifications}: everything else is validated there before
 * anything is queued). A direct address's channel must be available.
 * @throws DictaMeshError `BAD_USER_INPUT`, `NOTIFICATION_VARIABLES_INVALID`, `NOTIFICATION_CHANNEL_UNAVAILABLE`,
 *   `NOTIFICATION_IDEMPOTENCY_CONFLICT` and the codes of `acceptNotifications`
 */
export async function sendNotification(ctx: NotificationsContext, input: SendNotificationInput) {
  const orgId = callerOrg(ctx, 'write');
  if (input.recipients.length === 0) throw err('BAD_USER_INPUT', 'At least one recipient.', { field: 'recipients' });
  if (input.recipients.length > ctx.limits.maxRecipients) {
    throw err('BAD_USER_INPUT', `At most ${ctx.limits.maxRecipients} recipients.`, {
      field: 'recipients',
      count: input.recipients.length,
      limit: ctx.limits.maxRecipients,
    });
  }
  input.recipients.forEach(assertRecipient);
  const variables = input.variables;
  if (typeof variables !== 'object' || variables === null || Array.isArray(variables)) {
    throw err('NOTIFICATION_VARIABLES_INVALID', 'variables is a JSON object.', { problems: [{ name: '', problem: 'not an object' }] });
  }
  const key = input.idempotencyKey ?? null;
  if (key !== null && (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH)) {
    throw err('BAD_USER_INPUT', `An idempotency key has 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters.`, { field: 'idempotencyKey' });
  }
  for (const { address } of input.recipients) if (address) ctx.channels.require(address.channel);
  await requireType(ctx.prisma, orgId, input.type);
  const recipients: Recipient[] = [];
  for (const r of input.recipients) {
    if (r.address) recipients.push({ kind: 'address', channel: r.address.channel, address: r.address.address });
    else if (r.subscriberId) recipients.push({ kind: 'subscriber', subscriberId: r.subscriberId });
    else recipients.push({ kind: 'subscriber', subscriberId: (await ensureSubscriber(ctx.prisma, orgId, r.subscriberExternalId!)).id });
  }
  return acceptNotifications(
    ctx,
    {
      orgId,
      typeKey: input.type,
      recipients,
      variables: variables as Record<string, unknown>,
      ...(input.channels ? { channels: input.channels } : {}),
      ...(input.priority ? { priority: input.priority } : {}),
      entityUrn: input.entityUrn ?? null,
    },
    key === null ? {} : { idempotency: { key, requestHash: requestHash(canonicalInput(input)) } },
  );
}

/**
 * `sendTestNotification`: a `notifications.test` notification (`{ channel, requestedBy }`) to the
 * caller on `channel` (its addresses there; IN_APP needs none), or to the organisation's endpoint
 * `endpointId` (which must be on `channel`).
 * @throws DictaMeshError `BAD_USER_INPUT` (an endpoint channel without an endpoint, or an endpoint
 *   on another channel), `NOTIFICATION_ENDPOINT_UNKNOWN`, `NOTIFICATION_CHANNEL_UNAVAILABLE`
 */
export async function sendTestNotification(ctx: NotificationsContext, channel: NotificationChannel, endpointId: string | null) {
  const subscriber = await callerSubscriber(ctx, 'write');
  const request = {
    orgId: subscriber.orgId,
    typeKey: TEST_TYPE,
    variables: { channel, requestedBy: ctx.principal.subject },
    channels: [channel],
  };
  if (endpointId !== null) {
    const endpoint = isUuid(endpointId)
      ? await ctx.prisma.notificationEndpoint.findFirst({ where: { id: endpointId, orgId: subscriber.orgId } })
      : null;
    if (!endpoint) throw err('NOTIFICATION_ENDPOINT_UNKNOWN', undefined, { endpointId });
    if (endpoint.channel !== channel)
      throw err('BAD_USER_INPUT', `The endpoint is on ${endpoint.channel}, not ${channel}.`, { field: 'channel' });
    const { notifications } = await acceptNotifications(ctx, { ...request, recipients: [] }, { endpointId });
    return notifications[0]!;
  }
  if (ENDPOINT_CHANNELS.includes(channel))
    throw err('BAD_USER_INPUT', `A test on ${channel} goes to an endpoint: endpointId is required.`, { field: 'endpointId' });
  const { notifications } = await acceptNotifications(ctx, {
    ...request,
    recipients: [{ kind: 'subscriber', subscriberId: subscriber.id }],
  });
  return notifications[0]!;
}

/** `sendNotification` and `sendTestNotification`. */
export const sendResolvers: Resolvers = {
  Mutation: {
    sendNotification: (_parent, { input }, ctx) => sendNotification(ctx, input),
    sendTestNotification: (_parent, { channel, endpointId }, ctx) => sendTestNotification(ctx, channel, endpointId ?? null),
  },
};

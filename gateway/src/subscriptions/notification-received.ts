import { GraphQLError, type GraphQLSchema } from 'graphql';
import { err, orgOf, type Principal } from '@dictamesh/runtime';
import type { NotificationHub, NotificationNotice } from './notification-hub';
import { SubscriberQueue } from './subscriber-queue';

/**
 * `notificationReceived` and its payload type, added to the subscription schema when the
 * supergraph's API schema has the notifications subgraph (its `NotificationPriority` comes from there).
 */
export const NOTIFICATION_RECEIVED_SDL = /* GraphQL */ `
  """
  An in-app notification as it is pushed live (the stored one is \`myNotification(id)\`).
  """
  type NotificationReceived {
    id: ID!
    "Notification type key, e.g. \`billing.invoice.finalized\`."
    type: String!
    priority: NotificationPriority!
    "Rendered in-app title and text."
    title: String!
    body: String!
    "The entity it is about, when there is one."
    entityUrn: String
    createdAt: DateTime!
  }

  extend type Subscription {
    """
    The caller's in-app notifications as they are stored: those of the caller's organisation
    whose subscriber is the caller (the principal's subject), nobody else's. Needs
    notifications:read (or write, admin), dictamesh:admin or dictamesh:platform; a caller without
    an organisation is in the single-tenant organisation "default". Errors: FORBIDDEN.
    """
    notificationReceived: NotificationReceived!
  }
`;

/** Scopes passing `notificationReceived` (the notifications subgraph's read access). */
export const NOTIFICATION_READ_SCOPES: readonly string[] = [
  'notifications:read',
  'notifications:write',
  'notifications:admin',
  'dictamesh:admin',
  'dictamesh:platform',
];

/** Whether the API schema carries the notifications subgraph's types. */
export function hasNotifications(apiSchema: GraphQLSchema): boolean {
  return Boolean(apiSchema.getType('NotificationPriority') && apiSchema.getQueryType()?.getFields().myNotifications);
}

/** What `notificationReceived` needs of the connection's context. */
export interface NotificationReceivedContext {
  notificationHub?: NotificationHub;
  principal: Principal;
  bufferLimit: number;
  disconnect(reason: string): void;
}

/**
 * The organisation whose notifications `principal` may receive (as the notifications subgraph's
 * `callerOrg(ctx, 'read')` decides it: its own, else `default`, the single-tenant organisation).
 * @throws GraphQLError `FORBIDDEN` without a read scope
 */
export function notificationRecipientOrg(principal: Principal): string {
  if (!NOTIFICATION_READ_SCOPES.some((scope) => principal.scopes.includes(scope)))
    throw err('FORBIDDEN', undefined, { scopes: NOTIFICATION_READ_SCOPES }).toGraphQLError();
  return orgOf(principal);
}

/**
 * Adds the resolvers of `notificationReceived` to a subscription schema that has the field: the
 * subscriber's connection listens on the {@link NotificationHub} for its own organisation and
 * subject, through a bounded buffer (a too-slow client is disconnected).
 */
export function installNotificationReceived(schema: GraphQLSchema): void {
  const field = schema.getSubscriptionType()?.getFields().notificationReceived;
  if (!field) return;
  field.subscribe = (_root, _args, context: NotificationReceivedContext) => {
    if (!context.notificationHub) throw new GraphQLError('notifications are not served by this gateway');
    const org = notificationRecipientOrg(context.principal);
    let stopListening = () => {};
    const queue = new SubscriberQueue<NotificationNotice>(
      context.bufferLimit,
      (buffered) => context.disconnect(`subscriber too slow: ${buffered} notifications buffered`),
      () => stopListening(),
    );
    stopListening = context.notificationHub.listen(org, context.principal.subject, (notice) => queue.push(notice));
    return queue;
  };
  field.resolve = (notice: NotificationNotice) => notice;
}

import type {
  Notification,
  NotificationDelivery,
  NotificationDeliveryAttempt,
  NotificationEndpoint,
  NotificationRule,
  NotificationSubscriber,
  NotificationSubscriberAddress,
  NotificationTemplate,
  NotificationType,
} from '@dictamesh/db';

/**
 * What the notifications resolvers pass around (the codegen mappers of codegen.yml): the Prisma
 * rows, plus what a connection carries.
 */
export type NotificationRecord = Notification;
export type DeliveryRecord = NotificationDelivery;
export type AttemptRecord = NotificationDeliveryAttempt;
export type TypeRecord = NotificationType;
export type TemplateRecord = NotificationTemplate;
export type SubscriberRecord = NotificationSubscriber;
export type AddressRecord = NotificationSubscriberAddress;
export type RuleRecord = NotificationRule;
/** An endpoint with how many signing secrets are in use. */
export type EndpointRecord = NotificationEndpoint & { activeSecrets: number };

/** A page of rows with Relay cursors. */
export interface Page<Row> {
  rows: Row[];
  /** Cursor of each row, same order. */
  cursors: string[];
  hasNextPage: boolean;
}

/** A page of the caller's notifications with its subscriber (for `unreadCount`). */
export type NotificationConnectionRecord = Page<Notification> & { subscriberId: string };
export type DeliveryConnectionRecord = Page<NotificationDelivery>;
export type SubscriberConnectionRecord = Page<NotificationSubscriber>;

/** `Organization` as referenced by the gateway. */
export interface OrganizationRecord {
  id: string;
}

/** `Entity` as referenced by the gateway. */
export interface EntityRecord {
  urn: string;
}

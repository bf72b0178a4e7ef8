/**
 * The notifications subgraph's events. JSON Schema:
 * `schemas/events/notification-in-app.v1.schema.json`.
 */

/** `dictamesh.notification.in_app`: an in-app notification stored for one subscriber (keyed by organisation). */
export interface NotificationInApp {
  org: string;
  notificationId: string;
  subscriberId: string;
  /** The principal subject the subscriber stands for; the gateway pushes only to that subject's connections in `org`. */
  subscriberExternalId: string;
  typeKey: string;
  priority: 'LOW' | 'NORMAL' | 'HIGH' | 'CRITICAL';
  title: string;
  body: string;
  entityUrn?: string | null;
  /** ISO-8601. */
  createdAt: string;
}

/**
 * @packageDocumentation
 * The notifications subgraph: notification types, versioned per-locale templates, subscribers,
 * preferences, quiet hours, digests and rules; delivery over email, SMS, push, Slack, signed
 * webhooks, PagerDuty and the in-app inbox through a durable queue in Postgres (pg-boss) that
 * loses nothing and sends nothing twice under one message id.
 */
export { createNotificationsService, type NotificationsService, type NotificationsServiceOptions } from './service';
export type { ChannelsConfig } from './channels/providers';
export { TRIGGER_TOPICS as NOTIFICATION_TRIGGER_TOPICS } from './triggers/consumers';
export type { ChannelProvider, OutgoingMessage, SendOutcome } from './channels/channel';

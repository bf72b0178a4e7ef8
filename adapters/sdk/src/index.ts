export type { WebhookAdapter, WebhookContext, ParsedWebhook, IgnoredWebhook } from './webhook-adapter';
export { publishChanges, type PublishedEvent } from './publish';
export { createWebhookServer, type WebhookServerOptions } from './webhook-server';

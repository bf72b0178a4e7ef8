export { createChatwootWebhookAdapter, type ChatwootWebhookOptions } from './webhooks/adapter';
export type { ChatwootRegistrations, ChatwootWebhookRegistration } from './webhooks/registrations';
export { chatwootUrn, chatwootEventSource, CHATWOOT_SOURCE, CHATWOOT_DOMAIN, type ChatwootEntityType } from './urn';
export { ChatwootApplicationClient, PAGE_SIZE } from './api/application-client';
export { ChatwootPlatformClient } from './api/platform-client';
export { ChatwootPublicClient } from './api/public-client';
export { ChatwootAdapter, CHATWOOT_RESOURCES } from './sync/chatwoot-adapter';
export { chatwootConfigSchema, type ChatwootConfig } from './config';
export { default as chatwootDefinition } from './definition';

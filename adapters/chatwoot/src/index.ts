export { createChatwootWebhookAdapter } from './webhooks/adapter';
export { chatwootUrn, chatwootEventSource, CHATWOOT_SOURCE, CHATWOOT_DOMAIN, type ChatwootEntityType } from './urn';

import type { AdapterDefinition } from '@dictamesh/adapter-sdk';
import { chatwootConfigSchema, type ChatwootConfig } from './config';
import { ChatwootAdapter } from './sync/chatwoot-adapter';
import { createChatwootWebhookAdapter } from './webhooks/adapter';
import { chatwootRegistrations } from './webhooks/from-registry';

/**
 * The `chatwoot` adapter kind, as the adapter runtime loads it: sync through the Chatwoot APIs,
 * and webhooks at `/webhooks/chatwoot/…` verified with each registration's own credentials.
 */
const chatwoot: AdapterDefinition<ChatwootConfig> = {
  kind: 'chatwoot',
  version: '0.2.0',
  description: 'Chatwoot support desk: contacts, conversations, messages, inboxes, teams, agents (sync + webhooks)',
  capabilities: ['read', 'stream', 'webhooks', 'pagination', 'search', 'batch'],
  configSchema: chatwootConfigSchema,
  secretFields: ['apiAccessToken', 'webhookSecret', 'webhookToken'],
  create: (id, config, context) => new ChatwootAdapter(id, config, context),
  webhooks: ({ registrations, requireVerification, development }) =>
    createChatwootWebhookAdapter({ registrations: chatwootRegistrations(registrations), requireVerification, development }),
};

export default chatwoot;

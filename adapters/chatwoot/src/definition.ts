import type { AdapterDefinition } from '@dictamesh/adapter-sdk';
import { chatwootConfigSchema, type ChatwootConfig } from './config';
import { ChatwootAdapter } from './sync/chatwoot-adapter';

/** The `chatwoot` adapter kind, as the adapter host loads it. */
const chatwoot: AdapterDefinition<ChatwootConfig> = {
  kind: 'chatwoot',
  version: '0.2.0',
  description: 'Chatwoot support desk: contacts, conversations, messages, inboxes, teams, agents (sync + webhooks)',
  capabilities: ['read', 'stream', 'webhooks', 'pagination', 'search', 'batch'],
  configSchema: chatwootConfigSchema,
  secretFields: ['apiAccessToken', 'webhookSecret', 'webhookToken'],
  create: (id, config, context) => new ChatwootAdapter(id, config, context),
};

export default chatwoot;

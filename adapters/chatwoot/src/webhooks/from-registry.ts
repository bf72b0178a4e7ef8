import type { WebhookRegistration, WebhookRegistrations } from '@dictamesh/adapter-sdk';
import type { ChatwootRegistrations, ChatwootWebhookRegistration } from './registrations';

/** A chatwoot registration's account and webhook credentials, read from its configuration (`ChatwootConfig`). */
function view({ id, org, config }: WebhookRegistration): ChatwootWebhookRegistration {
  return {
    id,
    org,
    accountId: Number(config.accountId),
    ...(typeof config.webhookSecret === 'string' ? { webhookSecret: config.webhookSecret } : {}),
    ...(typeof config.webhookToken === 'string' ? { webhookToken: config.webhookToken } : {}),
  };
}

/**
 * The registered chatwoot adapters as the webhook side needs them, read from the adapter
 * runtime's registry: by account (every organisation's, each with its own credentials) and by
 * adapter id.
 * @param registrations the runtime's registrations of kind `chatwoot`
 */
export function chatwootRegistrations(registrations: WebhookRegistrations): ChatwootRegistrations {
  return {
    byAccount: async (accountId) => (await registrations.where('accountId', accountId)).map(view),
    byId: async (id) => {
      const registration = await registrations.byId(id);
      return registration && view(registration);
    },
  };
}

import { z } from 'zod';

/**
 * zod shapes of Chatwoot 4.10 webhook bodies (fixtures/chatwoot/webhooks). They
 * check only what DictaMesh reads; unknown keys are kept (enterprise builds add keys), and
 * optional keys may be missing.
 */
const id = z.number().int().nonnegative();
const record = z.record(z.string(), z.unknown());
const account = z.looseObject({ id, name: z.string().nullish() });

/** A contact: `Contact#webhook_data` / `#push_event_data`. */
export const contactPayload = z.looseObject({
  id,
  name: z.string().nullish(),
  email: z.string().nullish(),
  phone_number: z.string().nullish(),
  identifier: z.string().nullish(),
  thumbnail: z.string().nullish(),
  blocked: z.boolean().nullish(),
  additional_attributes: record.nullish(),
  custom_attributes: record.nullish(),
  account: account.nullish(),
  type: z.string().nullish(),
});

/** An agent (`type: "user"`) or agent bot (`type: "agent_bot"`) as a sender or assignee. */
export const userPayload = z.looseObject({ id, name: z.string().nullish(), type: z.string().nullish() });

/** A message inside push data (`conversation.messages[]`): `message_type` is an integer. */
export const pushMessagePayload = z.looseObject({
  id,
  content: z.string().nullish(),
  account_id: id.nullish(),
  inbox_id: id.nullish(),
  conversation_id: id,
  message_type: z.number().int(),
  created_at: z.number().nullish(),
  updated_at: z.string().nullish(),
  private: z.boolean().nullish(),
  status: z.string().nullish(),
  sender_type: z.string().nullish(),
  sender_id: id.nullish(),
  sender: z.looseObject({ id, type: z.string().nullish() }).nullish(),
});

/** A conversation: `Conversations::EventDataPresenter#push_data` (id = per-account display id). */
export const conversationPayload = z.looseObject({
  id,
  inbox_id: id,
  status: z.string(),
  channel: z.string().nullish(),
  labels: z.array(z.string()).nullish(),
  messages: z.array(pushMessagePayload).nullish(),
  meta: z
    .looseObject({
      sender: contactPayload.nullish(),
      assignee: userPayload.nullish(),
      team: z.looseObject({ id, name: z.string().nullish() }).nullish(),
    })
    .nullish(),
  created_at: z.number().nullish(),
  updated_at: z.number().nullish(),
});

/** `message_created` / `message_updated`: `message_type` is a string here. */
export const messageWebhook = z.looseObject({
  id,
  content: z.string().nullish(),
  content_type: z.string().nullish(),
  message_type: z.string(),
  created_at: z.string().nullish(),
  private: z.boolean().nullish(),
  source_id: z.string().nullish(),
  account,
  inbox: z.looseObject({ id, name: z.string().nullish() }),
  conversation: conversationPayload,
  sender: contactPayload.nullish(),
});

/** `webwidget_triggered`: a contact inbox with its contact and current conversation. */
export const webwidgetWebhook = z.looseObject({
  id,
  contact: contactPayload,
  inbox: z.looseObject({ id, name: z.string().nullish() }),
  account,
  current_conversation: conversationPayload.nullish(),
  event_info: record.nullish(),
});

/** `inbox_created` / `inbox_updated`: inbox settings plus the raw channel row (no inbox id). */
export const inboxWebhook = z.looseObject({
  channel: z.looseObject({ id, account_id: id.nullish(), website_url: z.string().nullish() }),
  working_hours: z.array(z.looseObject({ inbox_id: id })).nullish(),
  created_at: z.string().nullish(),
  updated_at: z.string().nullish(),
});

export type ContactPayload = z.infer<typeof contactPayload>;
export type UserPayload = z.infer<typeof userPayload>;
export type PushMessagePayload = z.infer<typeof pushMessagePayload>;
export type ConversationPayload = z.infer<typeof conversationPayload>;
export type MessageWebhook = z.infer<typeof messageWebhook>;
export type WebwidgetWebhook = z.infer<typeof webwidgetWebhook>;
export type InboxWebhook = z.infer<typeof inboxWebhook>;

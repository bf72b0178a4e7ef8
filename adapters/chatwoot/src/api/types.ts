import type { ContactPayload, ConversationPayload } from '../model/payloads';

/** Chatwoot REST records (4.10; fixtures in fixtures/chatwoot/api). Unknown keys are kept. */
export type ChatwootRecord = Record<string, unknown> & { id: number };

/** `GET /accounts/{a}/contacts` body: 15 per page, `count` = total matches. */
export interface ContactList {
  meta: { count: number; current_page: number | string };
  payload: Array<ContactPayload & { created_at?: number; last_activity_at?: number; contact_inboxes?: unknown[] }>;
}

/** `GET /accounts/{a}/conversations` body: 25 per page, no page number or total pages. */
export interface ConversationList {
  data: { meta: Record<string, number>; payload: Array<ConversationPayload & Record<string, unknown>> };
}

/** A REST message: `message_type` is an integer, `created_at` Unix seconds. */
export interface RestMessage extends Record<string, unknown> {
  id: number;
  content: string | null;
  conversation_id: number;
  message_type: number;
  created_at: number;
  sender?: { id: number; type?: string | null } | null;
}

/** `GET /accounts/{a}/conversations/{display_id}/messages` body: 20 per page, oldest first. */
export interface MessageList {
  meta: Record<string, unknown>;
  payload: RestMessage[];
}

/** Conversation statuses the list and `toggle_status` accept. */
export type ConversationStatus = 'open' | 'resolved' | 'pending' | 'snoozed' | 'all';

/** One condition of Chatwoot's filter API (`POST .../filter`). */
export interface FilterCondition {
  attribute_key: string;
  filter_operator:
    'equal_to' | 'not_equal_to' | 'contains' | 'does_not_contain' | 'is_present' | 'is_not_present' | 'is_greater_than' | 'is_less_than';
  values: Array<string | number>;
  query_operator?: 'and' | 'or' | null;
}

import type { EntityChange, RelationshipRef } from '@dictamesh/events';
import { CHATWOOT_DOMAIN, CHATWOOT_SOURCE, chatwootUrn, type ChatwootEntityType } from '../urn';
import { latestIso, toIso } from '../time';
import type { ContactPayload, ConversationPayload, PushMessagePayload, UserPayload } from './payloads';
import { compact, withoutSecrets } from './sanitize';

/** Where and when the entities of one delivery come from. */
export interface EntityContext {
  accountId: number;
  /** Source time of the delivery's main record (ISO); used for embedded records too. */
  occurredAt: string;
}

/** Chatwoot's integer `message_type` (push data, REST) → the string the webhook top level uses. */
const MESSAGE_TYPES = ['incoming', 'outgoing', 'activity', 'template'] as const;

/** Schema version of the attributes this adapter writes, per entity type. */
const SCHEMA_VERSION = 'chatwoot-4.10/1';

/** An entity change of a Chatwoot record with the common fields filled in and secrets dropped. */
export function chatwootChange(
  ctx: EntityContext,
  type: ChatwootEntityType,
  id: number,
  fields: Pick<EntityChange, 'operation' | 'displayName' | 'attributes'> & Partial<EntityChange>,
): EntityChange {
  return {
    urn: chatwootUrn(ctx.accountId, type, id),
    source: CHATWOOT_SOURCE,
    entityType: type,
    sourceId: String(id),
    domain: CHATWOOT_DOMAIN,
    occurredAt: ctx.occurredAt,
    schemaVersion: SCHEMA_VERSION,
    relationships: [],
    ...fields,
    attributes: withoutSecrets(compact(fields.attributes)),
  };
}

/** A contact (full in `contact_*` events, partial when embedded as a sender). */
export function contactChange(
  ctx: EntityContext,
  c: ContactPayload,
  full: { operation: 'created' | 'updated'; changedAttributes?: string[] } | null,
): EntityChange {
  const attributes = {
    name: c.name ?? undefined,
    email: c.email ?? undefined,
    phone_number: c.phone_number ?? undefined,
    identifier: c.identifier ?? undefined,
    blocked: c.blocked ?? undefined,
    thumbnail: c.thumbnail || undefined,
    additional_attributes: c.additional_attributes ?? undefined,
    custom_attributes: c.custom_attributes ?? undefined,
  };
  const extra = c.additional_attributes ?? {};
  return chatwootChange(ctx, 'contact', c.id, {
    operation: full?.operation ?? 'updated',
    partial: full === null,
    displayName: c.name || c.email || c.phone_number || `Contact ${c.id}`,
    attributes: full ? attributes : compact(attributes),
    ...(full?.changedAttributes ? { changedAttributes: full.changedAttributes } : {}),
    searchText: [
      'contact',
      c.name,
      c.email,
      c.phone_number,
      c.identifier,
      ...['company_name', 'city', 'country', 'description'].map((k) => (typeof extra[k] === 'string' ? extra[k] : undefined)),
      ...Object.values(c.custom_attributes ?? {}).filter((v) => typeof v === 'string'),
    ]
      .filter(Boolean)
      .join(' '),
  });
}

/** An agent or agent bot (always partial: webhooks embed only a summary). */
export function userChange(ctx: EntityContext, u: UserPayload): EntityChange {
  const type: ChatwootEntityType = u.type === 'agent_bot' ? 'agent_bot' : 'agent';
  const { id: _id, type: _type, ...rest } = u;
  return chatwootChange(ctx, type, u.id, {
    operation: 'updated',
    partial: true,
    displayName: u.name ?? `${type} ${u.id}`,
    attributes: rest,
    searchText: [type === 'agent' ? 'agent' : 'agent bot', u.name].filter(Boolean).join(' '),
  });
}

/** An inbox known only by id (and name, where the payload has it). */
export function inboxRef(ctx: EntityContext, id: number, name?: string | null, channel?: string | null): EntityChange {
  return chatwootChange(ctx, 'inbox', id, {
    operation: 'updated',
    partial: true,
    displayName: name ?? null,
    attributes: { name: name ?? undefined, channel_type: channel ?? undefined },
    searchText: ['inbox', name, channel].filter(Boolean).join(' '),
  });
}

/** A team known by id and name. */
export function teamRef(ctx: EntityContext, team: { id: number; name?: string | null }): EntityChange {
  return chatwootChange(ctx, 'team', team.id, {
    operation: 'updated',
    partial: true,
    displayName: team.name ?? null,
    attributes: { name: team.name ?? undefined },
    searchText: ['team', team.name].filter(Boolean).join(' '),
  });
}

/** URN of a message or conversation sender, from `sender_type` / `sender.type`. */
export function senderUrn(accountId: number, kind: string | null | undefined, id: number): string {
  const k = (kind ?? 'contact').toLowerCase();
  const type: ChatwootEntityType = k === 'user' ? 'agent' : k === 'agent_bot' || k === 'agentbot' ? 'agent_bot' : 'contact';
  return chatwootUrn(accountId, type, id);
}

/**
 * A conversation with its relationships to contact, inbox, assignee and team. Drops the
 * embedded messages, contact inbox row (holds a live `pubsub_token`) and meta.
 */
export function conversationChange(
  ctx: EntityContext,
  c: ConversationPayload,
  full: { operation: 'created' | 'updated'; changedAttributes?: string[] } | null,
): EntityChange {
  const {
    messages: _m,
    meta,
    contact_inbox: _ci,
    id: _id,
    event: _e,
    changed_attributes: _ca,
    ...rest
  } = c as ConversationPayload & Record<string, unknown>;
  const raw = c as Record<string, unknown>;
  const relationships: RelationshipRef[] = [
    { type: 'IN_INBOX', toUrn: chatwootUrn(ctx.accountId, 'inbox', c.inbox_id), cardinality: 'MANY_TO_ONE' },
  ];
  if (meta?.sender)
    relationships.push({ type: 'WITH_CONTACT', toUrn: chatwootUrn(ctx.accountId, 'contact', meta.sender.id), cardinality: 'MANY_TO_ONE' });
  if (meta) {
    relationships.push({
      type: 'ASSIGNED_TO',
      toUrn: meta.assignee ? senderUrn(ctx.accountId, meta.assignee.type, meta.assignee.id) : null,
      cardinality: 'MANY_TO_ONE',
    });
    relationships.push({
      type: 'HANDLED_BY_TEAM',
      toUrn: meta.team ? chatwootUrn(ctx.accountId, 'team', meta.team.id) : null,
      cardinality: 'MANY_TO_ONE',
    });
  }
  const lastMessage = c.messages?.[0];
  const attributes: Record<string, unknown> = {
    ...rest,
    display_id: c.id,
    assignee_type: meta?.assignee_type ?? undefined,
    // Unix seconds (0 = unset) → ISO-8601 or null
    created_at: toIso(c.created_at),
    updated_at: toIso(c.updated_at),
    last_activity_at: toIso(raw.last_activity_at),
    agent_last_seen_at: toIso(raw.agent_last_seen_at),
    contact_last_seen_at: toIso(raw.contact_last_seen_at),
    waiting_since: toIso(raw.waiting_since),
    first_reply_created_at: toIso(raw.first_reply_created_at),
    timestamp: undefined,
  };
  return chatwootChange(ctx, 'conversation', c.id, {
    operation: full?.operation ?? 'updated',
    partial: full === null,
    displayName: `Conversation #${c.id}${meta?.sender?.name ? ` with ${meta.sender.name}` : ''}`,
    attributes,
    relationships,
    ...(full?.changedAttributes ? { changedAttributes: full.changedAttributes } : {}),
    searchText: [
      'conversation',
      c.status,
      ...(c.labels ?? []),
      meta?.sender?.name,
      meta?.team?.name,
      ...Object.values(raw.custom_attributes ?? {}).filter((v) => typeof v === 'string'),
      lastMessage?.content,
    ]
      .filter(Boolean)
      .join(' '),
  });
}

/** Message fields shared by the webhook top level and push data, normalised. */
export interface MessageFields {
  id: number;
  conversationId: number;
  /** Raw text (never the channel-rendered HTML of the webhook top level when the raw text is known). */
  content: string | null;
  messageType: string;
  createdAt: string | null;
  senderUrn: string | null;
  attributes: Record<string, unknown>;
}

/** Normalises a push-data message (`conversation.messages[]`). */
export function pushMessageFields(accountId: number, m: PushMessagePayload): MessageFields {
  const { sender: _s, conversation: _c, ...rest } = m as PushMessagePayload & { conversation?: unknown };
  const senderKind = m.sender?.type ?? m.sender_type;
  const senderId = m.sender?.id ?? m.sender_id;
  return {
    id: m.id,
    conversationId: m.conversation_id,
    content: m.content ?? null,
    messageType: MESSAGE_TYPES[m.message_type] ?? String(m.message_type),
    createdAt: toIso(m.created_at),
    senderUrn: senderId != null ? senderUrn(accountId, senderKind, senderId) : null,
    attributes: { ...rest, processed_message_content: undefined },
  };
}

/** A message with PART_OF → conversation and SENT_BY → sender. */
export function messageChange(ctx: EntityContext, m: MessageFields, full: { operation: 'created' | 'updated' } | null): EntityChange {
  const relationships: RelationshipRef[] = [
    { type: 'PART_OF', toUrn: chatwootUrn(ctx.accountId, 'conversation', m.conversationId), cardinality: 'MANY_TO_ONE' },
  ];
  if (m.senderUrn) relationships.push({ type: 'SENT_BY', toUrn: m.senderUrn, cardinality: 'MANY_TO_ONE' });
  const text = m.content ?? '';
  return chatwootChange(ctx, 'message', m.id, {
    operation: full?.operation ?? 'updated',
    partial: full === null,
    displayName: text.length > 80 ? `${text.slice(0, 79)}…` : text || `Message ${m.id}`,
    attributes: {
      ...m.attributes,
      content: m.content,
      message_type: m.messageType,
      created_at: m.createdAt,
      conversation_id: m.conversationId,
    },
    relationships,
    searchText: ['message', text].filter(Boolean).join(' '),
  });
}

/** The source time of a conversation payload: its `updated_at` (float seconds). */
export function conversationTime(c: ConversationPayload, fallback: string): string {
  return latestIso([toIso(c.updated_at), toIso((c as Record<string, unknown>).last_activity_at)], fallback);
}

import type { EntityChange } from '@dictamesh/events';
import type { z } from 'zod';
import { toIso } from '../time';
import { ChangeSet, operationOf } from './changes';
import {
  contactChange,
  conversationChange,
  conversationTime,
  inboxRef,
  messageChange,
  pushMessageFields,
  senderUrn,
  teamRef,
  userChange,
  type EntityContext,
} from '../model/entities';
import {
  contactPayload,
  conversationPayload,
  inboxWebhook,
  messageWebhook,
  webwidgetWebhook,
  type ConversationPayload,
} from '../model/payloads';
import { withoutSecrets } from '../model/sanitize';

/** How one Chatwoot webhook event is read. */
export interface EventHandler<S extends z.ZodType> {
  schema: S;
  /** Account named in the body, if any (conversation bodies carry it only on messages). */
  accountOf(payload: z.output<S>): number | undefined;
  /** Source time of the event (ISO), `receivedAt` when the body has none. */
  timeOf(payload: z.output<S>, receivedAt: string): string;
  toChanges(payload: z.output<S>, ctx: EntityContext, eventName: string): EntityChange[];
}

const define = <S extends z.ZodType>(handler: EventHandler<S>): EventHandler<S> => handler;

/** `changed_attributes: [{ field: { previous_value, current_value } }]` → field names. */
function changedNames(body: unknown): string[] | undefined {
  const list = (body as { changed_attributes?: unknown }).changed_attributes;
  if (!Array.isArray(list)) return undefined;
  return list.flatMap((entry) => (entry && typeof entry === 'object' ? Object.keys(entry) : []));
}

/** The conversation, its contact, assignee, team, inbox and newest message. */
function conversationGraph(
  set: ChangeSet,
  ctx: EntityContext,
  c: ConversationPayload,
  full: Parameters<typeof conversationChange>[2],
): void {
  set.add(conversationChange(ctx, c, full));
  set.add(inboxRef(ctx, c.inbox_id, undefined, c.channel));
  if (c.meta?.sender) set.add(contactChange(ctx, c.meta.sender, null));
  if (c.meta?.assignee) set.add(userChange(ctx, c.meta.assignee));
  if (c.meta?.team) set.add(teamRef(ctx, c.meta.team));
  const last = c.messages?.[0];
  if (last) {
    set.add(messageChange(ctx, pushMessageFields(ctx.accountId, last), null));
    if (last.sender && last.sender.type && last.sender.type !== 'contact') set.add(userChange(ctx, last.sender));
  }
}

const contactEvent = define({
  schema: contactPayload,
  accountOf: (p) => p.account?.id,
  timeOf: (p, receivedAt) => {
    // contact bodies have no timestamps; contact_updated's changed updated_at is the best source time
    const list = (p as { changed_attributes?: Array<Record<string, { current_value?: unknown }>> }).changed_attributes;
    const updated = Array.isArray(list) ? list.find((e) => e && 'updated_at' in e)?.updated_at?.current_value : undefined;
    return toIso(updated) ?? receivedAt;
  },
  toChanges: (p, ctx, eventName) => [
    contactChange(ctx, p, { operation: operationOf(eventName), ...(changedNames(p) ? { changedAttributes: changedNames(p)! } : {}) }),
  ],
});

const conversationEvent = define({
  schema: conversationPayload,
  accountOf: (p) => p.messages?.find((m) => m.account_id != null)?.account_id ?? undefined,
  timeOf: (p, receivedAt) => conversationTime(p, receivedAt),
  toChanges: (p, ctx, eventName) => {
    const set = new ChangeSet();
    const changed = changedNames(p);
    conversationGraph(set, ctx, p, { operation: operationOf(eventName), ...(changed ? { changedAttributes: changed } : {}) });
    return set.list();
  },
});

const messageEvent = define({
  schema: messageWebhook,
  accountOf: (p) => p.account.id,
  timeOf: (p, receivedAt) => {
    const push = p.conversation.messages?.find((m) => m.id === p.id);
    return toIso(push?.updated_at) ?? toIso(p.created_at) ?? receivedAt;
  },
  toChanges: (p, ctx, eventName) => {
    const set = new ChangeSet();
    const push = p.conversation.messages?.find((m) => m.id === p.id);
    const pushFields = push ? pushMessageFields(ctx.accountId, push) : undefined;
    const sender = p.sender ?? undefined;
    const { conversation: _c, sender: _s, account: _a, inbox, event: _e, ...rest } = p as typeof p & { event?: unknown };
    set.add(
      messageChange(
        ctx,
        {
          id: p.id,
          conversationId: p.conversation.id,
          // the top-level content is rendered for the channel (HTML for web widgets); push data has the raw text
          content: pushFields?.content ?? p.content ?? null,
          messageType: p.message_type,
          createdAt: toIso(p.created_at) ?? pushFields?.createdAt ?? null,
          senderUrn: sender ? senderUrn(ctx.accountId, sender.type ?? 'contact', sender.id) : (pushFields?.senderUrn ?? null),
          attributes: {
            ...rest,
            inbox_id: inbox.id,
            status: pushFields?.attributes.status,
            sender_type: pushFields?.attributes.sender_type,
          },
        },
        { operation: operationOf(eventName) },
      ),
    );
    conversationGraph(set, ctx, p.conversation, null);
    set.add(inboxRef(ctx, inbox.id, inbox.name, p.conversation.channel));
    if (sender) set.add(sender.type && sender.type !== 'contact' ? userChange(ctx, sender) : contactChange(ctx, sender, null));
    return set.list();
  },
});

const webwidgetEvent = define({
  schema: webwidgetWebhook,
  accountOf: (p) => p.account.id,
  timeOf: (_p, receivedAt) => receivedAt,
  toChanges: (p, ctx) => {
    const set = new ChangeSet();
    set.add(contactChange(ctx, p.contact, null));
    set.add(inboxRef(ctx, p.inbox.id, p.inbox.name));
    if (p.current_conversation) conversationGraph(set, ctx, p.current_conversation, null);
    return set.list();
  },
});

const inboxEvent = define({
  schema: inboxWebhook,
  accountOf: (p) => p.channel.account_id ?? undefined,
  timeOf: (p, receivedAt) => toIso(p.updated_at) ?? receivedAt,
  toChanges: (p, ctx, eventName) => {
    // The body has no inbox id (fixtures README §10); the working-hours rows carry it.
    const inboxId = p.working_hours?.[0]?.inbox_id;
    if (inboxId === undefined) return [];
    const { working_hours, channel, event: _e, ...settings } = p as typeof p & { event?: unknown };
    const change = inboxRef(ctx, inboxId, null, undefined);
    change.operation = operationOf(eventName);
    change.partial = true; // name and channel type are not in the body
    change.displayName = channel.website_url ?? null;
    change.attributes = withoutSecrets({
      ...settings,
      channel_id: channel.id,
      channel: channel,
      working_hours: (working_hours ?? []).map(
        ({ day_of_week, closed_all_day, open_all_day, open_hour, open_minutes, close_hour, close_minutes }) => ({
          day_of_week,
          closed_all_day,
          open_all_day,
          open_hour,
          open_minutes,
          close_hour,
          close_minutes,
        }),
      ),
    });
    change.searchText = ['inbox', channel.website_url].filter(Boolean).join(' ');
    return [change];
  },
});

/** Events DictaMesh ingests, by Chatwoot event name (Chatwoot 4.10 `app/models/webhook.rb`). */
export const EVENT_HANDLERS: Record<string, EventHandler<z.ZodType>> = {
  contact_created: contactEvent,
  contact_updated: contactEvent,
  conversation_created: conversationEvent,
  conversation_updated: conversationEvent,
  conversation_status_changed: conversationEvent,
  message_created: messageEvent,
  message_updated: messageEvent,
  webwidget_triggered: webwidgetEvent,
  inbox_created: inboxEvent,
  inbox_updated: inboxEvent,
} as Record<string, EventHandler<z.ZodType>>;

/** Events Chatwoot sends that carry no entity change. */
export const IGNORED_EVENTS: Record<string, string> = {
  conversation_typing_on: 'typing indicators are not entity changes',
  conversation_typing_off: 'typing indicators are not entity changes',
};

import { TOPICS, type BusRecord, type NotificationInApp } from '@dictamesh/events';
import { KeyedHub, type KeyedHubOptions } from './keyed-hub';

/** What a `notificationReceived` subscriber receives: the gateway's `NotificationReceived`, by field name. */
export interface NotificationNotice {
  id: string;
  /** Notification type key (`billing.invoice.finalized`). */
  type: string;
  priority: NotificationInApp['priority'];
  title: string;
  body: string;
  entityUrn: string | null;
  /** ISO-8601. */
  createdAt: string;
}

/** Options of {@link NotificationHub}. */
export type NotificationHubOptions = KeyedHubOptions;

/** Notification ids remembered so a redelivered event reaches a subscriber once (the bus delivers at least once). */
const DEDUPE_WINDOW = 10_000;

/** The listeners' key: one organisation's one subject. */
const recipientKey = (org: string, subject: string) => JSON.stringify([org, subject]);

/** The notice of one `dictamesh.notification.in_app` event. */
export function notificationNoticeOf(event: NotificationInApp): NotificationNotice {
  return {
    id: event.notificationId,
    type: event.typeKey,
    priority: event.priority,
    title: event.title,
    body: event.body,
    entityUrn: event.entityUrn ?? null,
    createdAt: event.createdAt,
  };
}

/**
 * Fans in-app notifications (`dictamesh.notification.in_app`) out to `notificationReceived`
 * subscribers: one bus consumer per gateway instance (its own group, new records only) pushes
 * each notification to the connections of exactly one recipient — the event's organisation
 * (`org`, which must agree with the CloudEvent's `orgid` when that is set) and subject
 * (`subscriberExternalId`) — and to nobody else. Pushing never waits on a subscriber; slow ones
 * are cut off by their own bounded buffers.
 */
export class NotificationHub extends KeyedHub<NotificationNotice> {
  private readonly seen = new Set<string>();

  constructor(options: NotificationHubOptions) {
    super(options, TOPICS.notificationInApp, 'dictamesh-gateway-notifications');
  }

  /**
   * Registers a connection of subject `subject` in organisation `org`: it receives the in-app
   * notifications of that subscriber only. Returns its removal.
   */
  listen(org: string, subject: string, push: (notice: NotificationNotice) => void): () => void {
    return this.register(recipientKey(org, subject), push);
  }

  protected dispatch(record: BusRecord): void {
    const { log } = this.options;
    const where = { topic: record.topic, offset: record.offset, type: record.event.type };
    // the bus checked the data of this type against its JSON Schema when the record reached this process
    if (record.event.type !== TOPICS.notificationInApp) {
      log.warn(where, 'not an in-app notification; not delivered');
      return;
    }
    const event = record.event.data as NotificationInApp;
    const orgid = record.event.orgid;
    if (typeof orgid === 'string' && orgid !== event.org) {
      log.warn({ ...where, orgid }, 'in-app notification whose CloudEvent organisation differs from its own; not delivered');
      return;
    }
    if (this.seen.has(event.notificationId)) return;
    this.seen.add(event.notificationId);
    if (this.seen.size > DEDUPE_WINDOW) this.seen.delete(this.seen.values().next().value!);
    const set = this.listenersOf(recipientKey(event.org, event.subscriberExternalId));
    if (!set) return;
    const notice = notificationNoticeOf(event);
    for (const push of set) push(notice);
  }
}

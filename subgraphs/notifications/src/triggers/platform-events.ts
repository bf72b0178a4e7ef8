import { TOPICS, type AdapterEvent, type BusRecord } from '@dictamesh/events';
import type { NotificationsServices } from '../context';
import { deadLetterOrg, eventOrg } from './event-org';
import { tellOrganisation } from './notify';
import { adapterNotice, deadLetterNotice } from './platform';

/** One record of the platform group: a dead letter or an adapter event. */
async function notifyRecord(services: NotificationsServices, record: BusRecord): Promise<number> {
  if (record.topic === TOPICS.dlq) {
    const notice = deadLetterNotice(record);
    if (!notice) {
      services.log.debug({ partition: record.partition, offset: record.offset }, 'DLQ record without dead-letter headers: skipped');
      return 0;
    }
    const orgId = deadLetterOrg(record, notice.originalTopic);
    if (!orgId) {
      services.log.debug({ topic: notice.originalTopic, key: record.key }, 'dead letter of no known organisation: skipped');
      return 0;
    }
    const { typeKey, variables, eventId } = notice;
    return tellOrganisation(services, { orgId, typeKey, variables, source: { eventId, type: TOPICS.dlq } });
  }
  const notice = adapterNotice(record.event.data as AdapterEvent);
  if (!notice) return 0;
  return tellOrganisation(services, {
    orgId: eventOrg(record.event),
    ...notice,
    source: { eventId: record.event.id, type: record.event.type },
  });
}

/**
 * The write of the `dictamesh-notifications-platform` group: an adapter's `health.changed`
 * reporting it unhealthy (or FAILED) → `adapter.unhealthy`, its `sync.failed` →
 * `adapter.sync_failed` (the adapter runtime's organisation, CloudEvent `orgid`); a DLQ record →
 * `dlq.dead_letter` from its `dlq-*` headers, for the organisation of the original record when it
 * is known (else skipped with a debug log). Each tells the organisation's subscribed subscribers
 * and endpoints. DLQ records are never thrown back to the DLQ: what cannot be told is skipped.
 * @returns how many notification requests were accepted
 */
export async function notifyPlatformEvents(services: NotificationsServices, records: readonly BusRecord[]): Promise<number> {
  let accepted = 0;
  for (const record of records) accepted += await notifyRecord(services, record);
  return accepted;
}

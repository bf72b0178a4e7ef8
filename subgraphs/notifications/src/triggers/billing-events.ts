import type { BusRecord } from '@dictamesh/events';
import { DictaMeshError } from '@dictamesh/runtime';
import type { NotificationsServices } from '../context';
import { billingNotice, type BillingNotice } from './billing';
import { eventOrg } from './event-org';
import { tellOrganisation } from './notify';

/**
 * The write of the `dictamesh-notifications-billing` group: each billing event (in order) tells,
 * in the organisation its data names (`org`), the billing email it carries (an EMAIL address recipient), the organisation's subscribed
 * subscribers and its endpoints that take the type, on the type's channels, the CloudEvent id as
 * the dedupe key. An event whose amounts cannot be formatted is skipped with a warning.
 * @returns how many notification requests were accepted
 */
export async function notifyBillingEvents(services: NotificationsServices, records: readonly BusRecord[]): Promise<number> {
  let accepted = 0;
  for (const record of records) {
    // billing events name their organisation in the data (and in `orgid`)
    const orgId = (record.event.data as { org?: unknown }).org;
    if (typeof orgId !== 'string' || orgId === '') {
      services.log.warn(
        { eventId: record.event.id, type: record.event.type, orgid: eventOrg(record.event) },
        'billing event skipped: it names no organisation',
      );
      continue;
    }
    let notice: BillingNotice | null;
    try {
      notice = billingNotice(record.event.type, record.event.data);
    } catch (error) {
      if (!(error instanceof DictaMeshError)) throw error;
      services.log.warn(
        { org: orgId, eventId: record.event.id, type: record.event.type, err: error },
        'billing event skipped: its data cannot be told',
      );
      continue;
    }
    if (!notice) continue;
    accepted += await tellOrganisation(services, {
      orgId,
      typeKey: notice.typeKey,
      variables: notice.variables,
      source: { eventId: record.event.id, type: record.event.type },
      addresses: notice.billingEmail ? [{ kind: 'address', channel: 'EMAIL', address: notice.billingEmail }] : [],
    });
  }
  return accepted;
}

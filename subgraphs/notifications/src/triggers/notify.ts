import { DictaMeshError } from '@dictamesh/runtime';
import type { NotificationsServices } from '../context';
import { acceptNotifications } from '../send/accept';
import type { NotificationRequest, Recipient } from '../send/request';
import { findType } from '../types/types';
import { audienceRequests, platformAudience } from './audience';

/**
 * Accepts one request of a trigger. Input that can never succeed (a DictaMeshError that is not
 * retryable: an unknown type or template, variables a template refuses, an unavailable channel)
 * is logged as a warning and skipped, so one bad event never blocks its partition; any other
 * error (the database) is thrown, so the bus retries the batch (accepting is idempotent: the
 * event id is the dedupe key).
 * @returns whether it was accepted
 */
export async function acceptTriggered(services: NotificationsServices, request: NotificationRequest): Promise<boolean> {
  try {
    await acceptNotifications(services, request);
    return true;
  } catch (error) {
    if (!(error instanceof DictaMeshError) || error.retryable) throw error;
    services.log.warn(
      {
        org: request.orgId,
        type: request.typeKey,
        eventId: request.source?.eventId,
        ruleId: request.ruleId,
        code: error.code,
        details: error.details,
      },
      'notification trigger: event skipped (it can never be accepted)',
    );
    return false;
  }
}

/** A platform event to tell an organisation (billing, adapter health, a dead letter). */
export interface OrganisationNotice {
  orgId: string;
  typeKey: string;
  variables: Record<string, unknown>;
  /** The dedupe key: the CloudEvent id (or the dead letter's), and the event type. */
  source: { eventId: string; type: string };
  /** Direct addresses besides the subscribers (the billing email). */
  addresses?: Extract<Recipient, { kind: 'address' }>[];
}

/**
 * Tells an organisation of a platform event: its subscribed subscribers, the given addresses and
 * its endpoints that take the type, on the type's channels ({@link platformAudience}), in
 * requests of at most `limits.maxRecipients` recipients. A type the organisation lacks is logged
 * and skipped.
 * @returns how many requests were accepted
 */
export async function tellOrganisation(services: NotificationsServices, notice: OrganisationNotice): Promise<number> {
  const { orgId, typeKey, variables, source } = notice;
  const type = await findType(services.prisma, orgId, typeKey);
  if (!type) {
    services.log.warn(
      { org: orgId, type: typeKey, eventId: source.eventId },
      'notification trigger: event skipped, its notification type is missing',
    );
    return 0;
  }
  const audience = await platformAudience(services, orgId, type, notice.addresses ?? []);
  let accepted = 0;
  for (const request of audienceRequests(audience, { orgId, typeKey, variables, source }, services.limits.maxRecipients)) {
    if (await acceptTriggered(services, request)) accepted += 1;
  }
  return accepted;
}

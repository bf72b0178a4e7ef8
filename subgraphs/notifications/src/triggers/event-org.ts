import type { CloudEvent } from 'cloudevents';
import { BILLING_TOPICS, TOPICS } from '@dictamesh/events';
import { DEFAULT_ORG } from '@dictamesh/runtime';

/** Topics whose records are keyed by organisation (their key is the organisation id). */
const KEYED_BY_ORG: ReadonlySet<string> = new Set<string>([
  ...BILLING_TOPICS,
  TOPICS.operationUsage,
  TOPICS.storageUsage,
  TOPICS.notificationInApp,
]);

/** The CloudEvent extension `orgid`, when it is a non-empty string. */
function extensionOrg(event: CloudEvent<unknown> | undefined): string | undefined {
  const org = (event as { orgid?: unknown } | undefined)?.orgid;
  return typeof org === 'string' && org !== '' ? org : undefined;
}

/**
 * Organisation of an event as the catalog and billing read it: the CloudEvent extension `orgid`,
 * else the default organisation (single-tenant producers set none).
 */
export function eventOrg(event: CloudEvent<unknown>): string {
  return extensionOrg(event) ?? DEFAULT_ORG;
}

/**
 * Organisation of a dead-lettered record, when it can be known: the original event's `orgid`;
 * else the record key when the original topic is keyed by organisation (billing, usage, in-app
 * notifications); else the event data's `org`. Entity changes and adapter events without an
 * `orgid` are keyed by URN or adapter id, which name no organisation: undefined.
 * @param originalTopic the `dlq-original-topic` header
 */
export function deadLetterOrg(
  record: { key: string; event: CloudEvent<unknown> | undefined },
  originalTopic: string | undefined,
): string | undefined {
  const fromExtension = extensionOrg(record.event);
  if (fromExtension) return fromExtension;
  if (originalTopic && KEYED_BY_ORG.has(originalTopic) && record.key !== '') return record.key;
  const data = record.event?.data as { org?: unknown } | undefined;
  return typeof data?.org === 'string' && data.org !== '' ? data.org : undefined;
}

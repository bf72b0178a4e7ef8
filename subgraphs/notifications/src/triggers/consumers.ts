import type { ConsumerSpec } from '@dictamesh/subgraph-kit';
import type { NotificationsServices } from '../context';

/** SCAFFOLD (issue 15, helper "triggers"): the consumer groups that turn events into notifications. */
export function notificationTriggers(_services: NotificationsServices): Record<string, ConsumerSpec> {
  return {};
}

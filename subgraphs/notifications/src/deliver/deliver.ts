import type { NotificationsServices } from '../context';

/** SCAFFOLD (issue 15, helper "queue"): runs one attempt of a delivery. */
export async function deliver(_services: NotificationsServices, _deliveryId: string, _notBefore?: Date): Promise<void> {
  throw new Error('deliver: not implemented yet');
}

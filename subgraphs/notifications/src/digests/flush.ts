import type { NotificationsServices } from '../context';

/** SCAFFOLD (issue 15, helper "send"): closes one digest window and queues the digest. */
export async function flushDigest(_services: NotificationsServices, _digestId: string): Promise<void> {
  throw new Error('flushDigest: not implemented yet');
}

import type { Notification } from '@dictamesh/db';
import type { NotificationsServices } from '../context';
import type { NotificationRequest } from './request';

/** SCAFFOLD (issue 15, helper "send"): validates, stores and queues notifications. */
export async function acceptNotifications(_services: NotificationsServices, _request: NotificationRequest): Promise<Notification[]> {
  throw new Error('acceptNotifications: not implemented yet');
}

import type { NotificationsServices } from '../context';
import type { EndpointTarget } from '../channels/channel';

/** SCAFFOLD (issue 15, helper "channels"): an endpoint with its secrets opened (newest first, expired ones left out). */
export async function loadEndpointTarget(_services: NotificationsServices, _endpointId: string): Promise<EndpointTarget> {
  throw new Error('loadEndpointTarget: not implemented yet');
}

import { err } from '@dictamesh/runtime';
import type { EndpointTarget } from '../channels/channel';
import type { NotificationsServices } from '../context';
import { openSecret } from './secrets';
import { activeSecretFilter } from './store';

/**
 * An endpoint with its secrets opened, newest first, expired ones left out: WEBHOOK its URL and
 * signing secrets; SLACK the opened incoming-webhook URL; PAGERDUTY its Events API URL and
 * routing key. For the delivery worker: no organisation check (the delivery names the endpoint).
 * @throws DictaMeshError `NOTIFICATION_ENDPOINT_UNKNOWN`; `SECRET_UNDECRYPTABLE` (from the sealer)
 */
export async function loadEndpointTarget(
  services: Pick<NotificationsServices, 'prisma' | 'now' | 'secrets'>,
  endpointId: string,
): Promise<EndpointTarget> {
  const endpoint = await services.prisma.notificationEndpoint.findUnique({
    where: { id: endpointId },
    include: { secrets: { where: activeSecretFilter(services.now()), orderBy: [{ createdAt: 'desc' }, { id: 'asc' }] } },
  });
  if (!endpoint) throw err('NOTIFICATION_ENDPOINT_UNKNOWN', undefined, { id: endpointId });
  const secrets = await Promise.all(endpoint.secrets.map((row) => openSecret(services.secrets, row)));
  if (endpoint.channel === 'SLACK') return { id: endpoint.id, channel: endpoint.channel, url: secrets[0] ?? endpoint.url, secrets: [] };
  return { id: endpoint.id, channel: endpoint.channel, url: endpoint.url, secrets };
}

import { createClient, NetworkError } from 'graphql-sse';
import { CliFailure } from '../../shell/failure';
import type { GatewayConnection } from '../../shell/gateway';
import type { SyncProgressMessage } from './sync-view';

const SUBSCRIPTION = /* GraphQL */ `
  subscription AdapterSyncProgress($id: ID!) {
    adapterSyncProgress(id: $id) {
      adapterId
      syncId
      mode
      phase
      resource
      pages
      entities
      entitiesTotal
      entitiesPerSecond
      etaSeconds
      durationMs
      error
    }
  }
`;

/** The gateway's graphql-sse endpoint: `/stream` under its GraphQL endpoint (`…/graphql/stream`). */
export function streamUrl(gateway: string): string {
  return `${gateway.replace(/\/+$/, '')}/stream`;
}

/** A GraphQL error as the failure the CLI prints (its code, the message, its other extensions). */
function failureOf(error: { message: string; extensions?: Record<string, unknown> }): CliFailure {
  const { code, stacktrace: _stack, serviceName: _service, ...details } = error.extensions ?? {};
  return new CliFailure(typeof code === 'string' ? code : 'GRAPHQL_ERROR', error.message, details);
}

/**
 * Follows `adapterSyncProgress(id)` on the gateway over graphql-sse (Server-Sent Events) with the
 * caller's credentials: yields each message until the gateway completes the subscription (after
 * the run ended). Stopping the iteration unsubscribes.
 * @throws CliFailure with the subscription's error code (`NOT_FOUND`, `UNAUTHORIZED`, …);
 *   `GATEWAY_UNREACHABLE` when the gateway does not answer, `GATEWAY_ERROR` for an answer without GraphQL
 */
export async function* followSyncProgress(connection: GatewayConnection, id: string): AsyncGenerator<SyncProgressMessage> {
  const headers: Record<string, string> = {};
  if (connection.apiKey) headers['x-api-key'] = connection.apiKey;
  if (connection.token) headers.authorization = `Bearer ${connection.token}`;
  const url = streamUrl(connection.gateway);
  const client = createClient({ url, headers, retryAttempts: 0 });
  try {
    for await (const result of client.iterate<{ adapterSyncProgress: SyncProgressMessage }>({ query: SUBSCRIPTION, variables: { id } })) {
      const [error] = result.errors ?? [];
      if (error) throw failureOf(error as { message: string; extensions?: Record<string, unknown> });
      if (result.data?.adapterSyncProgress) yield result.data.adapterSyncProgress;
    }
  } catch (error) {
    if (error instanceof CliFailure) throw error;
    throw await networkFailure(url, error);
  } finally {
    client.dispose();
  }
}

/** What a transport failure means to the user: the gateway's own GraphQL refusal when it sent one, else where it failed. */
async function networkFailure(url: string, error: unknown): Promise<CliFailure> {
  const response = error instanceof NetworkError ? (error.response as Response | undefined) : undefined;
  if (response) {
    const text = await response.text().catch(() => '');
    try {
      const first = (JSON.parse(text) as { errors?: Array<{ message: string; extensions?: Record<string, unknown> }> }).errors?.[0];
      if (first) return failureOf(first);
    } catch {
      // not GraphQL: reported below
    }
    return new CliFailure('GATEWAY_ERROR', `${url} answered HTTP ${response.status} without GraphQL: ${text.slice(0, 200)}`);
  }
  const cause = (error as Error & { cause?: Error }).cause?.message ?? (error as Error).message ?? String(error);
  return new CliFailure('GATEWAY_UNREACHABLE', `${url}: ${cause}`);
}

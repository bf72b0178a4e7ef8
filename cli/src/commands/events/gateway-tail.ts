import { createClient, NetworkError } from 'graphql-sse';
import { ENTITY_TOPICS } from '@dictamesh/events';
import { CliFailure, usage } from '../../shell/failure';
import { credentialHeaders, type GatewayConnection } from '../../shell/gateway';

/** Options of {@link tailGatewayEvents}. */
export interface GatewayTailOptions {
  connection: GatewayConnection;
  /** Only these CloudEvent types (`dictamesh.entity.created|updated|deleted`). */
  types?: string[];
  /** Only changes whose URN starts with this. */
  subjectPrefix?: string;
  /** Stop after this many printed events. */
  max?: number;
  /** Stop after this many seconds. */
  timeoutSeconds?: number;
  /** Where each event goes (one JSON object per call). */
  write: (line: string) => void;
  /** Resolves to stop early (Ctrl-C). */
  signal?: Promise<void>;
}

/** `EntityChanged` as the tail selects it. */
interface EntityChanged {
  eventId: string;
  operation: 'CREATED' | 'UPDATED' | 'DELETED';
  urn: string;
  type: string;
  source: string;
  occurredAt: string;
  changedAttributes: string[] | null;
  entity: { displayName: string | null; attributes: Record<string, unknown> } | null;
}

const SUBSCRIPTION = `subscription Tail($filter: EntityChangeFilter) {
  entityChanged(filter: $filter) { eventId operation urn type source occurredAt changedAttributes entity { displayName attributes } }
}`;

/** The graphql-sse endpoint of a gateway: `<gateway GraphQL URL>/stream` (`/graphql/stream`). */
export function streamUrl(gateway: string): string {
  const url = new URL(gateway);
  url.pathname = `${url.pathname.replace(/\/$/, '')}/stream`;
  return url.toString();
}

/**
 * The `operations` of the `entityChanged` filter for CloudEvent types.
 * @throws CliFailure `USAGE` for a type that is not an entity change type (the gateway streams entity changes only)
 */
export function operationsOf(types: readonly string[]): string[] {
  return types.map((type) => {
    if (!(ENTITY_TOPICS as readonly string[]).includes(type)) {
      throw usage(`through the gateway only entity changes stream: --type must be one of ${ENTITY_TOPICS.join(', ')}`);
    }
    return type.split('.').pop()!.toUpperCase();
  });
}

/**
 * A change as the Kafka tail prints a record: `topic`, `key`, and `event` with the CloudEvent's
 * attributes (`id`, `type`, `subject`, `time`) and data (`urn`, `source`, `entityType`,
 * `operation`, `occurredAt`, `changedAttributes`, and the entity's `displayName` / `attributes`
 * as the catalog holds them after the change); `via: "gateway"` tells them apart.
 */
export function changeLine(change: EntityChanged): string {
  const operation = change.operation.toLowerCase();
  const type = `dictamesh.entity.${operation}`;
  return JSON.stringify({
    via: 'gateway',
    topic: type,
    key: change.urn,
    event: {
      specversion: '1.0',
      id: change.eventId,
      type,
      subject: change.urn,
      time: change.occurredAt,
      data: {
        urn: change.urn,
        source: change.source,
        entityType: change.type,
        operation,
        occurredAt: change.occurredAt,
        ...(change.changedAttributes ? { changedAttributes: change.changedAttributes } : {}),
        ...(change.entity ? { displayName: change.entity.displayName, attributes: change.entity.attributes } : {}),
      },
    },
  });
}

/** The failure of a refused or broken stream: the gateway's error code when it sent one. */
async function streamFailure(error: unknown, url: string): Promise<CliFailure> {
  if (error instanceof NetworkError && error.response) {
    const response = error.response as Response;
    const body = (await response.json().catch(() => null)) as {
      errors?: Array<{ message: string; extensions?: { code?: string } }>;
    } | null;
    const first = body?.errors?.[0];
    if (first) return new CliFailure(first.extensions?.code ?? 'GRAPHQL_ERROR', first.message);
    return new CliFailure('GATEWAY_ERROR', `${url} answered HTTP ${response.status} ${response.statusText}`);
  }
  if (Array.isArray(error) && error.length > 0) {
    const first = error[0] as { message?: string; extensions?: { code?: string } };
    return new CliFailure(first.extensions?.code ?? 'GRAPHQL_ERROR', first.message ?? 'subscription refused');
  }
  const cause = (error as Error & { cause?: Error }).cause?.message ?? (error as Error).message;
  return new CliFailure('GATEWAY_UNREACHABLE', `${url}: ${cause}`);
}

/**
 * The event inspector on the bus of a running DictaMesh, whichever it is (in-process or
 * Kafka): subscribes to the gateway's `entityChanged` over graphql-sse (`/graphql/stream`) with
 * the caller's credentials (it receives its organisation's changes, once the catalog applied
 * them), filters by type (server-side) and URN prefix, and writes one JSON line per change
 * ({@link changeLine}). Stops after `max` events, `timeoutSeconds`, or `signal`.
 * @returns the number of events written
 * @throws CliFailure the gateway's refusal (`UNAUTHENTICATED`, `FORBIDDEN`, …),
 *   `GATEWAY_UNREACHABLE`, `GATEWAY_ERROR`; `USAGE` for a type that is not an entity change type
 */
export async function tailGatewayEvents(options: GatewayTailOptions): Promise<number> {
  const url = streamUrl(options.connection.gateway);
  const operations = options.types?.length ? operationsOf(options.types) : null;
  const client = createClient({ url, headers: credentialHeaders(options.connection), retryAttempts: 0 });
  let written = 0;
  return new Promise<number>((resolve, reject) => {
    let finished = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (failure?: CliFailure) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      dispose();
      client.dispose();
      if (failure) reject(failure);
      else resolve(written);
    };
    const dispose = client.subscribe<{ entityChanged: EntityChanged }>(
      { query: SUBSCRIPTION, variables: { filter: operations ? { operations } : null } },
      {
        next: (result) => {
          if (result.errors?.length) return void streamFailure(result.errors, url).then(finish);
          const change = result.data?.entityChanged;
          if (!change || finished) return;
          if (options.subjectPrefix && !change.urn.startsWith(options.subjectPrefix)) return;
          options.write(changeLine(change));
          written += 1;
          if (options.max !== undefined && written >= options.max) finish();
        },
        error: (error) => void streamFailure(error, url).then(finish),
        complete: () => finish(),
      },
    );
    if (options.timeoutSeconds) timer = setTimeout(() => finish(), options.timeoutSeconds * 1000);
    void options.signal?.then(() => finish());
  });
}

import type { FlagSnapshot } from './flag-set';

/** Where and as whom the provider reads flags. */
export interface GatewayTarget {
  /** The gateway's GraphQL endpoint (`http://host:4000/graphql`). */
  url: string;
  /** Request headers: `authorization: Bearer …` or the API key header. */
  headers: Record<string, string>;
  environment?: string;
  service?: string;
  component?: string;
  fetch: typeof fetch;
}

const FLAGS_QUERY = /* GraphQL */ `
  query DictaMeshFeatureFlags($environment: String, $service: String, $component: String) {
    featureFlags(environment: $environment, service: $service, component: $component) {
      key
      definition
      version
      revision
      source {
        path
      }
    }
  }
`;

const REVISION_QUERY = /* GraphQL */ `
  query DictaMeshConfigRevision {
    configChanges {
      revision
    }
  }
`;

/** The subscription the provider follows: every change of the organisation's configuration log after a revision. */
export const CHANGES_SUBSCRIPTION = /* GraphQL */ `
  subscription DictaMeshFlagChanges($scope: ConfigScopeInput, $afterRevision: ID) {
    configChanged(scope: $scope, prefix: "", afterRevision: $afterRevision) {
      revision
      type
      key
      kind
    }
  }
`;

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/**
 * POSTs one GraphQL operation.
 * @throws Error on an HTTP failure or GraphQL errors (message and codes of the first errors)
 */
export async function post<T>(target: GatewayTarget, query: string, variables: Record<string, unknown>): Promise<T> {
  const response = await target.fetch(target.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...target.headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json().catch(() => ({}))) as GraphQLResponse<T>;
  if (body.errors?.length || !body.data) {
    const detail = body.errors?.map((e) => `${e.extensions?.code ?? 'ERROR'}: ${e.message}`).join('; ') ?? `HTTP ${response.status}`;
    throw new Error(`DictaMesh config request failed: ${detail}`);
  }
  return body.data;
}

/** The scope variables of the target (undefined members left out). */
export function scopeVariables(target: Pick<GatewayTarget, 'environment' | 'service' | 'component'>): Record<string, string> {
  return Object.fromEntries(
    Object.entries({ environment: target.environment, service: target.service, component: target.component }).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== '',
    ),
  );
}

/**
 * The flags in effect at the target's scope, with the configuration log's revision read BEFORE
 * them (a change between the two reads is then replayed by the subscription, never missed).
 * The revision is null when the config service does not answer `configChanges`.
 * @throws Error when `featureFlags` fails
 */
export async function fetchFlags(target: GatewayTarget): Promise<{ flags: FlagSnapshot[]; revision: string | null }> {
  const revision = await post<{ configChanges: { revision: string } }>(target, REVISION_QUERY, {}).then(
    (data) => data.configChanges.revision,
    () => null,
  );
  const data = await post<{
    featureFlags: { key: string; definition: unknown; version: number; revision: string; source: { path: string } }[];
  }>(target, FLAGS_QUERY, scopeVariables(target));
  return {
    flags: data.featureFlags.map((f) => ({
      key: f.key,
      definition: f.definition,
      version: f.version,
      revision: f.revision,
      source: f.source.path,
    })),
    revision,
  };
}

const REGISTER = /* GraphQL */ `
  mutation DictaMeshRegisterWatcher($input: RegisterConfigWatcherInput!) {
    registerConfigWatcher(input: $input) {
      id
    }
  }
`;
const HEARTBEAT = /* GraphQL */ `
  mutation DictaMeshWatcherHeartbeat($id: ID!, $revision: ID) {
    heartbeatConfigWatcher(id: $id, revision: $revision) {
      id
    }
  }
`;
const UNREGISTER = /* GraphQL */ `
  mutation DictaMeshUnregisterWatcher($id: ID!) {
    unregisterConfigWatcher(id: $id)
  }
`;

/**
 * Registers the provider as a watcher of the target's scope (listed by `configWatchers` while it
 * heartbeats within `ttlSeconds`).
 * @returns the watcher id
 * @throws Error when the gateway refuses or lacks the mutation
 */
export async function registerWatcher(target: GatewayTarget, name: string, instance: string, ttlSeconds: number): Promise<string> {
  const scope = scopeVariables(target);
  const data = await post<{ registerConfigWatcher: { id: string } }>(target, REGISTER, {
    input: { name, instance, prefix: '', ttlSeconds, ...(Object.keys(scope).length ? { scope } : {}) },
  });
  return data.registerConfigWatcher.id;
}

/**
 * Reports the watcher alive, having applied the log up to `revision`.
 * @throws Error when the gateway refuses (e.g. the watcher was purged)
 */
export async function heartbeatWatcher(target: GatewayTarget, id: string, revision: string | null): Promise<void> {
  await post(target, HEARTBEAT, { id, revision });
}

/**
 * Removes the watcher.
 * @throws Error when the gateway refuses
 */
export async function unregisterWatcher(target: GatewayTarget, id: string): Promise<void> {
  await post(target, UNREGISTER, { id });
}

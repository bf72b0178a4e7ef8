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
async function post<T>(target: GatewayTarget, query: string, variables: Record<string, unknown>): Promise<T> {
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

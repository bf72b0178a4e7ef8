import { Option, type Command } from 'commander';
import { DEFAULT_GATEWAY_URL, type GatewayConnection } from './client';

/** The scope flags of a `dictamesh config` command. */
export interface ScopeOptions {
  platform?: boolean;
  env?: string;
  service?: string;
  component?: string;
}

/** The connection flags of a `dictamesh config` command. */
export interface ConnectionOptions {
  gateway: string;
  apiKey?: string;
  token?: string;
}

/** `ConfigScopeInput` of the config SDL. */
export interface ScopeInput {
  platform?: boolean;
  environment?: string;
  service?: string;
  component?: string;
}

/** `ConfigScope` of the config SDL, as the commands select it. */
export interface ScopeRecord {
  level: 'PLATFORM' | 'ORGANIZATION' | 'ENVIRONMENT' | 'SERVICE' | 'COMPONENT';
  organizationId: string | null;
  environment: string | null;
  service: string | null;
  component: string | null;
  /** `platform`, `org:acme`, `org:acme/production/gateway`. */
  path: string;
}

/** The GraphQL selection of a {@link ScopeRecord}. */
export const SCOPE_FIELDS = 'scope { level organizationId environment service component path }';

/** Adds `--platform --env --service --component` (where an entry lives; default: the caller's organisation). */
export function withScopeOptions(command: Command): Command {
  return command
    .option('--platform', 'the platform scope above organisations (needs dictamesh:platform)')
    .option('--env <environment>', 'environment, e.g. production')
    .option('--service <service>', 'service under the environment, e.g. gateway')
    .option('--component <component>', 'component under the service');
}

/** Adds `--gateway`, `--api-key`, `--token` (with their environment variables). */
export function withConnectionOptions(command: Command): Command {
  return command
    .addOption(new Option('--gateway <url>', 'GraphQL endpoint of the gateway').env('DICTAMESH_GATEWAY_URL').default(DEFAULT_GATEWAY_URL))
    .addOption(new Option('--api-key <key>', 'API key (dmk_…), sent as X-API-Key').env('DICTAMESH_API_KEY'))
    .addOption(new Option('--token <jwt>', 'JWT, sent as Authorization: Bearer').env('DICTAMESH_TOKEN'));
}

/** The `ConfigScopeInput` of the scope flags (empty names left out). */
export function scopeInputOf(options: ScopeOptions): ScopeInput {
  return {
    ...(options.platform ? { platform: true } : {}),
    ...(options.env ? { environment: options.env } : {}),
    ...(options.service ? { service: options.service } : {}),
    ...(options.component ? { component: options.component } : {}),
  };
}

/** The connection of the connection flags. */
export function connectionOf(options: ConnectionOptions): GatewayConnection {
  return { gateway: options.gateway, apiKey: options.apiKey, token: options.token };
}

/** A stored scope as a document's `scope` (the organisation is the caller's, so it is left out). */
export function scopeInputOfRecord(scope: ScopeRecord): ScopeInput {
  return scopeInputOf({
    platform: scope.organizationId === null,
    env: scope.environment ?? '',
    service: scope.service ?? '',
    component: scope.component ?? '',
  });
}

/** A scope input for people: `platform/production`, `org/production/gateway`, `org`. */
export function scopeLabel(scope: ScopeInput): string {
  return [scope.platform ? 'platform' : 'org', scope.environment, scope.service, scope.component].filter(Boolean).join('/');
}

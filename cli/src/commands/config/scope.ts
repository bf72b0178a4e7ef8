import type { Command } from 'commander';

/** The scope flags of a `dictamesh config` command. */
export interface ScopeOptions {
  platform?: boolean;
  env?: string;
  service?: string;
  component?: string;
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

/** The `ConfigScopeInput` of the scope flags (empty names left out). */
export function scopeInputOf(options: ScopeOptions): ScopeInput {
  return {
    ...(options.platform ? { platform: true } : {}),
    ...(options.env ? { environment: options.env } : {}),
    ...(options.service ? { service: options.service } : {}),
    ...(options.component ? { component: options.component } : {}),
  };
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

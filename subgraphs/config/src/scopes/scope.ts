import type { ConfigScopeRef } from '@dictamesh/events';
import { err } from '@dictamesh/runtime';
import type { SubgraphContext } from '@dictamesh/subgraph-kit';
import { isPlatformOperator, PLATFORM_SCOPE } from '../graphql/access';

/** `ConfigScopeInput` of the SDL. */
export interface ScopeInput {
  platform?: boolean | null;
  environment?: string | null;
  service?: string | null;
  component?: string | null;
}

/** A level of the hierarchy, least specific first. */
export type ConfigLevel = 'PLATFORM' | 'ORGANIZATION' | 'ENVIRONMENT' | 'SERVICE' | 'COMPONENT';

/** Environment, service and component names. */
const NAME = /^[a-z0-9][a-z0-9._-]{0,99}$/;

/** Dotted keys: segments of letters, digits, `_` and `-`. */
const KEY = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

/**
 * The stored scope of an input, for the caller: its own organisation, or the platform for the
 * platform operator.
 * @throws DictaMeshError `CONFIG_SCOPE_INVALID` (a component without a service, a service without
 *   an environment, a bad name); `FORBIDDEN` when a caller other than the platform operator names
 *   the platform scope
 */
export function scopeOf(ctx: Pick<SubgraphContext, 'principal' | 'org'>, input: ScopeInput | null | undefined): ConfigScopeRef {
  const platform = input?.platform === true;
  if (platform && !isPlatformOperator(ctx))
    throw err('FORBIDDEN', 'Only the platform operator (dictamesh:platform) reads or writes the platform scope.', {
      scope: PLATFORM_SCOPE,
    });
  const environment = input?.environment ?? '';
  const service = input?.service ?? '';
  const component = input?.component ?? '';
  for (const [field, value] of [
    ['environment', environment],
    ['service', service],
    ['component', component],
  ] as const) {
    if (value !== '' && !NAME.test(value)) throw err('CONFIG_SCOPE_INVALID', undefined, { field, value: value.slice(0, 120) });
  }
  if ((service && !environment) || (component && !service))
    throw err('CONFIG_SCOPE_INVALID', 'A component needs a service, and a service needs an environment.', {
      field: component && !service ? 'service' : 'environment',
    });
  return { orgId: platform ? null : ctx.org, environment, service, component };
}

/**
 * Checks a key.
 * @throws DictaMeshError `CONFIG_KEY_INVALID`
 */
export function assertKey(key: string): string {
  if (key.length > 200 || !KEY.test(key)) throw err('CONFIG_KEY_INVALID', undefined, { key: key.slice(0, 120) });
  return key;
}

/** The level of a scope. */
export function levelOf(scope: ConfigScopeRef): ConfigLevel {
  if (scope.component) return 'COMPONENT';
  if (scope.service) return 'SERVICE';
  if (scope.environment) return 'ENVIRONMENT';
  return scope.orgId === null ? 'PLATFORM' : 'ORGANIZATION';
}

/** `platform`, `org:acme`, `org:acme/production/gateway`, `platform/production/gateway/rate-limit`. */
export function pathOf(scope: ConfigScopeRef): string {
  return [scope.orgId === null ? 'platform' : `org:${scope.orgId}`, scope.environment, scope.service, scope.component]
    .filter(Boolean)
    .join('/');
}

/**
 * The scopes a value at `scope` inherits from, least specific first, ending with `scope`
 * itself: the platform's levels (platform, its environment, service, component), then — for an
 * organisation scope — the organisation's. Resolution walks it and the last value wins.
 */
export function chainOf(scope: ConfigScopeRef): ConfigScopeRef[] {
  const levels = (orgId: string | null): ConfigScopeRef[] => {
    const out: ConfigScopeRef[] = [{ orgId, environment: '', service: '', component: '' }];
    if (scope.environment) out.push({ orgId, environment: scope.environment, service: '', component: '' });
    if (scope.service) out.push({ orgId, environment: scope.environment, service: scope.service, component: '' });
    if (scope.component) out.push({ orgId, environment: scope.environment, service: scope.service, component: scope.component });
    return out;
  };
  return scope.orgId === null ? levels(null) : [...levels(null), ...levels(scope.orgId)];
}

/** Whether two scopes are the same. */
export function sameScope(a: ConfigScopeRef, b: ConfigScopeRef): boolean {
  return a.orgId === b.orgId && a.environment === b.environment && a.service === b.service && a.component === b.component;
}

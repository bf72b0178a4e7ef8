/**
 * The config subgraph's change events (`dictamesh.config.changed`, JSON Schema
 * `schemas/events/config-changed.v1.schema.json`) and the one rule of which changes a watch
 * sees, shared by the config subgraph (history) and the gateway (live), so both agree.
 */

/** Where a configuration entry lives: an organisation (or the platform, `orgId` null), then optionally an environment, a service, a component (`''` = not narrowed). */
export interface ConfigScopeRef {
  orgId: string | null;
  environment: string;
  service: string;
  component: string;
}

/** `dictamesh.config.changed`: one committed change of one entry. */
export interface ConfigChanged {
  /** Global revision (decimal string of a 64-bit integer), increasing in commit order. */
  revision: string;
  operation: 'SET' | 'DELETE' | 'ROLLBACK' | 'SCHEMA';
  kind: 'VALUE' | 'SECRET' | 'FLAG';
  key: string;
  scope: ConfigScopeRef;
  /** The entry's version after the change. */
  version: number;
  hasValue?: boolean;
  /** The new value; null for secrets (`redacted`) and deletes. */
  value?: unknown;
  redacted: boolean;
  rollbackOf?: number | null;
  author: string;
  reason?: string | null;
  requestId?: string | null;
  /** ISO-8601. */
  occurredAt: string;
}

/**
 * What a watcher follows: changes that can alter what it resolves. `platform` watches see
 * platform changes only; organisation watches see their organisation's and the platform's
 * (platform values are inherited). Each of `environment`, `service`, `component` the watch
 * names must equal the change's, or the change's is `''` (a less specific scope it inherits
 * from); a field the watch leaves out matches any. `prefix` matches the start of the key.
 */
export interface ConfigWatch {
  /** The watcher's organisation; null with `platform`. */
  orgId: string | null;
  platform: boolean;
  environment?: string | null;
  service?: string | null;
  component?: string | null;
  prefix?: string | null;
}

/** Does a change reach a watch? See {@link ConfigWatch} for the rule. */
export function configChangeMatches(watch: ConfigWatch, change: Pick<ConfigChanged, 'scope' | 'key'>): boolean {
  const { scope } = change;
  if (watch.platform ? scope.orgId !== null : scope.orgId !== null && scope.orgId !== watch.orgId) return false;
  const narrow = (wanted: string | null | undefined, actual: string) => !wanted || actual === '' || actual === wanted;
  return (
    narrow(watch.environment, scope.environment) &&
    narrow(watch.service, scope.service) &&
    narrow(watch.component, scope.component) &&
    (!watch.prefix || change.key.startsWith(watch.prefix))
  );
}

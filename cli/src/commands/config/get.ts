import { gatewayRequest, connectionOf, type ConnectionOptions } from '../../shell/gateway';
import { CliFailure, type ExitCode } from '../../shell/failure';
import type { CliIo } from '../../shell/io';
import { scopeInputOf, type ScopeOptions } from './scope';

/** Options of `dictamesh config get`. */
export interface GetOptions extends ScopeOptions, ConnectionOptions {
  json?: boolean;
  reveal?: boolean;
}

/** `ResolvedConfigValue` as `get` selects it. */
export interface ResolvedValue {
  key: string;
  kind: string;
  value: unknown;
  redacted: boolean;
  version: number;
  revision: string;
  source: { level: string; path: string };
  overrides: Array<{ version: number; value: unknown; redacted: boolean; scope: { path: string } }>;
}

/** `ResolvedConfig` as `get` selects it. */
export interface ResolvedConfig {
  organizationId: string | null;
  environment: string | null;
  service: string | null;
  component: string | null;
  revision: string;
  values: ResolvedValue[];
}

const RESOLVED = `query ResolvedConfig($environment: String, $service: String, $component: String, $prefix: String, $platform: Boolean, $reveal: Boolean) {
  resolvedConfig(environment: $environment, service: $service, component: $component, prefix: $prefix, platform: $platform, revealSecrets: $reveal) {
    organizationId environment service component revision
    values { key kind value redacted version revision source { level path } overrides { version value redacted scope { path } } }
  }
}`;

/**
 * `dictamesh config get [key]`: the resolved configuration at the scope (the platform's, the
 * organisation's and each narrower level's values, the most specific winning), one line per key:
 * `<key> = <value JSON>  (<source path> v<version>)`, secrets as `<secret>` unless `--reveal`
 * (needs `config:secrets:read`); `--json` prints the resolved configuration as JSON. With a key,
 * that key only.
 * @returns 0; 1 when the key has no value at the scope (`CONFIG_KEY_UNKNOWN`)
 * @throws CliFailure the gateway's error
 */
export async function getCommand(key: string | undefined, options: GetOptions, io: CliIo): Promise<ExitCode> {
  const scope = scopeInputOf(options);
  const { resolvedConfig } = await gatewayRequest<{ resolvedConfig: ResolvedConfig }>(connectionOf(options), RESOLVED, {
    environment: scope.environment ?? null,
    service: scope.service ?? null,
    component: scope.component ?? null,
    prefix: key ?? null,
    platform: scope.platform ?? false,
    reveal: options.reveal ?? false,
  });
  const values = key === undefined ? resolvedConfig.values : resolvedConfig.values.filter((v) => v.key === key);
  if (key !== undefined && values.length === 0) throw new CliFailure('CONFIG_KEY_UNKNOWN', `${key} has no value at this scope or above`);
  if (options.json) {
    io.out(`${JSON.stringify({ ...resolvedConfig, values }, null, 2)}\n`);
    return 0;
  }
  for (const v of values) io.out(`${v.key} = ${valueText(v.value, v.redacted)}  (${v.source.path} v${v.version})\n`);
  if (key === undefined) io.out(`# ${values.length} values at revision ${resolvedConfig.revision}\n`);
  return 0;
}

/** A value on one line: JSON, or `<secret>` when withheld. */
export function valueText(value: unknown, redacted: boolean): string {
  return redacted ? '<secret>' : JSON.stringify(value);
}

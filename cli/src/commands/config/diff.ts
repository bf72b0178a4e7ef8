import { gatewayRequest, connectionOf, type ConnectionOptions } from '../../shell/gateway';
import type { ExitCode } from '../../shell/failure';
import type { CliIo } from '../../shell/io';
import { SCOPE_FIELDS, scopeInputOf, type ScopeOptions, type ScopeRecord } from './scope';

/** Options of `dictamesh config diff`. */
export interface DiffOptions extends ScopeOptions, ConnectionOptions {
  json?: boolean;
}

/** `ConfigDiff` of the config SDL. */
export interface ConfigDiff {
  key: string;
  scope: ScopeRecord;
  fromVersion: number;
  toVersion: number;
  operations: Array<{ op: string; path: string; from: string | null; value: unknown }>;
  secretChanged: boolean;
  schemaChanged: boolean;
  kindChanged: boolean;
}

const DIFF = `query ConfigDiff($scope: ConfigScopeInput!, $key: String!, $from: Int!, $to: Int!) {
  configDiff(scope: $scope, key: $key, fromVersion: $from, toVersion: $to) {
    key ${SCOPE_FIELDS} fromVersion toVersion operations { op path from value } secretChanged schemaChanged kindChanged
  }
}`;

/**
 * The lines of a diff: a header `--- <key> <path> v<from> → v<to>`, one JSON Patch (RFC 6902)
 * operation a line as JSON (`{"op":"replace","path":"/requests","value":200}`), then
 * `# secret changed`, `# schema changed`, `# kind changed` as they apply.
 */
export function diffLines(diff: ConfigDiff): string[] {
  const lines = [`--- ${diff.key} ${diff.scope.path} v${diff.fromVersion} → v${diff.toVersion}`];
  for (const { op, path, from, value } of diff.operations) {
    lines.push(JSON.stringify({ op, path, ...(from !== null ? { from } : {}), ...(op === 'remove' || op === 'move' ? {} : { value }) }));
  }
  if (diff.secretChanged) lines.push('# secret changed');
  if (diff.schemaChanged) lines.push('# schema changed');
  if (diff.kindChanged) lines.push('# kind changed');
  return lines;
}

/**
 * `dictamesh config diff <key> <from> <to>`: what changed between two versions of an entry, as
 * {@link diffLines} (`--json`: the diff as JSON).
 * @throws CliFailure the gateway's error (`CONFIG_VERSION_UNKNOWN`, …)
 */
export async function diffCommand(key: string, from: number, to: number, options: DiffOptions, io: CliIo): Promise<ExitCode> {
  const { configDiff } = await gatewayRequest<{ configDiff: ConfigDiff }>(connectionOf(options), DIFF, {
    scope: scopeInputOf(options),
    key,
    from,
    to,
  });
  io.out(options.json ? `${JSON.stringify(configDiff, null, 2)}\n` : `${diffLines(configDiff).join('\n')}\n`);
  return 0;
}

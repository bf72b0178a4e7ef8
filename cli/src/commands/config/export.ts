import { gatewayRequest, connectionOf, type ConnectionOptions } from '../../shell/gateway';
import { printConfigDocument, REDACTED_SECRET, type ConfigKind, type DocumentEntry, type DocumentFormat } from './document';
import type { ExitCode } from '../../shell/failure';
import type { CliIo } from '../../shell/io';
import { SCOPE_FIELDS, scopeInputOf, scopeInputOfRecord, type ScopeOptions, type ScopeRecord } from './scope';

/** Options of `dictamesh config export`. */
export interface ExportOptions extends ScopeOptions, ConnectionOptions {
  format: DocumentFormat;
  prefix?: string;
}

/** `ConfigEntry` as export selects it. */
interface ExportedEntry {
  key: string;
  kind: ConfigKind;
  hasValue: boolean;
  value: unknown;
  redacted: boolean;
  jsonSchema: unknown;
  description: string | null;
  scope: ScopeRecord;
}

const ENTRIES = `query ExportConfig($scope: ConfigScopeInput!, $prefix: String) {
  configEntries(scope: $scope, prefix: $prefix, below: true) {
    key kind hasValue value redacted jsonSchema description ${SCOPE_FIELDS}
  }
}`;

const LEVELS = ['PLATFORM', 'ORGANIZATION', 'ENVIRONMENT', 'SERVICE', 'COMPONENT'];

/**
 * A stored entry as a document entry: scope (without the organisation), key, kind, value (a
 * secret's as {@link REDACTED_SECRET}, none when the entry has no value), jsonSchema and
 * description when set.
 */
export function documentEntryOf(entry: ExportedEntry): DocumentEntry {
  return {
    scope: scopeInputOfRecord(entry.scope),
    key: entry.key,
    kind: entry.kind,
    ...(entry.hasValue ? { value: entry.kind === 'SECRET' ? { ...REDACTED_SECRET } : entry.value } : {}),
    ...(entry.jsonSchema !== null && entry.jsonSchema !== undefined ? { jsonSchema: entry.jsonSchema } : {}),
    ...(entry.description ? { description: entry.description } : {}),
  };
}

/**
 * `dictamesh config export`: every entry at the scope and below it (`--prefix`: keys under it),
 * less specific scopes first, then by scope path and key, as a configuration document in YAML
 * (default) or JSON on standard output. Secret values are never exported.
 * @throws CliFailure the gateway's error
 */
export async function exportCommand(options: ExportOptions, io: CliIo): Promise<ExitCode> {
  const { configEntries } = await gatewayRequest<{ configEntries: ExportedEntry[] }>(connectionOf(options), ENTRIES, {
    scope: scopeInputOf(options),
    prefix: options.prefix ?? null,
  });
  const sorted = [...configEntries].sort(
    (a, b) =>
      LEVELS.indexOf(a.scope.level) - LEVELS.indexOf(b.scope.level) ||
      a.scope.path.localeCompare(b.scope.path) ||
      a.key.localeCompare(b.key),
  );
  io.out(printConfigDocument({ entries: sorted.map(documentEntryOf) }, options.format));
  return 0;
}

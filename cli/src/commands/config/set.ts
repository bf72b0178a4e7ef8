import { gatewayRequest, connectionOf, type ConnectionOptions } from '../../shell/gateway';
import { parseJsonArgument, type ExitCode } from '../../shell/failure';
import type { CliIo } from '../../shell/io';
import { readSchemaFile } from './schema-file';
import { SCOPE_FIELDS, scopeInputOf, type ScopeOptions, type ScopeRecord } from './scope';

/** Options of `dictamesh config set`. */
export interface SetOptions extends ScopeOptions, ConnectionOptions {
  secret?: boolean;
  schema?: string;
  expectedVersion?: number;
  reason?: string;
  description?: string;
}

/** `ConfigEntry` as the write commands select it. */
export interface WrittenEntry {
  key: string;
  kind: string;
  version: number;
  revision: string;
  scope: ScopeRecord;
}

/** The GraphQL selection of a {@link WrittenEntry}. */
export const WRITTEN_FIELDS = `key kind version revision ${SCOPE_FIELDS}`;

const SET = `mutation SetConfig($input: SetConfigInput!) { setConfig(input: $input) { ${WRITTEN_FIELDS} } }`;

/**
 * `dictamesh config set <key> <value-json>`: sets a value at the scope (`--secret`: stored
 * encrypted as a SECRET; `--schema <file>`: the key's JSON Schema in the same version;
 * `--expected-version n`: compare-and-set, 0 = must not exist yet). Prints
 * `set <key> at <path>: version <n> (revision <r>)`.
 * @throws CliFailure `USAGE` (value not JSON, schema file unreadable); the gateway's error
 *   (`CONFIG_VALIDATION_FAILED` with its violations, `CONFIG_VERSION_CONFLICT`, …)
 */
export async function setCommand(key: string, valueJson: string, options: SetOptions, io: CliIo): Promise<ExitCode> {
  const value = parseJsonArgument('<value-json>', valueJson);
  const input = {
    scope: scopeInputOf(options),
    key,
    value,
    ...(options.secret ? { kind: 'SECRET' } : {}),
    ...(options.schema !== undefined ? { jsonSchema: readSchemaFile(options.schema, io) } : {}),
    ...(options.expectedVersion !== undefined ? { expectedVersion: options.expectedVersion } : {}),
    ...(options.reason !== undefined ? { reason: options.reason } : {}),
    ...(options.description !== undefined ? { description: options.description } : {}),
  };
  const { setConfig } = await gatewayRequest<{ setConfig: WrittenEntry }>(connectionOf(options), SET, { input });
  io.out(`set ${setConfig.key} at ${setConfig.scope.path}: version ${setConfig.version} (revision ${setConfig.revision})\n`);
  return 0;
}

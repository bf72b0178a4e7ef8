import { gatewayRequest, type GatewayConnection, connectionOf, type ConnectionOptions } from '../../shell/gateway';
import { isRedactedSecret, parseConfigDocument } from './document';
import { CliFailure, parseJsonArgument, usage, type ExitCode } from '../../shell/failure';
import { readUserFile, type CliIo } from '../../shell/io';
import { violationLine, type Violation } from '../../shell/print';
import { readSchemaFile } from './schema-file';
import { scopeInputOf, scopeLabel, type ScopeInput, type ScopeOptions } from './scope';

/** Options of `dictamesh config validate`. */
export interface ValidateOptions extends ScopeOptions, ConnectionOptions {
  file?: string;
  schema?: string;
}

const VALIDATE = `query ValidateConfig($input: ValidateConfigInput!) {
  validateConfig(input: $input) { valid violations { pointer keyword message } }
}`;

/** Errors that stop `validate --file` at once instead of being reported against one entry. */
const FATAL = new Set(['USAGE', 'GATEWAY_UNREACHABLE', 'GATEWAY_ERROR', 'UNAUTHENTICATED', 'UNAUTHORIZED']);

async function violationsOf(
  connection: GatewayConnection,
  input: { scope: ScopeInput; key: string; value: unknown; jsonSchema?: unknown },
): Promise<Violation[]> {
  const { validateConfig } = await gatewayRequest<{ validateConfig: { valid: boolean; violations: Violation[] } }>(connection, VALIDATE, {
    input,
  });
  return validateConfig.violations;
}

/**
 * `dictamesh config validate <key> <value-json>` checks one value against the key's schema at
 * the scope (or `--schema <file>`); `validate --file <config.yaml>` checks every entry of a
 * configuration document against its own `jsonSchema` when it has one, else the key's (secrets
 * redacted by an export and entries without a value are skipped). Nothing is written. Prints
 * `OK` / `INVALID` per entry with its violations by JSON pointer.
 * @returns 0 when everything is valid, 1 when a value breaks its schema or an entry is refused
 * @throws CliFailure `USAGE` (neither a key and value nor `--file`, both, a value that is
 *   not JSON); `CONFIG_IMPORT_INVALID` (a document of the wrong shape); the gateway's error
 */
export async function validateCommand(
  key: string | undefined,
  valueJson: string | undefined,
  options: ValidateOptions,
  io: CliIo,
): Promise<ExitCode> {
  const connection = connectionOf(options);
  if (options.file !== undefined) {
    if (key !== undefined) throw usage('give <key> <value-json> or --file, not both');
    return validateFile(options.file, connection, io);
  }
  if (key === undefined || valueJson === undefined) throw usage('give <key> <value-json>, or --file <config.yaml>');
  const value = parseJsonArgument('<value-json>', valueJson);
  const scope = scopeInputOf(options);
  const violations = await violationsOf(connection, {
    scope,
    key,
    value,
    ...(options.schema !== undefined ? { jsonSchema: readSchemaFile(options.schema, io) } : {}),
  });
  return printResult({ key, scope }, violations, io) ? 0 : 1;
}

async function validateFile(file: string, connection: GatewayConnection, io: CliIo): Promise<ExitCode> {
  const text = readUserFile(file, io);
  const { entries } = parseConfigDocument(text, file);
  let valid = 0;
  let invalid = 0;
  for (const entry of entries) {
    if (!('value' in entry) || isRedactedSecret(entry)) {
      io.out(`SKIP     ${entry.key}  ${scopeLabel(entry.scope)}  (${isRedactedSecret(entry) ? 'secret redacted' : 'no value'})\n`);
      continue;
    }
    let result: Violation[] | CliFailure;
    try {
      const input = { scope: entry.scope, key: entry.key, value: entry.value };
      result = await violationsOf(connection, 'jsonSchema' in entry ? { ...input, jsonSchema: entry.jsonSchema } : input);
    } catch (error) {
      if (!(error instanceof CliFailure) || FATAL.has(error.code)) throw error;
      result = error;
    }
    if (printResult(entry, result, io)) valid += 1;
    else invalid += 1;
  }
  io.out(`# ${entries.length} entries: ${valid} valid, ${invalid} invalid, ${entries.length - valid - invalid} skipped\n`);
  return invalid > 0 ? 1 : 0;
}

/** Prints `OK` or `INVALID` (with the violations or the refusal's code) for one entry; true when valid. */
function printResult(entry: { key: string; scope: ScopeInput }, result: Violation[] | CliFailure, io: CliIo): boolean {
  const where = `${entry.key}  ${scopeLabel(entry.scope)}`;
  if (result instanceof CliFailure) io.out(`INVALID  ${where}  ${result.code}: ${result.message}\n`);
  else if (result.length === 0) io.out(`OK       ${where}\n`);
  else io.out(`INVALID  ${where}  CONFIG_VALIDATION_FAILED\n${result.map((v) => `${violationLine(v)}\n`).join('')}`);
  return !(result instanceof CliFailure) && result.length === 0;
}

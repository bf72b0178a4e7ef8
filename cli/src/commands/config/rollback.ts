import { gatewayRequest, connectionOf, type ConnectionOptions } from '../../shell/gateway';
import type { ExitCode } from '../../shell/failure';
import type { CliIo } from '../../shell/io';
import { scopeInputOf, type ScopeOptions } from './scope';
import { WRITTEN_FIELDS, type WrittenEntry } from './set';

/** Options of `dictamesh config rollback`. */
export interface RollbackOptions extends ScopeOptions, ConnectionOptions {
  expectedVersion?: number;
  reason?: string;
}

const ROLLBACK = `mutation RollbackConfig($input: RollbackConfigInput!) { rollbackConfig(input: $input) { ${WRITTEN_FIELDS} } }`;

/**
 * `dictamesh config rollback <key> <version>`: restores an earlier version's value (and kind and
 * schema) as a new version. Prints `rolled back <key> at <path> to version <v>: version <n> (revision <r>)`.
 * @throws CliFailure the gateway's error (`CONFIG_VERSION_UNKNOWN`, `CONFIG_VALIDATION_FAILED`, `CONFIG_VERSION_CONFLICT`)
 */
export async function rollbackCommand(key: string, toVersion: number, options: RollbackOptions, io: CliIo): Promise<ExitCode> {
  const input = {
    scope: scopeInputOf(options),
    key,
    toVersion,
    ...(options.expectedVersion !== undefined ? { expectedVersion: options.expectedVersion } : {}),
    ...(options.reason !== undefined ? { reason: options.reason } : {}),
  };
  const { rollbackConfig } = await gatewayRequest<{ rollbackConfig: WrittenEntry }>(connectionOf(options), ROLLBACK, { input });
  io.out(
    `rolled back ${rollbackConfig.key} at ${rollbackConfig.scope.path} to version ${toVersion}: version ${rollbackConfig.version} (revision ${rollbackConfig.revision})\n`,
  );
  return 0;
}

import { createApiKeyStore } from '@dictamesh/db';
import { stackEnvOf, withDatabase, type Environment } from '../../shell/database';
import { CliFailure, type ExitCode } from '../../shell/failure';
import type { CliIo } from '../../shell/io';

/**
 * `dictamesh apikey revoke <id>`: revokes a key directly in the database; gateways refuse it once
 * their cached copy expires (`API_KEY_CACHE_MS`). Revoking a revoked key changes nothing.
 * @returns 0
 * @throws CliFailure `API_KEY_UNKNOWN`, `DATA_DIR_IN_USE`, `DATABASE_UNREACHABLE`
 */
export async function revokeCommand(id: string, io: CliIo, environment: Environment): Promise<ExitCode> {
  const env = stackEnvOf(environment);
  const revoked = await withDatabase(env, false, (db) => createApiKeyStore(db).revoke(id));
  if (!revoked) throw new CliFailure('API_KEY_UNKNOWN', `no API key has the id ${JSON.stringify(id.slice(0, 64))}`);
  io.out(
    `revoked API key ${revoked.id} of ${revoked.org} (${revoked.revokedAt!.toISOString()}); gateways refuse it within API_KEY_CACHE_MS\n`,
  );
  return 0;
}

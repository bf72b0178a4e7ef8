import { createApiKeyStore, type StoredApiKey } from '@dictamesh/db';
import { stackEnvOf, withDatabase, type Environment } from '../../shell/database';
import type { ExitCode } from '../../shell/failure';
import type { CliIo } from '../../shell/io';

/** Options of `dictamesh apikey list`. */
export interface ListOptions {
  org: string;
  json?: boolean;
}

/** One key as a line: `<id>  <name>  <scopes>  created <ISO time>[  revoked <ISO time>]`. */
export function keyLine(key: Omit<StoredApiKey, 'secretHash'>): string {
  const revoked = key.revokedAt ? `  revoked ${key.revokedAt.toISOString()}` : '';
  return `${key.id}  ${key.name}  ${key.scopes.join(',')}  created ${key.createdAt.toISOString()}${revoked}`;
}

/**
 * `dictamesh apikey list --org <id>`: the organisation's API keys, revoked ones included, newest
 * first, read directly from the database (never the keys themselves, nor their hashes).
 * @returns 0
 * @throws CliFailure `DATA_DIR_IN_USE`, `DATABASE_UNREACHABLE`
 */
export async function listCommand(options: ListOptions, io: CliIo, environment: Environment): Promise<ExitCode> {
  const env = stackEnvOf(environment);
  const keys = await withDatabase(env, false, (db) => createApiKeyStore(db).list(options.org));
  const shown = keys.map(({ secretHash: _hash, ...key }) => key);
  if (options.json) io.out(`${JSON.stringify(shown, null, 2)}\n`);
  else for (const key of shown) io.out(`${keyLine(key)}\n`);
  if (!options.json) io.out(`# ${keys.length} API key${keys.length === 1 ? '' : 's'} of ${options.org}\n`);
  return 0;
}

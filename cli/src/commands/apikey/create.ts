import { createApiKeyStore } from '@dictamesh/db';
import { openOrganization } from '@dictamesh/subgraph-billing';
import { stackEnvOf, withDatabase, type Environment } from '../../shell/database';
import { usage, type ExitCode } from '../../shell/failure';
import type { CliIo } from '../../shell/io';
import { parseScopes } from './scopes';

/** Options of `dictamesh apikey create`. */
export interface CreateOptions {
  org: string;
  scopes: string;
  name: string;
}

/** A key name (as the catalog's `createApiKey` accepts it). */
const NAME = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,99}$/;

/**
 * `dictamesh apikey create --org <id> --scopes <a,b>`: creates an API key directly in the
 * database (`DATABASE_URL`, or PGlite under `DICTAMESH_DATA_DIR`), the production bootstrap of
 * the first admin credential. Migrations are applied first and the organisation is created when
 * it does not exist (as the `createOrganization` mutation does). Whoever holds the database
 * credentials holds everything, so any scope of the catalogue may be granted. Prints the key
 * once, on the last line.
 * @returns 0
 * @throws CliFailure `USAGE` (name), `SCOPE_UNKNOWN`, `BAD_USER_INPUT` (organisation id),
 *   `DATA_DIR_IN_USE` (a running DictaMesh holds the PGlite directory), `DATABASE_UNREACHABLE`
 */
export async function createCommand(options: CreateOptions, io: CliIo, environment: Environment): Promise<ExitCode> {
  const scopes = parseScopes(options.scopes);
  if (!NAME.test(options.name)) throw usage('--name must be 1–100 letters, digits, spaces, . _ -');
  const env = stackEnvOf(environment);
  const { key, apiKey, created } = await withDatabase(env, true, async (db) => {
    const exists = await db.prisma.organization.findUnique({ where: { id: options.org }, select: { id: true } });
    if (!exists) await openOrganization(db.prisma, { id: options.org, name: options.org });
    return { ...(await createApiKeyStore(db).create({ org: options.org, name: options.name, scopes })), created: !exists };
  });
  if (created) io.out(`created organisation ${apiKey.org}\n`);
  io.out(`created API key ${apiKey.id} "${apiKey.name}" for ${apiKey.org} with ${apiKey.scopes.join(', ')}; the key is shown this once:\n`);
  io.out(`${key}\n`);
  return 0;
}

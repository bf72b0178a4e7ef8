import type { Command } from 'commander';
import type { Environment } from '../../shell/database';
import { commandGroup, runner, withExamples } from '../../shell/command';
import { processIo, type CliIo } from '../../shell/io';
import { createCommand, type CreateOptions } from './create';
import { listCommand, type ListOptions } from './list';
import { revokeCommand } from './revoke';

/**
 * `dictamesh apikey`: create | list | revoke API keys directly in the database (`DATABASE_URL`,
 * or PGlite under `DICTAMESH_DATA_DIR`): the production bootstrap of the first admin credential,
 * for whoever holds the database credentials. Through the gateway, keys are managed with the
 * catalog's `createApiKey` / `apiKeys` / `revokeApiKey`.
 * @param environment the variables the database is found from (default `process.env`)
 */
export function apikeyCommand(io: CliIo = processIo, environment: Environment = process.env): Command {
  const apikey = commandGroup('apikey', 'API keys, directly in the database: create (the first admin credential) | list | revoke', io);
  const run = runner(io);

  withExamples(
    apikey
      .command('create')
      .description('create an API key (and its organisation when missing); prints the key once')
      .requiredOption('--org <id>', 'organisation id (lower-case letters, digits, dashes)')
      .requiredOption('--scopes <a,b>', 'comma-separated scopes, e.g. dictamesh:admin')
      .option('--name <name>', 'what the key is for', 'bootstrap'),
    'dictamesh apikey create --org acme --scopes dictamesh:admin --name first-admin',
  ).action(run((options: CreateOptions) => createCommand(options, io, environment)));

  withExamples(
    apikey
      .command('list')
      .description("an organisation's API keys, revoked ones included (never the keys themselves)")
      .requiredOption('--org <id>', 'organisation id')
      .option('--json', 'print JSON'),
    'dictamesh apikey list --org acme',
  ).action(run((options: ListOptions) => listCommand(options, io, environment)));

  withExamples(
    apikey.command('revoke').description('revoke an API key by id (the part after dmk_)').argument('<id>', 'key id'),
    'dictamesh apikey revoke 3kTq9ZpLw2Xa',
  ).action(run((id: string) => revokeCommand(id, io, environment)));

  return apikey;
}

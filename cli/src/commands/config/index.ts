import { withConnectionOptions } from '../../shell/gateway';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { diffCommand, type DiffOptions } from './diff';
import { exportCommand, type ExportOptions } from './export';
import { getCommand, type GetOptions } from './get';
import { importCommand, type ImportOptions } from './import';
import { processIo, type CliIo } from '../../shell/io';
import { commandGroup, runner, withExamples } from '../../shell/command';
import { rollbackCommand, type RollbackOptions } from './rollback';
import { withScopeOptions } from './scope';
import { setCommand, type SetOptions } from './set';
import { validateCommand, type ValidateOptions } from './validate';

export type { CliIo } from '../../shell/io';

/** A non-negative integer argument (versions). */
function integer(text: string): number {
  if (!/^\d+$/.test(text)) throw new InvalidArgumentError('not a non-negative integer');
  return Number(text);
}

/**
 * `dictamesh config`: get | set | validate | diff | rollback | export | import of the
 * configuration subgraph, through the gateway (`--gateway`, default
 * `http://127.0.0.1:4000/graphql` or `DICTAMESH_GATEWAY_URL`) with the caller's `--api-key`
 * (`DICTAMESH_API_KEY`) or `--token` (`DICTAMESH_TOKEN`). Exit status through `io.exit`: 0 ok,
 * 1 refused or invalid (printed with its code), 2 usage errors (commander's included).
 *
 * Commander stops on usage errors and `--help` by throwing its `CommanderError` out of
 * `parseAsync` (after `io.exit`), so a caller awaiting the parse catches it.
 */
export function configCommand(io: CliIo = processIo): Command {
  const config = commandGroup(
    'config',
    'configuration: get | set | validate | diff | rollback | export | import (through the gateway)',
    io,
  );
  const run = runner(io);
  const sub = (name: string, description: string, ...examples: string[]) =>
    withExamples(withConnectionOptions(config.command(name).description(description)), ...examples);

  withScopeOptions(
    sub(
      'get',
      'the resolved configuration at a scope: values with their source scope and version',
      'npx dictamesh config get rateLimit.requests --env production --service gateway',
    ),
  )
    .argument('[key]', 'only this key')
    .option('--json', 'print JSON')
    .option('--reveal', 'show secret values (needs config:secrets:read; audited)')
    .action(run((key: string | undefined, options: GetOptions) => getCommand(key, options, io)));

  withScopeOptions(
    sub(
      'set',
      'set a value at a scope (a new version)',
      `npx dictamesh config set rateLimit.requests 500 --env production --reason 'launch week'`,
    ),
  )
    .argument('<key>', 'dotted key, e.g. rateLimit.requests')
    .argument('<value-json>', `the value as JSON: 100, '"text"', '{"a":1}'`)
    .option('--secret', 'store it encrypted as a secret')
    .option('--schema <file>', "the key's JSON Schema (draft 2020-12) at this scope, JSON or YAML")
    .option('--expected-version <n>', 'compare-and-set: the version read (0: must not exist yet)', integer)
    .option('--reason <text>', 'why (kept with the version)')
    .option('--description <text>', 'what the key is for')
    .action(run((key: string, value: string, options: SetOptions) => setCommand(key, value, options, io)));

  withScopeOptions(
    sub(
      'validate',
      'check a value, or every entry of a file, against its schema (nothing written)',
      'npx dictamesh config validate --file production.yaml',
    ),
  )
    .argument('[key]', 'dotted key')
    .argument('[value-json]', 'the value as JSON')
    .option('--file <config>', 'a configuration document (YAML or JSON, as export writes)')
    .option('--schema <file>', "check against this JSON Schema instead of the key's")
    .action(
      run((key: string | undefined, value: string | undefined, options: ValidateOptions) => validateCommand(key, value, options, io)),
    );

  withScopeOptions(
    sub(
      'diff',
      'what changed between two versions of an entry (JSON Patch lines)',
      'npx dictamesh config diff rateLimit.requests 3 4 --env production',
    ),
  )
    .argument('<key>', 'dotted key')
    .argument('<from>', 'version', integer)
    .argument('<to>', 'version', integer)
    .option('--json', 'print JSON')
    .action(run((key: string, from: number, to: number, options: DiffOptions) => diffCommand(key, from, to, options, io)));

  withScopeOptions(
    sub(
      'rollback',
      "restore an earlier version's value as a new version",
      'npx dictamesh config rollback rateLimit.requests 3 --env production',
    ),
  )
    .argument('<key>', 'dotted key')
    .argument('<version>', 'the version to restore', integer)
    .option('--expected-version <n>', 'compare-and-set: the current version', integer)
    .option('--reason <text>', 'why (kept with the version)')
    .action(run((key: string, version: number, options: RollbackOptions) => rollbackCommand(key, version, options, io)));

  withScopeOptions(
    sub(
      'export',
      'the entries at a scope and below as a document (secrets redacted)',
      'npx dictamesh config export --env production > production.yaml',
    ),
  )
    .addOption(new Option('--format <format>', 'document format').choices(['yaml', 'json']).default('yaml'))
    .option('--prefix <prefix>', 'only keys under this prefix')
    .action(run((options: ExportOptions) => exportCommand(options, io)));

  sub(
    'import',
    'import a document (YAML/JSON): a dry run unless --apply',
    'npx dictamesh config import production.yaml --apply --reason restore',
  )
    .argument('<file>', 'the document (*.json: JSON, else YAML)')
    .option('--apply', 'write the entries (all or nothing)')
    .option('--reason <text>', 'why (kept with the versions)')
    .action(run((file: string, options: ImportOptions) => importCommand(file, options, io)));

  return config;
}

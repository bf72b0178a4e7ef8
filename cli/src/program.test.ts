import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram, CLI_VERSION } from './program';
import type { CliIo } from './shell/io';

const silentIo: CliIo = { out: () => undefined, err: () => undefined, readFile: () => '', exit: () => undefined };

/** Whether a command runs something itself (commander keeps its action handler private). */
const runs = (command: Command) => (command as unknown as { _actionHandler: unknown })._actionHandler != null;

/** Every command that runs something (a leaf, or a group with its own action such as `migrate`), with its full name. */
function leaves(command: Command, prefix = ''): Array<{ name: string; command: Command }> {
  const name = `${prefix}${command.name()}`;
  const own = command.commands.length === 0 || runs(command) ? [{ name, command }] : [];
  return [...own, ...command.commands.flatMap((sub) => leaves(sub, `${name} `))];
}

describe('the dictamesh command tree', () => {
  const program = buildProgram(silentIo);
  const commands = leaves(program).filter(({ name }) => name !== 'dictamesh' && !name.endsWith(' help'));

  it('has the operator commands of one CLI', () => {
    expect(commands.map(({ name }) => name).sort()).toEqual(
      expect.arrayContaining([
        'dictamesh adapter list',
        'dictamesh adapter register',
        'dictamesh adapter sync',
        'dictamesh adapter pause',
        'dictamesh adapter resume',
        'dictamesh adapter remove',
        'dictamesh apikey create',
        'dictamesh apikey list',
        'dictamesh apikey revoke',
        'dictamesh dead-letters list',
        'dictamesh dead-letters replay',
        'dictamesh dead-letters discard',
        'dictamesh doctor',
        'dictamesh events tail',
        'dictamesh migrate',
        'dictamesh migrate status',
        'dictamesh replay',
        'dictamesh start',
      ]),
    );
    expect(program.version()).toBe(CLI_VERSION);
    expect(CLI_VERSION).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('gives every command a description and an example in its --help', () => {
    const missing = commands.filter(
      ({ command }) => !command.description() || !/\nExamples?:\n {2}\$ /.test(command.helpInformation() + helpAfter(command)),
    );
    expect(missing.map(({ name }) => name)).toEqual([]);
  });
});

/** The text added after a command's help (`addHelpText('after', …)`), as `--help` prints it. */
function helpAfter(command: Command): string {
  let text = '';
  const writer = { writeOut: (s: string) => (text += s), writeErr: (s: string) => (text += s) };
  command.configureOutput(writer).exitOverride();
  try {
    command.outputHelp();
  } catch {
    // outputHelp does not throw; exitOverride only guards a stray process.exit
  }
  return text;
}

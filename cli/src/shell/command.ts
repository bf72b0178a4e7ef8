import { Command, CommanderError } from 'commander';
import { CliFailure, type ExitCode } from './failure';
import { processIo, type CliIo } from './io';
import { failureLines } from './print';

/**
 * A command group of the `dictamesh` CLI (`config`, `apikey`, `adapter`, …) wired to `io`:
 * help and usage errors are written through `io` and stop with exit status 0 / 2 (commander
 * throws its `CommanderError` out of `parseAsync` after `io.exit`, so the caller catches it
 * with {@link isCommanderStop}).
 */
export function commandGroup(name: string, description: string, io: CliIo = processIo): Command {
  return new Command(name)
    .description(description)
    .showHelpAfterError()
    .configureOutput({ writeOut: (text) => io.out(text), writeErr: (text) => io.err(text) })
    .exitOverride((error) => {
      io.exit(error.exitCode === 0 ? 0 : 2);
      throw error;
    });
}

/**
 * Wraps a command's handler: its exit status goes to `io.exit`; a {@link CliFailure} is printed
 * as `error <CODE>: <message>` (plus its violations / details, one per line) with exit status 1
 * (2 for `USAGE`). Any other error propagates (the program's last resort prints one line).
 */
export function runner(io: CliIo = processIo) {
  return <A extends unknown[]>(handler: (...args: A) => Promise<ExitCode>) =>
    async (...args: A): Promise<void> => {
      try {
        io.exit(await handler(...args));
      } catch (error) {
        if (!(error instanceof CliFailure)) throw error;
        for (const line of failureLines(error)) io.err(`${line}\n`);
        io.exit(error.exitCode);
      }
    };
}

/** Appends `Example:` lines to a command's `--help`. */
export function withExamples(command: Command, ...examples: string[]): Command {
  return command.addHelpText('after', `\nExample${examples.length > 1 ? 's' : ''}:\n${examples.map((e) => `  $ ${e}`).join('\n')}\n`);
}

/** Whether an error is commander's stop after a usage error or help (its status already given to `io.exit`). */
export const isCommanderStop = (error: unknown): boolean => error instanceof CommanderError;

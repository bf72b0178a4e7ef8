import type { Command } from 'commander';
import { isCommanderStop } from './command';
import type { CliIo } from './io';

/** What a command run printed and its exit status. */
export interface CommandRun {
  code: number | undefined;
  out: string;
  err: string;
}

/**
 * Runs a command group in-process (tests) with its output captured: `build` gets the io to
 * write through; no file is readable.
 */
export async function runGroup(build: (io: CliIo) => Command, args: string[]): Promise<CommandRun> {
  const run: CommandRun = { code: undefined, out: '', err: '' };
  const io: CliIo = {
    out: (text) => (run.out += text),
    err: (text) => (run.err += text),
    readFile: (path) => {
      throw new Error(`ENOENT: no such file, open '${path}'`);
    },
    exit: (code) => (run.code = code),
  };
  await build(io)
    .parseAsync(args, { from: 'user' })
    .catch((error: unknown) => {
      if (!isCommanderStop(error)) throw error;
    });
  return run;
}

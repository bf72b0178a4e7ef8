import type { Command } from 'commander';
import { isCommanderStop } from './command';
import type { CliIo } from './io';

/** What a command run printed and its exit status. */
export interface CapturedRun {
  code: number | undefined;
  out: string;
  err: string;
}

/**
 * An io whose output and exit status land in the returned `run` (tests): files from `files`,
 * any other path is ENOENT.
 */
export function capturedIo(files: Record<string, string> = {}): { run: CapturedRun; io: CliIo } {
  const run: CapturedRun = { code: undefined, out: '', err: '' };
  const io: CliIo = {
    out: (text) => (run.out += text),
    err: (text) => (run.err += text),
    readFile: (path) => {
      const text = files[path];
      if (text === undefined) throw new Error(`ENOENT: no such file, open '${path}'`);
      return text;
    },
    exit: (code) => (run.code = code),
  };
  return { run, io };
}

/**
 * Runs a command tree (`adapterCommand`, `deadLettersCommand`, …) in-process with `args`
 * (tests): files from `files` (else the disk is not read through `io`), output captured, no
 * progress bars.
 */
export async function runCaptured(build: (io: CliIo) => Command, args: string[], files: Record<string, string> = {}): Promise<CapturedRun> {
  const { run, io } = capturedIo(files);
  await build(io)
    .parseAsync(args, { from: 'user' })
    .catch((error: unknown) => {
      if (!isCommanderStop(error)) throw error;
    });
  return run;
}

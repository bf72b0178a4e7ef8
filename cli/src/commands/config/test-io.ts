import { isCommanderStop } from '../../shell/command';
import type { CliIo } from '../../shell/io';
import { configCommand } from './index';

/** What a `dictamesh config` run printed and its exit status. */
export interface ConfigRun {
  code: number | undefined;
  out: string;
  err: string;
}

/**
 * Runs `dictamesh config <args>` in-process (tests): files from `files` (else the disk is not
 * read), output captured.
 */
export async function runConfig(args: string[], files: Record<string, string> = {}): Promise<ConfigRun> {
  const run: ConfigRun = { code: undefined, out: '', err: '' };
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
  await configCommand(io)
    .parseAsync(args, { from: 'user' })
    .catch((error: unknown) => {
      if (!isCommanderStop(error)) throw error;
    });
  return run;
}

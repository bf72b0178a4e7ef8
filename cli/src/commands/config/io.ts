import { readFileSync } from 'node:fs';
import { usage } from './failure';

/** Where `dictamesh config` reads files and writes its output (the process, or a test's buffers). */
export interface ConfigIo {
  /** Writes to standard output (text as given: commander's help ends in a newline, lines do not). */
  out(text: string): void;
  /** Writes to standard error. */
  err(text: string): void;
  /** Reads a file as UTF-8 text (`--file`, `--schema`, `import <file>`). */
  readFile(path: string): string;
  /** Sets the exit status of the command that ran. */
  exit(code: number): void;
}

/** The process's standard streams and file system; `exit` sets `process.exitCode`. */
export const processIo: ConfigIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  readFile: (path) => readFileSync(path, 'utf8'),
  exit: (code) => {
    process.exitCode = code;
  },
};

/**
 * Reads a file the user named through `io`.
 * @throws ConfigCliFailure `USAGE` naming the file when it cannot be read
 */
export function readUserFile(path: string, io: ConfigIo): string {
  try {
    return io.readFile(path);
  } catch (error) {
    throw usage(`cannot read ${path}: ${(error as Error).message}`);
  }
}

import { readFileSync } from 'node:fs';
import { usage } from './failure';

/** Where a `dictamesh` command reads files and writes its output (the process, or a test's buffers). */
export interface CliIo {
  /** Writes to standard output (text as given: commander's help ends in a newline, lines do not). */
  out(text: string): void;
  /** Writes to standard error. */
  err(text: string): void;
  /** Reads a file as UTF-8 text (`--file`, `--schema`, `import <file>`). */
  readFile(path: string): string;
  /** Sets the exit status of the command that ran. */
  exit(code: number): void;
  /** Where progress bars are drawn (the process's standard error; absent: no bars). */
  progress?: NodeJS.WriteStream;
}

/** The process's standard streams and file system; `exit` sets `process.exitCode`. */
export const processIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  readFile: (path) => readFileSync(path, 'utf8'),
  exit: (code) => {
    process.exitCode = code;
  },
  progress: process.stderr,
};

/**
 * Reads a file the user named through `io`.
 * @throws CliFailure `USAGE` naming the file when it cannot be read
 */
export function readUserFile(path: string, io: CliIo): string {
  try {
    return io.readFile(path);
  } catch (error) {
    throw usage(`cannot read ${path}: ${(error as Error).message}`);
  }
}

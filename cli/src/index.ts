#!/usr/bin/env node
import { isCommanderStop } from './shell/command';
import { buildProgram } from './program';

// Usage errors and --help stop by throwing commander's error (status already set); anything
// else is printed as one line, never a stack trace (LOG_LEVEL=debug tells `start` to say more).
await buildProgram()
  .parseAsync()
  .catch((error: unknown) => {
    if (isCommanderStop(error)) return;
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });

import { runCaptured, type CapturedRun } from '../../shell/test-run';
import { configCommand } from './index';

/**
 * Runs `dictamesh config <args>` in-process (tests): files from `files` (else the disk is not
 * read), output captured.
 */
export function runConfig(args: string[], files: Record<string, string> = {}): Promise<CapturedRun> {
  return runCaptured(configCommand, args, files);
}

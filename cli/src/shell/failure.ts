/** Exit status of a `dictamesh` command: 0 ok, 1 refused (validation, conflict, access: printed with its code), 2 usage. */
export type ExitCode = 0 | 1 | 2;

/**
 * Why a `dictamesh` command stopped: the gateway's error code (`CONFIG_VERSION_CONFLICT`,
 * `CONFIG_VALIDATION_FAILED`, `UNAUTHORIZED`, …) or `USAGE` for bad arguments, and the exit
 * status it maps to (1, or 2 for usage).
 */
export class CliFailure extends Error {
  /**
   * @param code the error code printed before the message
   * @param details the error's details (`extensions` of a GraphQL error, code and stack left out)
   */
  constructor(
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'CliFailure';
  }

  /** 2 for usage errors, else 1. */
  get exitCode(): ExitCode {
    return this.code === 'USAGE' ? 2 : 1;
  }
}

/** A usage error (exit 2). */
export const usage = (message: string): CliFailure => new CliFailure('USAGE', message);

/**
 * Parses a JSON command-line argument (`<value-json>`: `100`, `'"text"'`, `'{"a":1}'`).
 * @throws CliFailure `USAGE` when it is not JSON
 */
export function parseJsonArgument(name: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw usage(`${name} is not JSON (${(error as Error).message}); quote strings: '"text"'`);
  }
}

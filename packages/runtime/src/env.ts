import { z } from 'zod';
import { readFileVariables, type ReadTextFile } from './env-files';
import { err } from './errors';

/** Options of {@link parseEnv}. */
export interface ParseEnvOptions {
  /** Variables that may be given as `<NAME>_FILE` (a mounted secret file), see `readFileVariables`. */
  fileVariables?: readonly string[];
  /** How `_FILE` variables are read (default: UTF-8 from disk). */
  readFile?: ReadTextFile;
}

/**
 * Parses environment variables with one zod object per concern, reporting every problem at
 * once (the graphql-hive/console `environment.ts` pattern).
 *
 * @param schemas - `{ concern: z.object({...}) }`; each schema reads the whole environment
 * @param source - the variables, `process.env` by default
 * @param options - `fileVariables`: the variables also read from `<NAME>_FILE`
 * @returns the parsed values, frozen, keyed by concern
 * @throws DictaMeshError `CONFIGURATION_INVALID` whose `details.problems` lists
 *   `VARIABLE: problem` for every invalid variable (and every `<NAME>` set twice or
 *   `<NAME>_FILE` unreadable)
 */
export function parseEnv<S extends Record<string, z.ZodType>>(
  schemas: S,
  source: Record<string, string | undefined> = process.env,
  options: ParseEnvOptions = {},
): Readonly<{ [K in keyof S]: z.output<S[K]> }> {
  const out: Record<string, unknown> = {};
  // process.env is not a plain object (its prototype is not Object.prototype), which zod's
  // record schemas refuse ("expected record"): parse a plain copy (readFileVariables makes one)
  const { variables, problems } = readFileVariables(source, options.fileVariables ?? [], options.readFile);
  for (const [concern, schema] of Object.entries(schemas)) {
    const result = schema.safeParse(variables);
    if (result.success) out[concern] = Object.freeze(result.data);
    else for (const issue of result.error.issues) problems.push(`${issue.path.join('.') || concern}: ${issue.message}`);
  }
  if (problems.length > 0) {
    throw err('CONFIGURATION_INVALID', `Invalid configuration:\n  ${problems.join('\n  ')}`, { problems });
  }
  return Object.freeze(out) as Readonly<{ [K in keyof S]: z.output<S[K]> }>;
}

/** A TCP port variable: integer 0–65535 (0 = pick a free port). */
export const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

/** A log level variable. */
export const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info');

/** The items of a comma-separated variable (`a, b,,c` → `['a', 'b', 'c']`): trimmed, empty ones dropped. */
export function splitList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

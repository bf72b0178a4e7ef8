import { readFileSync } from 'node:fs';

/** The variables with their `<NAME>_FILE` contents filled in, and what was wrong. */
export interface FileVariables {
  /** A copy of the source where each `<NAME>` read from `<NAME>_FILE` holds the file's content. */
  variables: Record<string, string | undefined>;
  /** `VARIABLE: problem` lines (both forms set, unreadable file), in the order of `names`. */
  problems: string[];
}

/** Reads a file as UTF-8 text (the default: `fs.readFileSync`); injectable for tests. */
export type ReadTextFile = (path: string) => string;

const readText: ReadTextFile = (path) => readFileSync(path, 'utf8');

/**
 * The Docker / Kubernetes secrets convention: a variable `<NAME>` may instead be given as
 * `<NAME>_FILE`, the path of a file holding the value (a mounted secret), so keys need not sit
 * in the environment. The file's content becomes `<NAME>`, its trailing line breaks (`\n`,
 * `\r\n`) removed. An empty value counts as unset. Setting both `<NAME>` and `<NAME>_FILE` is a
 * problem (which one wins would be a guess), as is a file that cannot be read.
 *
 * @param source the environment (not modified)
 * @param names the variables that accept a `_FILE` form (e.g. `['JWT_SECRET', 'DATABASE_URL']`)
 * @param read how files are read (default: UTF-8 from disk)
 * @returns the variables and the problems; nothing is thrown
 */
export function readFileVariables(
  source: Record<string, string | undefined>,
  names: readonly string[],
  read: ReadTextFile = readText,
): FileVariables {
  const variables = { ...source };
  const problems: string[] = [];
  for (const name of names) {
    const path = source[`${name}_FILE`];
    if (!path) continue;
    if (source[name]) {
      problems.push(`${name}: set either ${name} or ${name}_FILE, not both`);
      continue;
    }
    try {
      variables[name] = read(path).replace(/[\r\n]+$/, '');
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      problems.push(`${name}_FILE: cannot read ${path} (${reason})`);
    }
  }
  return { variables, problems };
}

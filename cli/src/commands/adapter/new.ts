import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { err } from '@dictamesh/runtime';

const TEMPLATES = fileURLToPath(new URL('../../../templates/adapter', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../../..', import.meta.url));
const KIND = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const ENTITY = /^[a-z][a-z0-9_]*$/;

/** Options of {@link scaffoldAdapter}. */
export interface ScaffoldOptions {
  /** Folder the package is created in (one of DICTAMESH_ADAPTER_DIRS). Default `adapters`. */
  dir?: string;
  /** Entity type of the records, lower_snake (`ticket`). Default `item`. */
  entity?: string;
  /** Resource (endpoint) name. Default: the entity type + `s`. */
  resource?: string;
}

/**
 * Generates an adapter package `<dir>/<kind>` from `cli/templates/adapter`: package.json
 * with the `dictamesh.adapter` manifest, a config schema, a StreamingAdapter + ResourceAdapter
 * implementation, its definition, a loopback fake of the source, tests that pass as generated,
 * a tsconfig and a README. Placeholders: `__NAME__` (kind), `__PASCAL__`, `__CAMEL__`,
 * `__ENTITY__`, `__RESOURCE__`, `__ROOT__` (path to the repository root).
 * @returns the package folder and the files written (relative to it)
 * @throws DictaMeshError `BAD_USER_INPUT` for a bad kind / entity name or an existing folder
 */
export function scaffoldAdapter(kind: string, options: ScaffoldOptions = {}): { directory: string; files: string[] } {
  const entity = options.entity ?? 'item';
  const resource = options.resource ?? `${entity}s`;
  if (!KIND.test(kind)) throw err('BAD_USER_INPUT', `Adapter kind "${kind}" must be lower-case words joined by "-" (e.g. acme-crm)`);
  if (!ENTITY.test(entity)) throw err('BAD_USER_INPUT', `Entity type "${entity}" must be lower_snake_case`);
  if (!ENTITY.test(resource)) throw err('BAD_USER_INPUT', `Resource "${resource}" must be lower_snake_case`);
  const directory = resolve(options.dir ?? 'adapters', kind);
  if (existsSync(directory)) throw err('BAD_USER_INPUT', `${directory} already exists; choose another name or remove it`);

  const pascal = kind.replace(/(^|-)([a-z0-9])/g, (_, _dash: string, c: string) => c.toUpperCase());
  const values: Record<string, string> = {
    __NAME__: kind,
    __PASCAL__: pascal,
    __CAMEL__: pascal[0]!.toLowerCase() + pascal.slice(1),
    __ENTITY__: entity,
    __RESOURCE__: resource,
    __ROOT__: relative(directory, REPO_ROOT).split(sep).join('/') || '.',
  };
  const fill = (text: string) => text.replace(/__(NAME|PASCAL|CAMEL|ENTITY|RESOURCE|ROOT)__/g, (token) => values[token]!);
  const files: string[] = [];
  for (const template of templateFiles(TEMPLATES)) {
    const target = template.replace(/\.tmpl$/, '').replace(/(^|\/)adapter(\.test)?\.ts$/, `$1${kind}-adapter$2.ts`);
    mkdirSync(dirname(join(directory, target)), { recursive: true });
    writeFileSync(join(directory, target), fill(readFileSync(join(TEMPLATES, template), 'utf8')));
    files.push(target);
  }
  return { directory, files: files.sort() };
}

/** Template paths relative to `root`, `/`-separated. */
function templateFiles(root: string, prefix = ''): string[] {
  return readdirSync(join(root, prefix), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? templateFiles(root, `${prefix}${entry.name}/`) : [`${prefix}${entry.name}`],
  );
}

/** `dictamesh adapter new <kind>`: scaffolds the package and prints the next steps. */
export function adapterNewCommand(kind: string, options: ScaffoldOptions): void {
  const { directory, files } = scaffoldAdapter(kind, options);
  const shown = relative(process.cwd(), directory) || '.';
  console.log(`created ${shown}/\n${files.map((f) => `  ${f}`).join('\n')}`);
  console.log(`\nnext:\n  npx vitest run --root ${shown}      # its tests pass as generated`);
  console.log(
    `  npx tsc --noEmit -p ${shown}\n  then register it: registerAdapter(input: { id: "${kind}-main", kind: "${kind}", config: {…} })`,
  );
}

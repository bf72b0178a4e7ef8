import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The parts of a workspace package.json the build reads. */
interface Manifest {
  name?: string;
  exports?: Record<string, unknown>;
  bin?: string | Record<string, string>;
  dictamesh?: { adapter?: unknown };
}

/**
 * The workspace package folders of the repository at `root` (absolute), from the root
 * package.json `workspaces` (entries `dir` or `dir/*`, as npm reads them).
 */
export function workspacePackages(root: string): string[] {
  const patterns = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { workspaces: string[] }).workspaces;
  return patterns.flatMap((pattern) => {
    const base = join(root, pattern.replace(/\/\*$/, ''));
    const folders = pattern.endsWith('/*')
      ? readdirSync(base, { withFileTypes: true })
          .filter((entry) => entry.isDirectory())
          .map((entry) => join(base, entry.name))
      : [base];
    return folders.filter((folder) => existsSync(join(folder, 'package.json'))).sort();
  });
}

/**
 * What tsup builds for the package in `directory`: entry name → source file. Every
 * `./dist/<path>.js` the package.json names (the `default` of each `exports` entry, `bin`, the
 * `default` of the `dictamesh.adapter` manifest) comes from `./src/<path>.ts`. A `bin` outside
 * `./dist/` must be an existing JavaScript file (a launcher; not built).
 * @throws Error naming the package and the problems: an export that still points Node at a
 * TypeScript file (compiled runs could not load it), a compiled path outside `./dist/`, a
 * missing source file, or no compiled entry at all
 */
export function compiledEntries(directory: string): Record<string, string> {
  const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as Manifest;
  const problems: string[] = [];
  const targets: string[] = [];
  for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
    const compiled = typeof target === 'string' ? target : (target as Record<string, unknown> | null)?.default;
    if (typeof compiled !== 'string' || !compiled.endsWith('.js'))
      problems.push(`exports["${subpath}"] must be { "types", "@dictamesh/source": "./src/….ts", "default": "./dist/….js" }`);
    else targets.push(compiled);
  }
  // a bin outside dist/ is a JavaScript launcher kept in the repository (npm links a bin only
  // if its file exists when it installs, before the build): shipped as it is
  for (const bin of typeof manifest.bin === 'string' ? [manifest.bin] : Object.values(manifest.bin ?? {})) {
    if (/^(?:\.\/)?dist\//.test(bin)) targets.push(bin);
    else if (!bin.endsWith('.js') || !existsSync(join(directory, bin)))
      problems.push(`bin "${bin}" is neither ./dist/….js nor an existing .js file`);
  }
  const adapter = manifest.dictamesh?.adapter;
  if (adapter && typeof adapter === 'object' && typeof (adapter as { default?: unknown }).default === 'string')
    targets.push((adapter as { default: string }).default);

  const entry: Record<string, string> = {};
  for (const target of targets) {
    const match = /^(?:\.\/)?dist\/(.+)\.js$/.exec(target);
    if (!match) {
      problems.push(`"${target}" is not a ./dist/<path>.js file`);
      continue;
    }
    const source = join(directory, 'src', `${match[1]}.ts`);
    if (existsSync(source)) entry[match[1]!] = source;
    else problems.push(`"${target}" has no source ./src/${match[1]}.ts`);
  }
  if (targets.length === 0) problems.push('names no ./dist/<path>.js to build');
  if (problems.length) throw new Error(`${manifest.name ?? directory} (${directory}/package.json):\n  ${problems.join('\n  ')}`);
  return entry;
}

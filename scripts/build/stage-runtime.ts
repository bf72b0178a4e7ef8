// Copies what a compiled DictaMesh needs at run time into a folder: the root and workspace
// package.json files (for `npm ci --omit=dev` there), package-lock.json, every package's dist/
// (after `npm run build`), JavaScript bin launchers, the SDL and event schemas, the supergraph
// config and the SQL migrations. The Docker image's runtime stage is exactly this folder plus
// its production dependencies.
//
//   npx tsx scripts/build/stage-runtime.ts <target folder>
import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { workspacePackages } from './workspace';

const root = fileURLToPath(new URL('../..', import.meta.url));
const target = process.argv[2];
if (!target) {
  console.error('usage: stage-runtime.ts <target folder>');
  process.exit(2);
}

/** Repository paths (files or folders) a compiled run reads; missing optional ones are skipped. */
const shared = ['package.json', 'package-lock.json', 'schemas', 'prisma/migrations', 'supergraph.yaml'];
const packages = workspacePackages(root).flatMap((directory) => {
  const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as { bin?: string | Record<string, string> };
  const bins = typeof manifest.bin === 'string' ? [manifest.bin] : Object.values(manifest.bin ?? {});
  const dist = join(directory, 'dist');
  if (!existsSync(dist)) throw new Error(`${relative(root, directory)}/dist is missing: run npm run build first`);
  return [join(directory, 'package.json'), dist, ...bins.filter((bin) => !/^(\.\/)?dist\//.test(bin)).map((bin) => join(directory, bin))];
});

for (const path of [...shared.map((p) => join(root, p)), ...packages]) {
  if (!existsSync(path)) continue;
  const to = join(target, relative(root, path));
  mkdirSync(dirname(to), { recursive: true });
  cpSync(path, to, { recursive: true });
}
console.log(`staged the compiled runtime in ${target}`);

// `npm run build`: compiles every workspace package to JavaScript in its own `dist/` (tsup, i.e.
// esbuild). What a package builds is read from its package.json: every `./dist/<path>.js` named
// by `exports` (the `default` condition), `bin` or the `dictamesh.adapter` manifest is built
// from `./src/<path>.ts`. Development and tests never need this output: they resolve the
// `@dictamesh/source` condition of the same `exports` to the TypeScript sources.
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { defineConfig, type Options } from 'tsup';
import { sourceLocationPlugin } from './scripts/build/source-location';
import { compiledEntries, workspacePackages } from './scripts/build/workspace';

const root = dirname(new URL(import.meta.url).pathname);

/** One tsup build per workspace package (or only the package in the working directory). */
function packageBuild(directory: string): Options {
  const entry = compiledEntries(directory);
  const outDir = join(directory, 'dist');
  return {
    name: relative(root, directory) || '.',
    entry,
    outDir,
    format: ['esm'],
    platform: 'node',
    target: 'node20',
    // Every bare import stays an import: npm packages and the other @dictamesh packages (each
    // built on its own and resolved by Node through its `exports`). Relative imports are
    // bundled, including the Prisma client generated into packages/db/generated.
    external: [/^[^./]/],
    splitting: true,
    sourcemap: true,
    clean: true,
    dts: false,
    tsconfig: join(root, 'tsconfig.json'),
    // compiled code loads compiled adapter definitions (adapters/sdk/src/manifest.ts)
    define: { __DICTAMESH_COMPILED__: 'true' },
    esbuildPlugins: [sourceLocationPlugin(outDir, join(directory, 'src'))],
  };
}

// Inside a package folder that is not a workspace of this repository (e.g. an adapter that
// `dictamesh adapter new --dir elsewhere` generated), `npm run build` builds that package only.
const here = resolve(process.cwd());
const inside = here !== root && existsSync(join(here, 'package.json'));
const directories = inside ? [here] : workspacePackages(root);

export default defineConfig(directories.map(packageBuild));

import { readFile } from 'node:fs/promises';
import { relative, sep } from 'node:path';
import type { Options } from 'tsup';

type Plugin = NonNullable<Options['esbuildPlugins']>[number];

/**
 * esbuild plugin: inside the bundle, `import.meta.url` of a file under `sourceDir` still names
 * that source file, so `new URL('../../schemas/…', import.meta.url)` finds the same repository
 * file from `dist/` as it does from `src/`. Bundling moves code from `src/a/b.ts` into
 * `dist/index.js` (or a chunk beside it); without this, paths relative to a nested source file
 * would resolve one or more folders off. The location is computed relative to the output file
 * at run time, so the built tree can be moved or copied (Docker image, another folder).
 * Every output file sits directly in `outDir`, which tsup guarantees for named entries and
 * chunks.
 * @param outDir absolute folder the bundle is written to
 * @param sourceDir absolute folder whose files get their own location (the package's `src/`)
 */
export function sourceLocationPlugin(outDir: string, sourceDir: string): Plugin {
  const inSource = new RegExp(`^${escape(sourceDir + sep)}.*\\.ts$`);
  return {
    name: 'dictamesh-source-location',
    setup(build) {
      build.onLoad({ filter: inSource }, async ({ path }) => {
        const text = await readFile(path, 'utf8');
        if (!text.includes('import.meta.url')) return undefined;
        const fromOutput = relative(outDir, path).split(sep).join('/');
        const location = `new URL(${JSON.stringify(fromOutput)}, import.meta.url).href`;
        return { contents: text.replace(/\bimport\.meta\.url\b/g, location), loader: 'ts' };
      });
    },
  };
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

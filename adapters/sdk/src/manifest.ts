/**
 * Set to `true` by the build (tsup `define`, see tsup.config.ts) in compiled output; not
 * defined when this file runs as TypeScript (tsx, vitest).
 */
declare const __DICTAMESH_COMPILED__: boolean | undefined;

/** Whether this code runs compiled (`dist/`) rather than from its TypeScript source. */
const COMPILED = typeof __DICTAMESH_COMPILED__ !== 'undefined' && __DICTAMESH_COMPILED__;

/**
 * The `dictamesh.adapter` entry of an adapter package's package.json: the file that
 * default-exports its `AdapterDefinition`, relative to the package folder. Either one file for
 * every run (`"src/definition.ts"`, the original form, or a JavaScript file) or, like a
 * conditional export, the TypeScript source and the compiled file:
 * `{ "@dictamesh/source": "./src/definition.ts", "default": "./dist/definition.js" }`.
 */
export type AdapterManifestEntry = string | { '@dictamesh/source'?: string; default?: string };

/**
 * The definition file to import for an adapter package.json's `dictamesh.adapter` entry,
 * relative to the package folder: the `@dictamesh/source` file when this process runs from
 * TypeScript sources (development, tests), the `default` file when it runs compiled
 * (`npm run build`, the Docker image), so source runs never load a stale build and compiled
 * runs never need a TypeScript loader.
 * @param entry the manifest's `dictamesh.adapter` value (anything: it is read from JSON)
 * @param compiled which one to pick; defaults to how this code itself runs
 * @returns the path, or undefined when the package declares no adapter (or none for this kind
 *   of run)
 */
export function adapterDefinitionFile(entry: unknown, compiled: boolean = COMPILED): string | undefined {
  if (typeof entry === 'string') return entry;
  if (!entry || typeof entry !== 'object') return undefined;
  const file = (entry as Record<string, unknown>)[compiled ? 'default' : '@dictamesh/source'];
  return typeof file === 'string' ? file : undefined;
}

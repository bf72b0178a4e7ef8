import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { err } from '@dictamesh/runtime';

/** Where the supergraph config is looked for when `SUPERGRAPH_CONFIG` is unset (relative to the working directory). */
export const DEFAULT_SUPERGRAPH_CONFIG = 'supergraph.yaml';

/** One subgraph of a {@link SupergraphConfig}. */
export interface SubgraphEntry {
  /** Its name in the supergraph (`join__Graph`), e.g. `catalog`. */
  name: string;
  /** Where the gateway sends its part of a query plan, e.g. `http://127.0.0.1:4001/graphql`. */
  routingUrl: string;
  /** Absolute path of its SDL file. */
  schemaFile: string;
}

/** A supergraph config, read by {@link loadSupergraphConfig}. */
export interface SupergraphConfig {
  /** Absolute path of the file it was read from. */
  file: string;
  /** `federation_version` as written (`2` or `=2.x.y`). */
  federationVersion: string;
  /** The subgraphs, in the file's order. */
  subgraphs: readonly SubgraphEntry[];
}

// Subgraph names become the `<NAME>_SUBGRAPH_URL` variable and a `join__Graph` enum value.
const NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

const schema = z.strictObject({
  federation_version: z.union([z.string(), z.number()]).transform(String),
  subgraphs: z
    .record(
      z.string().regex(NAME),
      z.strictObject({
        routing_url: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }),
        schema: z.strictObject(
          { file: z.string({ error: "expected the path of the subgraph's SDL file" }).min(1) },
          { error: 'expected `schema: { file: <path> }` (the SDL file; introspection and GraphOS refs are not supported)' },
        ),
      }),
      { error: (issue) => (issue.code === 'invalid_key' ? 'a subgraph name is a letter then letters, digits or `_`' : undefined) },
    )
    .refine((subgraphs) => Object.keys(subgraphs).length > 0, 'at least one subgraph'),
});

/** The `@apollo/composition` version this gateway composes with, e.g. `2.14.4`. */
export const COMPOSITION_VERSION: string = (createRequire(import.meta.url)('@apollo/composition/package.json') as { version: string })
  .version;

/**
 * Reads a supergraph config in the format of Apollo rover's `supergraph.yaml`:
 *
 * ```yaml
 * federation_version: =2.14.4
 * subgraphs:
 *   catalog:
 *     routing_url: http://127.0.0.1:4001/graphql
 *     schema:
 *       file: ./schemas/subgraphs/catalog.graphql
 * ```
 *
 * `schema.file` is relative to the config file's folder (as rover reads it). `federation_version`
 * is `2` (the composition at hand) or `=2.x.y`, which must be the version of `@apollo/composition`
 * installed here ({@link COMPOSITION_VERSION}): a pinned composition is never silently replaced by
 * another. Rover's other schema sources (`subgraph_url` introspection, `graphref`) are refused.
 *
 * @param file - path of the YAML file (relative to the working directory)
 * @throws DictaMeshError `CONFIGURATION_INVALID` naming the file and, per problem, the path in it
 *   (`subgraphs.catalog.routing_url: expected an http(s) URL`) in `details.problems`; also when the
 *   file cannot be read or is not YAML
 */
export function loadSupergraphConfig(file: string = DEFAULT_SUPERGRAPH_CONFIG): SupergraphConfig {
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw invalid(path, [(cause as Error).message], cause);
  }
  return parseSupergraphConfig(text, path);
}

/**
 * Parses the text of a supergraph config (see {@link loadSupergraphConfig}).
 * @param path - absolute path of the file the text is from (names it in errors; relative schema files resolve from its folder)
 * @throws DictaMeshError `CONFIGURATION_INVALID` as {@link loadSupergraphConfig}
 */
export function parseSupergraphConfig(text: string, path: string): SupergraphConfig {
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0)
    throw invalid(
      path,
      document.errors.map((e) => e.message.split('\n')[0]!),
    );
  const result = schema.safeParse(document.toJS());
  if (!result.success)
    throw invalid(
      path,
      result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
    );
  const version = result.data.federation_version;
  if (version !== '2' && version !== `=${COMPOSITION_VERSION}`) {
    throw invalid(path, [
      `federation_version: "${version}" is not composed here; use =${COMPOSITION_VERSION} (the @apollo/composition installed) or 2`,
    ]);
  }
  return {
    file: path,
    federationVersion: version,
    subgraphs: Object.entries(result.data.subgraphs).map(([name, entry]) => ({
      name,
      routingUrl: entry.routing_url,
      schemaFile: isAbsolute(entry.schema.file) ? entry.schema.file : resolve(dirname(path), entry.schema.file),
    })),
  };
}

/**
 * The variable overriding a subgraph's routing URL: its name uppercased, then `_SUBGRAPH_URL`
 * (`catalog` → `CATALOG_SUBGRAPH_URL`).
 */
export function routingUrlVariable(subgraph: string): string {
  return `${subgraph.toUpperCase()}_SUBGRAPH_URL`;
}

function invalid(path: string, problems: string[], cause?: unknown) {
  return err('CONFIGURATION_INVALID', `Invalid supergraph config ${path}:\n  ${problems.join('\n  ')}`, { file: path, problems }, cause);
}

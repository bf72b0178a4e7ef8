import { readFileSync } from 'node:fs';
import { composeServices } from '@apollo/composition';
import { Supergraph } from '@apollo/federation-internals';
import { parse, type GraphQLSchema } from 'graphql';
import { err } from '@dictamesh/runtime';

/** A subgraph to compose: its name, where the gateway reaches it and its SDL file. */
export interface SubgraphSource {
  name: string;
  /** GraphQL endpoint, e.g. `http://127.0.0.1:4001/graphql`. */
  url: string;
  /** Path or file URL of the subgraph's SDL. */
  sdlPath: string | URL;
  /** The subgraph's own readiness endpoint (200 when ready), checked by the gateway's `/readyz`; none: `{ __typename }` only. */
  readinessUrl?: string;
}

/**
 * Composes the supergraph SDL from subgraph SDL files (Apollo Federation 2 composition,
 * `@apollo/composition`), with each subgraph's routing URL embedded.
 *
 * @throws DictaMeshError `CONFIGURATION_INVALID` with every composition error in
 *   `details.problems` (e.g. `INVALID_GRAPHQL`, `FIELD_TYPE_MISMATCH`)
 */
export function composeSupergraph(subgraphs: readonly SubgraphSource[]): string {
  return composeSdl(
    subgraphs.map((s) => {
      try {
        return { name: s.name, url: s.url, sdl: readFileSync(s.sdlPath, 'utf8') };
      } catch (cause) {
        return { name: s.name, url: s.url, error: (cause as Error).message };
      }
    }),
  );
}

/**
 * Composes the supergraph from subgraph SDL texts (e.g. read live from each subgraph's
 * `_service { sdl }`).
 * @throws DictaMeshError `CONFIGURATION_INVALID` as {@link composeSupergraph}
 */
export function composeSdl(subgraphs: ReadonlyArray<{ name: string; url: string; sdl?: string; error?: string }>): string {
  const problems: string[] = [];
  const services = subgraphs.flatMap((s) => {
    try {
      if (s.sdl === undefined) throw new Error(s.error ?? 'no SDL');
      return [{ name: s.name, url: s.url, typeDefs: parse(s.sdl) }];
    } catch (cause) {
      problems.push(`${s.name}: ${(cause as Error).message}`);
      return [];
    }
  });
  if (problems.length === 0) {
    const result = composeServices(services);
    if (result.errors) problems.push(...result.errors.map((e) => `${(e.extensions?.code as string) ?? 'COMPOSITION'}: ${e.message}`));
    else return result.supergraphSdl;
  }
  throw err('CONFIGURATION_INVALID', `Supergraph composition failed:\n  ${problems.join('\n  ')}`, { problems });
}

/**
 * The API schema of a supergraph — what clients query (join and link machinery, `@inaccessible`
 * elements removed), as @apollo/gateway serves it. Authorization features are accepted: the
 * gateway enforces them.
 * @throws GraphQLError when the supergraph SDL is invalid
 */
export function apiSchemaOf(supergraphSdl: string): GraphQLSchema {
  return Supergraph.build(supergraphSdl, { supportedFeatures: null }).apiSchema().toGraphQLJSSchema();
}

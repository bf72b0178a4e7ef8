import { err } from '@dictamesh/runtime';
import type { SubgraphSource } from './compose';
import { loadSupergraphConfig, type SupergraphConfig } from './config';

/** Routing URLs that replace the config's, by subgraph name (`{ catalog: 'http://…/graphql' }`). */
export type SubgraphUrls = Readonly<Record<string, string>>;

/**
 * The subgraphs DictaMesh composes: every entry of the supergraph config, routed to `urls[name]`
 * when given (an environment override, or the URL a subgraph started in this process listens
 * on), else to the config's `routing_url`. Each one's readiness is checked at `/readyz` beside
 * its GraphQL endpoint (`…/graphql` → `…/readyz`), as every DictaMesh subgraph serves it.
 *
 * @param urls - routing URLs replacing the config's, by subgraph name
 * @param config - the supergraph config; default `supergraph.yaml` of the working directory
 * @throws DictaMeshError `CONFIGURATION_INVALID` when `urls` names a subgraph the config does
 *   not list, or as {@link loadSupergraphConfig}
 */
export function dictameshSubgraphs(urls: SubgraphUrls = {}, config: SupergraphConfig = loadSupergraphConfig()): SubgraphSource[] {
  const unknown = Object.keys(urls).filter((name) => !config.subgraphs.some((s) => s.name === name));
  if (unknown.length > 0) {
    throw err('CONFIGURATION_INVALID', `${config.file} lists no subgraph ${unknown.join(', ')}`, { file: config.file, subgraphs: unknown });
  }
  return config.subgraphs.map(({ name, routingUrl, schemaFile }) => {
    const url = urls[name] ?? routingUrl;
    return { name, url, sdlPath: schemaFile, readinessUrl: new URL('readyz', url).href };
  });
}

import type { SubgraphSource } from './supergraph';

/** SDL of every subgraph, in the repository's `schemas/subgraphs/`. */
const sdl = (name: string) => new URL(`../../schemas/subgraphs/${name}.graphql`, import.meta.url);

/** Subgraph URLs the gateway routes to. */
export interface SubgraphUrls {
  catalog: string;
}

/** The subgraphs DictaMesh composes, with their URLs. */
export function dictameshSubgraphs(urls: SubgraphUrls): SubgraphSource[] {
  return [{ name: 'catalog', url: urls.catalog, sdlPath: sdl('catalog') }];
}

import type { SubgraphSource } from './supergraph';

/** SDL of every subgraph, in the repository's `schemas/subgraphs/`. */
const sdl = (name: string) => new URL(`../../schemas/subgraphs/${name}.graphql`, import.meta.url);

/** Subgraph URLs the gateway routes to. */
export interface SubgraphUrls {
  catalog: string;
}

/** The subgraphs DictaMesh composes, with their URLs. */
export function dictameshSubgraphs(urls: SubgraphUrls): SubgraphSource[] {
  // the catalog's /readyz sits beside its /graphql and reads every catalog table
  return [{ name: 'catalog', url: urls.catalog, sdlPath: sdl('catalog'), readinessUrl: new URL('readyz', urls.catalog).href }];
}

export { apiSchemaOf, composeSupergraph, composeSdl, type SubgraphSource } from './compose';
export {
  COMPOSITION_VERSION,
  DEFAULT_SUPERGRAPH_CONFIG,
  loadSupergraphConfig,
  parseSupergraphConfig,
  routingUrlVariable,
  type SubgraphEntry,
  type SupergraphConfig,
} from './config';
export { dictameshSubgraphs, type SubgraphUrls } from './subgraphs';

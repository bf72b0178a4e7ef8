export { createGatewayService, type GatewayService, type GatewayServiceOptions } from './service';
export { composeSupergraph, type SubgraphSource } from './supergraph';
export { dictameshSubgraphs, type SubgraphUrls } from './subgraphs';

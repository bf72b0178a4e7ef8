import { createLogger } from '@dictamesh/runtime';
import { createGatewayService, type GatewayService, type GatewayServiceOptions } from '../src/service';
import { composeSupergraph, dictameshSubgraphs } from '../src/supergraph';

/**
 * A gateway over DictaMesh's real supergraph whose catalog subgraph is at `catalogUrl` (a
 * loopback stand-in in tests); silent logs, introspection off unless `options` say otherwise.
 */
export function gatewayOver(catalogUrl: string, options: Partial<GatewayServiceOptions> = {}): Promise<GatewayService> {
  const subgraphs = dictameshSubgraphs({ catalog: catalogUrl });
  return createGatewayService({
    supergraphSdl: composeSupergraph(subgraphs),
    subgraphs,
    logger: createLogger('test', 'silent'),
    introspection: false,
    ...options,
  });
}

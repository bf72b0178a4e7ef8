import { createLogger } from '@dictamesh/runtime';
import { createGatewayService, type GatewayService, type GatewayServiceOptions } from '../src/service';
import { composeSupergraph, dictameshSubgraphs } from '../src/supergraph';

/** Supergraphs composed so far, by catalog URL: composition is most of a test gateway's start-up CPU. */
const composed = new Map<string, string>();

/**
 * A gateway over DictaMesh's real supergraph whose catalog subgraph is at `catalogUrl` and whose
 * adapters subgraph is at `adapters/graphql` beside it (the loopback stand-in of
 * `catalog-stand-in.ts` serves both); silent logs, introspection off unless `options` say otherwise.
 */
export function gatewayOver(catalogUrl: string, options: Partial<GatewayServiceOptions> = {}): Promise<GatewayService> {
  const subgraphs = dictameshSubgraphs({ catalog: catalogUrl, adapters: new URL('adapters/graphql', catalogUrl).href });
  let supergraphSdl = composed.get(catalogUrl);
  if (!supergraphSdl) composed.set(catalogUrl, (supergraphSdl = composeSupergraph(subgraphs)));
  return createGatewayService({
    supergraphSdl,
    subgraphs,
    logger: createLogger('test', 'silent'),
    introspection: false,
    ...options,
  });
}

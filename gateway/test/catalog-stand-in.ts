import { buildSubgraphSchema } from '@apollo/subgraph';
import { readFileSync } from 'node:fs';
import { graphql, parse } from 'graphql';
import { json, startLocalServer, type LocalServer } from '../../test/local-server';

const sdl = (name: string) => parse(readFileSync(new URL(`../../schemas/subgraphs/${name}.graphql`, import.meta.url), 'utf8'));

/**
 * A stand-in for DictaMesh's subgraphs on loopback: the catalog's own SDL (directives included)
 * at `/graphql`, the adapter runtime's (`adapters`) at `/adapters/graphql` ({@link gatewayOver}
 * routes there), both executing with the given fixed-data resolvers, so a gateway over the real
 * supergraph can be tested without a database.
 * @param resolvers `@apollo/subgraph` resolver map (fixed data) of both subgraphs; each takes the types and fields it has
 * @param onQuery receives every query document that reaches the stand-in
 */
export async function startCatalogStandIn(resolvers: object, onQuery?: (query: string) => void): Promise<LocalServer> {
  const schemas = {
    catalog: buildSubgraphSchema({ typeDefs: sdl('catalog'), resolvers: resolvers as never }),
    adapters: buildSubgraphSchema({ typeDefs: sdl('adapters'), resolvers: resolvers as never }),
  };
  const catalog = await startLocalServer();
  catalog.handle(async (req, res) => {
    let text = '';
    for await (const chunk of req) text += String(chunk);
    const { query, variables } = JSON.parse(text) as { query: string; variables?: Record<string, unknown> };
    onQuery?.(query);
    const schema = req.url?.startsWith('/adapters/') ? schemas.adapters : schemas.catalog;
    json(res, 200, await graphql({ schema, source: query, variableValues: variables ?? {} }));
  });
  return catalog;
}

import { buildSubgraphSchema } from '@apollo/subgraph';
import { readFileSync } from 'node:fs';
import { graphql, parse } from 'graphql';
import { json, startLocalServer, type LocalServer } from '../../test/local-server';

const sdl = readFileSync(new URL('../../schemas/subgraphs/catalog.graphql', import.meta.url), 'utf8');

/**
 * A catalog subgraph stand-in on loopback: the catalog's own SDL (directives included)
 * executing with the given fixed-data resolvers, so a gateway over the real supergraph can be
 * tested without a database.
 * @param resolvers `@apollo/subgraph` resolver map (fixed data)
 * @param onQuery receives every query document that reaches the stand-in
 */
export async function startCatalogStandIn(resolvers: object, onQuery?: (query: string) => void): Promise<LocalServer> {
  const schema = buildSubgraphSchema({ typeDefs: parse(sdl), resolvers: resolvers as never });
  const catalog = await startLocalServer();
  catalog.handle(async (req, res) => {
    let text = '';
    for await (const chunk of req) text += String(chunk);
    const { query, variables } = JSON.parse(text) as { query: string; variables?: Record<string, unknown> };
    onQuery?.(query);
    json(res, 200, await graphql({ schema, source: query, variableValues: variables ?? {} }));
  });
  return catalog;
}

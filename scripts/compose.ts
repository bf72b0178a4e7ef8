// `npm run compose`: composes schemas/subgraphs/*.graphql into schemas/supergraph.graphql.
// Exits 1 and prints every composition error when the subgraphs do not compose.
import { writeFileSync } from 'node:fs';
import { composeSupergraph, dictameshSubgraphs } from '@dictamesh/gateway';
import { DictaMeshError } from '@dictamesh/runtime';

try {
  const sdl = composeSupergraph(dictameshSubgraphs({ catalog: 'http://127.0.0.1:4001/graphql' }));
  const out = new URL('../schemas/supergraph.graphql', import.meta.url);
  writeFileSync(out, sdl.endsWith('\n') ? sdl : `${sdl}\n`);
  console.log(`supergraph composed: ${out.pathname}`);
} catch (error) {
  console.error(error instanceof DictaMeshError ? error.message : error);
  process.exit(1);
}

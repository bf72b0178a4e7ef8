// `npm run compose`: composes every subgraph listed in supergraph.yaml (or the file
// SUPERGRAPH_CONFIG names) into schemas/supergraph.graphql, with the config's routing URLs.
// Exits 1 and prints every problem when the config is invalid or the subgraphs do not compose.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { composeSupergraph, dictameshSubgraphs, loadSupergraphConfig } from '@dictamesh/gateway';
import { DictaMeshError } from '@dictamesh/runtime';

try {
  const config = loadSupergraphConfig(process.env.SUPERGRAPH_CONFIG || fileURLToPath(new URL('../supergraph.yaml', import.meta.url)));
  const sdl = composeSupergraph(dictameshSubgraphs({}, config));
  const out = new URL('../schemas/supergraph.graphql', import.meta.url);
  writeFileSync(out, sdl.endsWith('\n') ? sdl : `${sdl}\n`);
  console.log(`supergraph of ${config.subgraphs.map((s) => s.name).join(', ')} composed: ${out.pathname}`);
} catch (error) {
  console.error(error instanceof DictaMeshError ? error.message : error);
  process.exit(1);
}

// One gateway under test, in its own process (so its memory and CPU are its own):
//
//   tsx bench/gateway/gateway-process.ts <dictamesh|apollo|hive> <port> <supergraph file> <subgraph SDL folder>
//
// - dictamesh: createGatewayService with every plugin on (authentication, principal signing,
//   demand control, rate limits in memory, dedup, plan cache, hot reload watching, metrics);
// - apollo: bare @apollo/gateway in @apollo/server's standalone server, default settings;
// - hive: Hive Gateway's runtime (@graphql-hive/gateway-runtime) on node:http, defaults.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';

process.env.APOLLO_TELEMETRY_DISABLED = 'true';
const [kind, portText, supergraphFile, sdlFolder] = process.argv.slice(2) as [string, string, string, string];
const port = Number(portText);
const supergraphSdl = readFileSync(supergraphFile, 'utf8');

if (kind === 'dictamesh') {
  const { createGatewayService, createAuthenticator, GatewayRateLimits } = await import('@dictamesh/gateway');
  const { createLogger, GatewayTokens } = await import('@dictamesh/runtime');
  const subgraphs = JSON.parse(process.env.SUBGRAPH_URLS!) as Record<string, string>;
  const gateway = await createGatewayService({
    supergraphSdl,
    subgraphs: Object.entries(subgraphs).map(([name, url]) => ({ name, url, sdlPath: join(sdlFolder, `${name}.graphql`) })),
    logger: createLogger('bench-gateway', 'warn'),
    introspection: false,
    auth: { authenticate: createAuthenticator({ mode: 'optional' }), tokens: new GatewayTokens(randomBytes(32).toString('base64')) },
    rateLimits: new GatewayRateLimits({ requests: 1e9, cost: 1e12, orgRequests: 1e9, orgCost: 1e12, windowSeconds: 60 }),
    demandControl: { maxCost: 1_000_000, maxDepth: 20 },
    hotReload: { watchFiles: true, pollIntervalMs: 0 },
  });
  await gateway.app.listen({ host: '127.0.0.1', port });
} else if (kind === 'apollo') {
  const { ApolloGateway } = await import('@apollo/gateway');
  const { ApolloServer } = await import('@apollo/server');
  const { startStandaloneServer } = await import('@apollo/server/standalone');
  const server = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl }) });
  await startStandaloneServer(server, { listen: { host: '127.0.0.1', port } });
} else if (kind === 'hive') {
  // imported by a computed name: its type declarations augment graphql's error types
  // (graphql-yoga's `http.headers` as a record), which would retype DictaMesh's own code
  const hive = '@graphql-hive/gateway-runtime';
  const { createGatewayRuntime } = (await import(hive)) as {
    createGatewayRuntime(options: { supergraph: string; logging: boolean; maskedErrors: boolean }): Parameters<typeof createServer>[1];
  };
  const gateway = createGatewayRuntime({ supergraph: supergraphSdl, logging: false, maskedErrors: false });
  await new Promise<void>((resolve) => createServer(gateway).listen(port, '127.0.0.1', resolve));
} else {
  throw new Error(`unknown gateway kind ${kind}`);
}
console.log(`ready ${kind} http://127.0.0.1:${port}/graphql`);

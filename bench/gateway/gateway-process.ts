// One gateway under test, in its own process (so its memory and CPU are its own):
//
//   tsx bench/gateway/gateway-process.ts <dictamesh|apollo|hive> <port> <supergraph file> <subgraph SDL folder>
//
// - dictamesh: createGatewayService with every plugin on (authentication, principal signing,
//   demand control, rate limits in memory, dedup, plan cache, hot reload watching, metrics);
//   `GATEWAY_DEDUPLICATE_FETCHES=false` turns the dedup off (as in the CLI's environment);
// - apollo: bare @apollo/gateway in @apollo/server's standalone server, default settings;
// - hive: Hive Gateway's runtime (@graphql-hive/gateway-runtime) on node:http, defaults but for
//   the browser pages (landing page, GraphiQL: they load assets from CDNs) and its logs; it
//   reports usage nowhere unless `reporting` is given, and dedupes identical in-flight subgraph
//   queries by default (like DictaMesh).
//
// Every kind exits at once on SIGTERM / SIGINT: Hive's runtime takes the first SIGTERM with its
// own `process.once` handler (@graphql-mesh/utils registerTerminateHandler), disposes its
// transports and keeps the HTTP server (so the process) alive — the benchmark waited for that
// exit for ever, which looked like a gateway that never answered.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';

process.env.APOLLO_TELEMETRY_DISABLED = 'true';
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => process.exit(0));
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
    deduplicateFetches: process.env.GATEWAY_DEDUPLICATE_FETCHES !== 'false',
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
    createGatewayRuntime(options: {
      supergraph: string;
      logging: boolean | string;
      maskedErrors: boolean;
      graphiql: boolean;
      landingPage: boolean;
    }): Parameters<typeof createServer>[1];
  };
  const gateway = createGatewayRuntime({
    supergraph: supergraphSdl,
    logging: process.env.HIVE_LOG_LEVEL ?? false,
    maskedErrors: false,
    graphiql: false,
    landingPage: false,
  });
  await new Promise<void>((resolve) => createServer(gateway).listen(port, '127.0.0.1', resolve));
} else {
  throw new Error(`unknown gateway kind ${kind}`);
}
console.log(`ready ${kind} http://127.0.0.1:${port}/graphql`);

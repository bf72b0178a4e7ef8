import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FastifyInstance } from 'fastify';

const require = createRequire(import.meta.url);

/** The IDE's files, all from npm packages (no CDN): React 18 and GraphiQL 3 UMD builds. */
// the packages' exports leave out their browser (UMD) builds: found next to their package.json
const inPackage = (name: string, file: string) => join(dirname(require.resolve(`${name}/package.json`)), file);
const ASSETS: Record<string, { file: string; type: string }> = {
  'react.js': { file: inPackage('react', 'umd/react.production.min.js'), type: 'text/javascript' },
  'react-dom.js': { file: inPackage('react-dom', 'umd/react-dom.production.min.js'), type: 'text/javascript' },
  'graphiql.js': { file: inPackage('graphiql', 'graphiql.min.js'), type: 'text/javascript' },
  'graphiql.css': { file: inPackage('graphiql', 'graphiql.min.css'), type: 'text/css' },
};

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>DictaMesh GraphQL</title>
    <link rel="stylesheet" href="/ide/assets/graphiql.css" />
    <style>body { margin: 0; } #ide { height: 100vh; }</style>
  </head>
  <body>
    <div id="ide"></div>
    <script src="/ide/assets/react.js"></script>
    <script src="/ide/assets/react-dom.js"></script>
    <script src="/ide/assets/graphiql.js"></script>
    <script src="/ide/assets/start.js"></script>
  </body>
</html>
`;

// a file of its own, so the page's CSP needs no inline scripts
const START = `const fetcher = GraphiQL.createFetcher({ url: new URL('/graphql', location.href).href });
ReactDOM.createRoot(document.getElementById('ide')).render(
  React.createElement(GraphiQL, { fetcher, defaultQuery: '{ viewer { subject org scopes } }', isHeadersEditorEnabled: true }),
);
`;

/** Everything the page loads comes from this origin; nothing reaches a CDN. */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * An offline GraphQL IDE at `GET /ide`: GraphiQL 3 with React 18, served from the npm packages
 * (no CDN — nothing leaves the machine), talking to this gateway's `/graphql` (headers editor
 * for `Authorization` / `X-API-Key`). Needs introspection to be on; a strict CSP keeps the page
 * to this origin. Assets are read once and cached by browsers for a day.
 */
export function createIdeRoutes(app: FastifyInstance): void {
  const assets = new Map(Object.entries(ASSETS).map(([name, { file, type }]) => [name, { body: readFileSync(file), type }]));
  assets.set('start.js', { body: Buffer.from(START), type: 'text/javascript' });
  app.get('/ide', async (_request, reply) => reply.type('text/html; charset=utf-8').header('content-security-policy', CSP).send(PAGE));
  app.get<{ Params: { name: string } }>('/ide/assets/:name', async (request, reply) => {
    const asset = assets.get(request.params.name);
    if (!asset) return reply.status(404).send({ code: 'NOT_FOUND', message: 'No such IDE asset.' });
    return reply.type(`${asset.type}; charset=utf-8`).header('cache-control', 'public, max-age=86400').send(asset.body);
  });
}

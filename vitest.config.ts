import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);
// Workspace packages export `./dist/*.js` to Node and their TypeScript sources under this
// condition: tests run the sources, without a build (docs/deployment.md "Build").
const SOURCE_CONDITION = '@dictamesh/source';

// Not test files wherever they lie: dependencies, and adapters scaffolded into the data directory.
const exclude = ['**/node_modules/**', '.dictamesh/**'];

// Three projects (`vitest run --project <name>`; `npm test` runs all three):
// - unit: `*.test.ts` next to the code; no server (no Kafka, PostgreSQL server, Redis, browser),
//   PGlite in-process and loopback stand-ins only, so it has no global setup.
// - integration: `*.integration.test.ts` against the real parts (Kafka broker, PostgreSQL, Redis,
//   Chromium) that test/global-setup.ts starts for it.
// - e2e: the system tests of the root `e2e/` folder, the running stack driven through the gateway.
export default defineConfig({
  resolve: {
    // graphql 16 ships ESM (`module`) and CJS (`main`) builds; Node and the Apollo packages
    // load the CJS one. Vite would pick the ESM one for our imports, and two copies of
    // graphql reject each other's schemas ("Cannot use GraphQLSchema from another realm").
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  // the source condition, then vitest's default (Vite's server conditions without `module`, which picks ESM
  // builds Node then cannot load, e.g. @opentelemetry/api's); vitest also passes these to
  // its workers as `--conditions`
  ssr: { resolve: { conditions: [SOURCE_CONDITION, 'node', 'development|production'] } },
  test: {
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // NODE_OPTIONS: processes the tests spawn (`node --import tsx …`, `npx tsx …`) run the sources too
    env: {
      APOLLO_TELEMETRY_DISABLED: 'true',
      LOG_LEVEL: 'silent',
      NODE_OPTIONS: [process.env.NODE_OPTIONS, `--conditions=${SOURCE_CONDITION}`].filter(Boolean).join(' '),
    },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['**/*.test.ts'],
          // one module graph per worker, not per file: importing Apollo, Fastify and Prisma again
          // for every file was most of the time of the loop (these tests keep no module state)
          isolate: false,
          exclude: [...exclude, '**/*.integration.test.ts', '**/*.e2e.test.ts', 'e2e/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['**/*.integration.test.ts'],
          exclude: [...exclude, 'e2e/**'],
          globalSetup: ['test/global-setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['e2e/**/*.test.ts'],
          exclude,
          globalSetup: ['test/global-setup.ts'],
        },
      },
    ],
  },
});

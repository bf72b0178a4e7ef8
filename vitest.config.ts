import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // graphql 16 ships ESM (`module`) and CJS (`main`) builds; Node and the Apollo packages
    // load the CJS one. Vite would pick the ESM one for our imports, and two copies of
    // graphql reject each other's schemas ("Cannot use GraphQLSchema from another realm").
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    exclude: ['**/node_modules/**', '.dictamesh/**'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    env: { APOLLO_TELEMETRY_DISABLED: 'true', LOG_LEVEL: 'silent' },
  },
});

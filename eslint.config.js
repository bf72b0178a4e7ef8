// ESLint flat config: typescript-eslint recommended rules on every workspace, and the layers of
// ARCHITECTURE.md as an eslint-plugin-boundaries rule (test/layer-boundaries.test.ts shows it
// failing on upward and sideways imports).
import js from '@eslint/js';
import boundaries from 'eslint-plugin-boundaries';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * Elements, first match wins. `lib`: libraries (import only other libraries); `adapter-sdk`;
 * `adapter-runtime`: the service that hosts adapters (finds adapter packages through their
 * manifests, never imports one); `adapter`: any other folder under adapters/; services
 * (`subgraph`, `gateway`); `cli`: the composition root; `tooling`: system tests, benchmarks,
 * scripts and the shared test helpers in test/ (may import anything).
 */
const elements = [
  { type: 'lib', pattern: 'packages/*', capture: ['name'], partialMatch: false },
  { type: 'adapter-sdk', pattern: 'adapters/sdk', partialMatch: false },
  { type: 'adapter-runtime', pattern: 'adapters/runtime', partialMatch: false },
  { type: 'adapter', pattern: 'adapters/*', capture: ['name'], partialMatch: false },
  { type: 'subgraph', pattern: 'subgraphs/*', capture: ['name'], partialMatch: false },
  { type: 'gateway', pattern: 'gateway', partialMatch: false },
  { type: 'cli', pattern: 'cli', partialMatch: false },
  { type: 'test-helpers', pattern: 'test', partialMatch: false },
  { type: 'tooling', pattern: '{e2e,bench,scripts}', partialMatch: false },
];

/** What each element may import from other elements (always by package name, `@dictamesh/...`). */
const byPackageName = { source: '@dictamesh/**' };
const mayImport = (from, to) => ({
  from: { element: { type: from } },
  allow: { to: { element: { types: { anyOf: to } } }, dependency: byPackageName },
});
const libAbove = (name, below) => ({
  from: { element: { type: 'lib', captured: { name } } },
  allow: { to: { element: { type: 'lib', captured: { name: below } } }, dependency: byPackageName },
});
const policies = [
  // libraries in ranks, so that no cycle can form: runtime (errors, logging, principal,
  // telemetry) and feature-flags (pure flag evaluation) import no library; events and db import
  // runtime; any other library (a kit) imports those four, never another kit
  libAbove('{events,db}', 'runtime'),
  libAbove('!{runtime,events,db,feature-flags}', '{runtime,events,db,feature-flags}'),
  mayImport('adapter-sdk', ['lib']),
  mayImport('adapter', ['lib', 'adapter-sdk']),
  mayImport('adapter-runtime', ['lib', 'adapter-sdk']),
  mayImport('subgraph', ['lib']),
  mayImport('gateway', ['lib']),
  mayImport('cli', ['lib', 'adapter-sdk', 'adapter-runtime', 'adapter', 'subgraph', 'gateway']),
  // system tests, benchmarks and scripts drive everything (by package name or relative path)
  { from: { element: { types: { anyOf: ['tooling', 'test-helpers'] } } }, allow: { to: { element: { type: '*' } } } },
  // a package's tests and their helpers may reach the shared test helpers in test/ by a relative path
  { from: { file: { categories: 'test' } }, allow: { to: { element: { type: 'test-helpers' } } } },
];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/generated/**', '**/__generated__/**', '.dictamesh/**', 'bench/out/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'off',
    },
  },
  {
    files: ['**/*.ts'],
    plugins: { boundaries },
    settings: {
      'boundaries/elements': elements,
      'boundaries/files': [{ category: 'test', pattern: ['**/*.test.ts', '**/test/**'] }],
      // resolves `@dictamesh/x` through the workspace links and package `exports` to the folder it lives in
      'import/resolver': { typescript: { alwaysTryTypes: true } },
    },
    rules: {
      'boundaries/dependencies': ['error', { default: 'disallow', checkUnknownLocals: true, policies }],
    },
  },
);

#!/usr/bin/env node
// The `dictamesh` command (npm links it as node_modules/.bin/dictamesh, so `npx dictamesh`).
// It runs the compiled CLI, cli/dist/index.js, which `npm install` builds (root postinstall:
// `npm run build`). This launcher is plain JavaScript kept in the repository because npm links
// a bin only when its file exists at install time, before any build step has run.
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/index.js', import.meta.url);
if (!existsSync(compiled)) {
  console.error(
    'dictamesh: the compiled CLI (cli/dist/index.js) is missing: run `npm run build`, ' +
      'or run the TypeScript sources with `npm run dictamesh -- <command>`',
  );
  process.exit(1);
}
await import(compiled.href);

import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** `fixtures/chatwoot/webhooks` of the repository (Chatwoot 4.10.1 bodies). */
export const WEBHOOK_FIXTURES_DIR = fileURLToPath(new URL('../../../fixtures/chatwoot/webhooks', import.meta.url));

/** The raw bytes of one webhook fixture, e.g. `message_created`. */
export function webhookFixture(name: string): Buffer {
  return readFileSync(`${WEBHOOK_FIXTURES_DIR}/${name}.json`);
}

/** Names of every webhook fixture, sorted. */
export function webhookFixtureNames(): string[] {
  return readdirSync(WEBHOOK_FIXTURES_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.replace(/\.json$/, ''))
    .sort();
}

/** `fixtures/chatwoot/api` of the repository (Chatwoot 4.10.1 REST bodies). */
export const API_FIXTURES_DIR = fileURLToPath(new URL('../../../fixtures/chatwoot/api', import.meta.url));

/** One parsed REST fixture, e.g. `contacts`. */
export function apiFixture<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(`${API_FIXTURES_DIR}/${name}.json`, 'utf8')) as T;
}

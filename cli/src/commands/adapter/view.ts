/** `Adapter` as the adapter commands select it. */
export interface AdapterView {
  id: string;
  kind: string;
  version: string;
  status: string;
  secretFields: string[];
  health: { healthy: boolean | null; message: string | null; checkedAt: string | null };
  lastSync: { mode: string; resource: string | null; entities: number; pages: number; durationMs: number } | null;
  lastSyncAt: string | null;
  errorCount: number;
  lastError: string | null;
}

/** The GraphQL selection of an {@link AdapterView}. */
export const ADAPTER_FIELDS =
  'id kind version status secretFields health { healthy message checkedAt } lastSync { mode resource entities pages durationMs } lastSyncAt errorCount lastError';

/** Health for people: `ok`, `unhealthy: <message>`, or `unknown` before the first check. */
export function healthText(adapter: AdapterView): string {
  if (adapter.health.healthy === null) return 'unknown';
  return adapter.health.healthy ? 'ok' : `unhealthy${adapter.health.message ? `: ${adapter.health.message}` : ''}`;
}

/** The last sync for people: `<time> <MODE> <n> entities <p> pages <s>s`, or `never`. */
export function lastSyncText(adapter: AdapterView): string {
  if (!adapter.lastSyncAt && !adapter.lastSync) return 'never';
  const sync = adapter.lastSync;
  const what = sync ? ` ${sync.mode} ${sync.entities} entities ${sync.pages} pages ${(sync.durationMs / 1000).toFixed(1)}s` : '';
  return `${adapter.lastSyncAt ?? '-'}${what}`;
}

/** One adapter on one line: `<id> (<kind>) <STATUS>`. */
export const adapterLabel = (adapter: AdapterView): string => `${adapter.id} (${adapter.kind}) ${adapter.status}`;

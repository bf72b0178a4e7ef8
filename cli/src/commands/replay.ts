import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Options of {@link replayCommand}. */
export interface ReplayOptions {
  /** Webhook endpoint, e.g. `http://127.0.0.1:4002/webhooks/chatwoot/accounts/12`. */
  url: string;
}

/**
 * `dictamesh replay <dir>`: POSTs every `*.json` file of a folder, in name order, to a
 * webhook endpoint as Chatwoot would (`Content-Type: application/json`, raw file bytes),
 * and prints each answer. Exits 1 when a delivery was rejected.
 */
export async function replayCommand(dir: string, options: ReplayOptions): Promise<void> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  if (files.length === 0) {
    console.error(`no *.json files in ${dir}`);
    process.exit(1);
  }
  let failed = 0;
  let accepted = 0;
  for (const file of files) {
    const body = await readFile(join(dir, file));
    let line: string;
    try {
      const response = await fetch(options.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const answer = (await response.json()) as { accepted?: number; code?: string; message?: string; reason?: string };
      if (!response.ok) failed += 1;
      accepted += answer.accepted ?? 0;
      line = `${response.status} ${answer.accepted !== undefined ? `${answer.accepted} events` : (answer.code ?? '')} ${answer.message ?? answer.reason ?? ''}`;
    } catch (error) {
      failed += 1;
      line = `failed: ${(error as Error).message}`;
    }
    console.log(`${file.padEnd(40)} ${line.trim()}`);
  }
  console.log(`\n${files.length} deliveries, ${accepted} entity change events accepted, ${failed} rejected`);
  if (failed > 0) process.exit(1);
}

import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { killHard } from './harness/catalog-process';
import { startEmbeddedProcess, type EmbeddedProcess } from './harness/embedded-process';
import { tempDataDir } from './harness/harness';

const DELIVERIES = 300;
/** The crash comes once this many deliveries got 202, with others in flight. */
const KILL_AFTER = 120;
const CONCURRENCY = 8;

const dataDir = tempDataDir();
const running: EmbeddedProcess[] = [];
afterAll(async () => {
  for (const p of running) await killHard(p.child);
  rmSync(dataDir, { recursive: true, force: true });
});

/** A Chatwoot `contact_created` body of account 12 (the shape of the fixtures'), one contact per delivery. */
const contactCreated = (i: number) =>
  JSON.stringify({ event: 'contact_created', id: 700_000 + i, name: `Crash Contact ${i}`, account: { id: 12, name: 'Shop' } });

/** URNs of the chatwoot contacts the catalog holds (one page; the test creates fewer than 500). */
async function catalogContacts(gateway: string): Promise<Set<string>> {
  const response = await fetch(gateway, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ entities(filter: { source: "chatwoot", type: "contact" }, first: 500) { nodes { urn } } }' }),
  });
  const { data } = (await response.json()) as { data?: { entities: { nodes: Array<{ urn: string }> } } };
  return new Set(data?.entities.nodes.map((n) => n.urn) ?? []);
}

describe('embedded default: accepted webhooks survive kill -9', () => {
  it('ingests after a restart every delivery answered 202 before the process was killed mid-replay', async () => {
    const first = await startEmbeddedProcess(dataDir);
    running.push(first);
    const url = `${first.webhooks}/chatwoot/accounts/12`;
    const accepted = new Set<string>(); // URNs of events in 202 answers
    let answered202 = 0;
    let killed: Promise<void> | undefined;
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (!killed && next < DELIVERIES) {
          const body = contactCreated(next++);
          try {
            const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
            const answer = (await response.json()) as { events?: Array<{ subject: string }> };
            if (response.status !== 202) continue;
            for (const event of answer.events ?? []) accepted.add(event.subject);
            // kill as soon as the K-th 202 arrives, while the other workers' deliveries are in flight
            if (++answered202 >= KILL_AFTER && !killed) killed = killHard(first.child);
          } catch {
            // the connection died with the process: not accepted
          }
        }
      }),
    );
    await killed;
    expect(answered202).toBeGreaterThanOrEqual(KILL_AFTER);
    expect(accepted.size).toBe(answered202);

    const second = await startEmbeddedProcess(dataDir);
    running.push(second);
    let missing = [...accepted];
    const deadline = Date.now() + 120_000; // bounds the wait when records were lost; a pass ends as soon as all are in
    while (missing.length > 0 && Date.now() < deadline) {
      const held = await catalogContacts(second.gateway);
      missing = missing.filter((urn) => !held.has(urn));
      if (missing.length > 0) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect({ accepted: accepted.size, missing }).toEqual({ accepted: accepted.size, missing: [] });
  }, 360_000); // two start-ups of the whole stack in a child process, on a busy 2-core machine
});

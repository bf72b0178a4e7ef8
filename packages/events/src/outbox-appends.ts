import type { OutboxEntry, OutboxStore } from './outbox-store';

interface Waiting {
  entries: OutboxEntry[];
  resolve(ids: string[]): void;
  reject(error: unknown): void;
}

/**
 * Group commit for an {@link OutboxStore}: one append runs at a time, and the publishes that
 * arrive meanwhile share the next one (up to `maxEntries` entries, at least one publish's
 * worth), so concurrent webhooks cost one INSERT between them instead of one each. When the
 * store is idle the write starts on the next turn of the event loop (`setImmediate`), so the
 * publishes of one webhook (one per topic, issued together) and those of requests read in the
 * same turn share it too. A failed append rejects every publish it carried (one statement:
 * none of them is stored).
 *
 * @returns an append function: resolves to the entries' ids, in order, once they are committed
 */
export function coalescedAppends(store: OutboxStore, maxEntries = 1_000): (entries: OutboxEntry[]) => Promise<string[]> {
  const queue: Waiting[] = [];
  let busy = false; // a write is scheduled or running

  async function writeQueued(): Promise<void> {
    while (queue.length > 0) {
      let count = 0;
      let take = 0;
      while (take < queue.length && (take === 0 || count + queue[take]!.entries.length <= maxEntries))
        count += queue[take++]!.entries.length;
      const batch = queue.splice(0, take);
      try {
        const ids = await store.append(batch.flatMap((w) => w.entries));
        let at = 0;
        for (const waiting of batch) waiting.resolve(ids.slice(at, (at += waiting.entries.length)));
      } catch (error) {
        for (const waiting of batch) waiting.reject(error);
      }
    }
    busy = false;
  }

  return (entries) =>
    new Promise<string[]>((resolve, reject) => {
      queue.push({ entries, resolve, reject });
      if (!busy) {
        busy = true;
        setImmediate(() => void writeQueued());
      }
    });
}

import type { OutboxEntry, OutboxStore, StoredOutboxEntry } from '../src/outbox-store';

/**
 * An {@link OutboxStore} in memory, standing for the database in bus tests: it outlives the bus
 * objects that use it (a "restart" is a new bus over the same store) and counts its writes.
 */
export class MemoryOutboxStore implements OutboxStore {
  readonly entries = new Map<string, StoredOutboxEntry>();
  appendCalls = 0;
  /** Entries per append call, in call order. */
  readonly appendSizes: number[] = [];
  removeCalls = 0;
  /** When set, append waits for this before storing (tests hold a write in flight). */
  gate: Promise<void> | undefined;
  /** When set, append rejects with it. */
  failure: Error | undefined;
  private nextId = 1;

  async append(entries: readonly OutboxEntry[]): Promise<string[]> {
    this.appendCalls += 1;
    this.appendSizes.push(entries.length);
    const { failure, gate } = this;
    await gate;
    if (failure) throw failure;
    return entries.map((entry) => {
      const id = String(this.nextId++);
      this.entries.set(id, { ...entry, id });
      return id;
    });
  }

  async read(after: string | undefined, limit: number): Promise<StoredOutboxEntry[]> {
    return [...this.entries.values()].filter((e) => after === undefined || Number(e.id) > Number(after)).slice(0, limit);
  }

  async remove(ids: readonly string[]): Promise<void> {
    this.removeCalls += 1;
    for (const id of ids) this.entries.delete(id);
  }
}

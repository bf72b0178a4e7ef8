import { createLogger } from '@dictamesh/runtime';
import { describe, expect, it } from 'vitest';
import { RelayLoop } from './relay-loop';

/** A relay over an in-memory queue: each round takes up to two records. */
class QueueRelay extends RelayLoop {
  readonly published: number[] = [];
  failNext = false;
  constructor(readonly queue: number[]) {
    super(createLogger('relay-loop-test', 'silent'), 'test relay failed');
  }
  protected async round(): Promise<number> {
    await Promise.resolve();
    if (this.failNext) {
      this.failNext = false;
      throw new Error('bus down');
    }
    const batch = this.queue.splice(0, 2);
    this.published.push(...batch);
    return batch.length;
  }
}

describe('RelayLoop', () => {
  it('publishes round after round until nothing is left', async () => {
    const relay = new QueueRelay([1, 2, 3, 4, 5]);
    expect(await relay.flush()).toBe(5);
    expect(relay.published).toEqual([1, 2, 3, 4, 5]);
  });

  it('shares the run in flight with a concurrent flush, and goes round again for what was added meanwhile', async () => {
    const relay = new QueueRelay([1, 2, 3]);
    const first = relay.flush();
    relay.queue.push(4);
    const second = relay.flush();
    expect(second).toBe(first);
    expect(await first).toBe(4);
    expect(relay.published).toEqual([1, 2, 3, 4]);
  });

  it('ends a run at a failed round, leaving the rest for the next one', async () => {
    const relay = new QueueRelay([1, 2, 3]);
    relay.failNext = true;
    expect(await relay.flush()).toBe(0);
    expect(relay.queue).toEqual([1, 2, 3]);
    expect(await relay.flush()).toBe(3);
  });
});

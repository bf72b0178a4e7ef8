import type { Database, Prisma } from '@dictamesh/db';
import { createLogger } from '@dictamesh/runtime';
import { describe, expect, it } from 'vitest';
import { OutboxRelayLoop } from './outbox-relay';

/** A database whose `$transaction` records what ran inside a transaction (no SQL: the steps are the relay's). */
function fakeDb(kind: Database['kind']) {
  const log: string[] = [];
  let open = 0;
  const prisma = {
    async $transaction<T>(fn: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
      open += 1;
      log.push('BEGIN');
      try {
        return await fn({} as Prisma.TransactionClient);
      } finally {
        open -= 1;
        log.push('COMMIT');
      }
    },
  };
  return { db: { kind, prisma } as unknown as Pick<Database, 'kind' | 'prisma'>, log, inTransaction: () => open > 0 };
}

class ListRelay extends OutboxRelayLoop<{ count: number; items: number[] }> {
  constructor(
    private readonly fake: ReturnType<typeof fakeDb>,
    private readonly queue: number[],
  ) {
    super({ db: fake.db, log: createLogger('outbox-relay-test', 'silent'), failure: 'failed' });
  }
  protected async claim() {
    this.fake.log.push('claim');
    const items = this.queue.slice(0, 2);
    return items.length === 0 ? undefined : { count: items.length, items };
  }
  protected async publish(batch: { items: number[] }) {
    this.fake.log.push(`publish ${batch.items.join(',')} ${this.fake.inTransaction() ? 'in' : 'outside'} a transaction`);
  }
  protected async settle(_tx: unknown, batch: { count: number }) {
    this.queue.splice(0, batch.count);
    this.fake.log.push('settle');
  }
}

describe('OutboxRelayLoop', () => {
  it('on PostgreSQL claims, publishes and settles a batch in one transaction (the row locks held while publishing)', async () => {
    const fake = fakeDb('postgres');
    expect(await new ListRelay(fake, [1, 2, 3]).flush()).toBe(3);
    expect(fake.log).toEqual([
      ...['BEGIN', 'claim', 'publish 1,2 in a transaction', 'settle', 'COMMIT'],
      ...['BEGIN', 'claim', 'publish 3 in a transaction', 'settle', 'COMMIT'],
      ...['BEGIN', 'claim', 'COMMIT'],
    ]);
  });

  it('on PGlite publishes outside any transaction: its one connection stays free for a bus that writes its outbox there', async () => {
    const fake = fakeDb('pglite');
    expect(await new ListRelay(fake, [1, 2, 3]).flush()).toBe(3);
    expect(fake.log).toEqual([
      ...['BEGIN', 'claim', 'COMMIT', 'publish 1,2 outside a transaction', 'BEGIN', 'settle', 'COMMIT'],
      ...['BEGIN', 'claim', 'COMMIT', 'publish 3 outside a transaction', 'BEGIN', 'settle', 'COMMIT'],
      ...['BEGIN', 'claim', 'COMMIT'],
    ]);
  });
});

import { pino } from 'pino';
import { MemoryCheckpointStore, runSync, type ChangeBatch, type CheckpointStore } from '@dictamesh/adapter-sdk';
import { assertEntityChange } from '@dictamesh/events';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeChatwoot } from '../../test/fake-chatwoot';
import { chatwootConfigSchema } from '../config';
import { ChatwootAdapter } from './chatwoot-adapter';

const size = { contacts: 40, conversations: 60, messagesOfFirst: 45 };
// 3 agents + 2 teams + 4 inboxes + 40 contacts + 60 conversations + 45 + 59 × 7 messages (first conversation: 45)
const EXPECTED = 3 + 2 + 4 + 40 + 60 + 45 + 59 * 7;

let fake: FakeChatwoot;
const log = pino({ level: 'silent' });
const adapterFor = (extra: Record<string, unknown> = {}) =>
  new ChatwootAdapter(
    'cw-test',
    chatwootConfigSchema.parse({ baseUrl: fake.url, accountId: 12, apiAccessToken: 'cw-token', timeoutMs: 2_000, ...extra }),
    { log, outbound: { allowedHosts: ['127.0.0.1'] } }, // the fake Chatwoot listens on loopback
  );

const memoryStore = () => new MemoryCheckpointStore();

const sync = async (
  adapter: ChatwootAdapter,
  store: CheckpointStore,
  mode: 'backfill' | 'incremental',
  publish: (b: ChangeBatch) => Promise<void>,
) => runSync(adapter, { mode, checkpoints: store, publish, signal: new AbortController().signal });

beforeAll(async () => void (fake = await FakeChatwoot.start(size)));
afterAll(() => fake.close());
beforeEach(() => {
  fake.server.requests.length = 0;
  fake.fault = undefined;
});

describe('Chatwoot backfill sync', () => {
  it('pages through every resource and publishes one valid change per record', async () => {
    const adapter = adapterFor();
    const store = memoryStore();
    const urns = new Map<string, number>();
    const progress = await sync(adapter, store, 'backfill', async (batch) => {
      for (const { change } of batch.changes) {
        assertEntityChange(change);
        urns.set(change.urn, (urns.get(change.urn) ?? 0) + 1);
      }
    });
    await adapter.shutdown();
    expect(urns.size).toBe(EXPECTED);
    expect([...urns.values()].every((n) => n === 1)).toBe(true);
    expect(progress.entities).toBe(EXPECTED);
    expect(fake.requested.filter((u) => u.includes('/contacts'))).toEqual([1, 2, 3].map((p) => `/api/v1/accounts/12/contacts?page=${p}`));
    expect(fake.requested.filter((u) => u.includes('/conversations?'))).toHaveLength(3); // 25 + 25 + 10
    expect(fake.requested.filter((u) => u.includes('/conversations/216/messages'))).toHaveLength(3); // 20 + 20 + 5, paged with before=
    expect(store.saved.get('cw-test')).toMatchObject({ resource: null, cursor: null });
    expect(urns.has('dictamesh:chatwoot:account/12:message:216044')).toBe(true);
    // secrets never leave the adapter
    expect(JSON.stringify([...urns.keys()])).not.toContain('hmac');
  });

  it('resumes after a crash at the page in flight, not from the start, and ends with every record', async () => {
    const store = memoryStore();
    const seen = new Set<string>();
    let batches = 0;
    const crashing = adapterFor();
    const crash = await sync(crashing, store, 'backfill', async (batch) => {
      if (++batches === 5) throw new Error('process killed'); // the 2nd contacts page is never published
      for (const { change } of batch.changes) seen.add(change.urn);
    }).catch((e: unknown) => e);
    await crashing.shutdown();
    expect((crash as Error).message).toBe('process killed');
    expect(store.saved.get('cw-test')).toMatchObject({ resource: 'contacts', cursor: '2' });
    fake.server.requests.length = 0;
    const resumed = adapterFor();
    await sync(resumed, store, 'backfill', async (batch) => {
      for (const { change } of batch.changes) seen.add(change.urn);
    });
    await resumed.shutdown();
    expect(seen.size).toBe(EXPECTED);
    const contactPages = fake.requested.filter((u) => u.includes('/contacts'));
    expect(contactPages).toEqual(['/api/v1/accounts/12/contacts?page=2', '/api/v1/accounts/12/contacts?page=3']);
    expect(fake.requested.some((u) => u.endsWith('/agents'))).toBe(false);
  });

  it('re-syncs incrementally: only records changed since the last completed run are published again', async () => {
    const store = memoryStore();
    const adapter = adapterFor();
    await sync(adapter, store, 'backfill', async () => undefined);
    const changedContact = fake.contacts[20]!;
    const later = Math.floor(Date.now() / 1000) + 3600; // newer than anything the first run saw
    changedContact.last_activity_at = later;
    const changedConversation = fake.conversations[30]!;
    changedConversation.updated_at = later + 0.5;
    const published: string[] = [];
    await sync(adapter, store, 'incremental', async (batch) => void published.push(...batch.changes.map((c) => c.change.urn)));
    await adapter.shutdown();
    const byType = (t: string) => published.filter((u) => u.includes(`:${t}:`));
    expect(byType('contact')).toEqual([`dictamesh:chatwoot:account/12:contact:${changedContact.id}`]);
    expect(byType('conversation')).toEqual([`dictamesh:chatwoot:account/12:conversation:${changedConversation.id}`]);
    expect(byType('message')).toEqual([]);
    expect(byType('agent')).toHaveLength(3); // no source times: re-read every run (same event ids, so the catalog skips them)
  });

  it('rides out a 429 with Retry-After and a 503 burst during the sync', async () => {
    let contacts = 0;
    let conversations = 0;
    fake.fault = (req) => {
      if (req.url?.includes('/contacts?page=2') && ++contacts === 1) return { status: 429, headers: { 'retry-after': '1' } };
      if (req.url?.includes('/conversations?page=1') && ++conversations <= 2) return { status: 503 };
      return undefined;
    };
    const adapter = adapterFor();
    const urns = new Set<string>();
    await sync(adapter, memoryStore(), 'backfill', async (batch) => void batch.changes.forEach((c) => urns.add(c.change.urn)));
    await adapter.shutdown();
    expect(urns.size).toBe(EXPECTED);
    expect(contacts).toBe(2);
    expect(conversations).toBe(3);
  });

  it('reports itself unhealthy when the token is refused, with the reason', async () => {
    const adapter = adapterFor({ apiAccessToken: 'wrong' });
    const health = await adapter.health();
    await adapter.shutdown();
    expect(health).toMatchObject({ healthy: false, message: expect.stringMatching(/answered 401/) });
  });
});

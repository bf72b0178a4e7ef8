import type { IncomingMessage, ServerResponse } from 'node:http';
import { json, startLocalServer, type LocalServer } from '../../../test/local-server';
import { apiFixture } from './fixtures';

type Rec = Record<string, unknown> & { id: number };

/** Sizes of the generated account. */
export interface FakeAccountSize {
  contacts: number;
  conversations: number;
  /** Messages of the first conversation (the others keep the fixture's 7). */
  messagesOfFirst: number;
}

/** A fault to inject: return a response to send instead of the real one, or nothing. */
export type Fault = (req: IncomingMessage) => { status: number; headers?: Record<string, string>; body?: unknown } | undefined;

/**
 * A Chatwoot 4.10 Application API on loopback for account 12, answering with the shapes of
 * fixtures/chatwoot/api: the fixture records, plus contacts and conversations cloned
 * from them (new ids) so every list spans several pages (15 contacts, 25 conversations, 20
 * messages per page, Chatwoot's own sizes). Requires the `api_access_token` header.
 */
export class FakeChatwoot {
  readonly contacts: Rec[];
  readonly conversations: Rec[];
  readonly messages = new Map<number, Rec[]>();
  fault?: Fault;

  private constructor(
    readonly server: LocalServer,
    readonly token: string,
    size: FakeAccountSize,
  ) {
    const contactList = apiFixture<{ payload: Rec[] }>('contacts').payload;
    this.contacts = Array.from({ length: size.contacts }, (_, i) => {
      const base = contactList[i % contactList.length]!;
      return i < contactList.length
        ? base
        : { ...base, id: 5000 + i, name: `${String(base.name)} ${i}`, email: `c${i}@example.net`, last_activity_at: 1770700000 + i };
    });
    const conversationList = apiFixture<{ data: { payload: Rec[] } }>('conversations').data.payload;
    this.conversations = Array.from({ length: size.conversations }, (_, i) => {
      const base = conversationList[i % conversationList.length]!;
      return i < conversationList.length ? base : { ...base, id: 1000 + i, updated_at: 1770600000 + i, last_activity_at: 1770600000 + i };
    });
    const fixtureMessages = apiFixture<{ payload: Rec[] }>('conversation_214_messages').payload;
    for (const c of this.conversations) {
      const count = c === this.conversations[0] ? size.messagesOfFirst : fixtureMessages.length;
      this.messages.set(
        c.id,
        Array.from({ length: count }, (_, i) => ({
          ...fixtureMessages[i % fixtureMessages.length]!,
          id: c.id * 1000 + i,
          conversation_id: c.id,
        })),
      );
    }
  }

  /** Starts the fake on 127.0.0.1. */
  static async start(size: FakeAccountSize, token = 'cw-token'): Promise<FakeChatwoot> {
    const fake = new FakeChatwoot(await startLocalServer(), token, size);
    fake.server.handle((req, res) => fake.route(req, res));
    return fake;
  }

  get url(): string {
    return this.server.url;
  }

  /** Paths requested so far, e.g. `/api/v1/accounts/12/contacts?page=2`. */
  get requested(): string[] {
    return this.server.requests.map((r) => r.url);
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private route(req: IncomingMessage, res: ServerResponse): void {
    const injected = this.fault?.(req);
    if (injected) return json(res, injected.status, injected.body ?? { error: 'injected' }, injected.headers);
    if (req.headers.api_access_token !== this.token) return json(res, 401, { error: 'You need to sign in or sign up before continuing.' });
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname.replace(/^\/api\/v1\/accounts\/12\//, '');
    const page = Number(url.searchParams.get('page') ?? 1);
    if (path === 'agents') return json(res, 200, apiFixture('agents'));
    if (path === 'teams') return json(res, 200, apiFixture('teams'));
    if (path === 'inboxes') return json(res, 200, apiFixture('inboxes'));
    if (path === 'contacts') {
      const payload = this.contacts.slice((page - 1) * 15, page * 15);
      // current_page echoes the parameter: a string when sent, the integer 1 when not
      return json(res, 200, { meta: { count: this.contacts.length, current_page: url.searchParams.get('page') ?? 1 }, payload });
    }
    if (path === 'conversations') {
      const payload = this.conversations.slice((page - 1) * 25, page * 25);
      const n = this.conversations.length;
      return json(res, 200, { data: { meta: { mine_count: 0, assigned_count: n, unassigned_count: 0, all_count: n }, payload } });
    }
    const messages = /^conversations\/(\d+)\/messages$/.exec(path);
    if (messages) {
      const all = this.messages.get(Number(messages[1])) ?? [];
      const before = url.searchParams.get('before');
      const older = before ? all.filter((m) => m.id < Number(before)) : all;
      return json(res, 200, { meta: {}, payload: older.slice(-20) });
    }
    return json(res, 404, { error: 'Resource could not be found' });
  }
}

import { createHmac } from 'node:crypto';
import type { ParsedWebhook } from '@dictamesh/adapter-sdk';
import { assertEntityChange, type EntityChange } from '@dictamesh/events';
import { describe, expect, it } from 'vitest';
import { webhookFixture, webhookFixtureNames } from '../../test/fixtures';
import { createChatwootWebhookAdapter } from './adapter';
import type { ChatwootRegistrations, ChatwootWebhookRegistration } from './registrations';

// development mode: deliveries of unregistered accounts are accepted into the default organisation
const adapter = createChatwootWebhookAdapter({ development: true });
const receivedAt = new Date('2026-02-12T00:00:00Z');

async function parse(body: unknown, params: Record<string, string> = {}, raw: Buffer = Buffer.from(JSON.stringify(body))) {
  return adapter.parse(body, { rawBody: raw, params, headers: {}, receivedAt });
}

async function parseFixture(name: string, params: Record<string, string> = {}): Promise<ParsedWebhook> {
  const raw = webhookFixture(name);
  const result = await parse(JSON.parse(raw.toString('utf8')), params, raw);
  if ('ignored' in result) throw new Error(`${name} was ignored: ${result.reason}`);
  return result;
}

const byUrn = (parsed: ParsedWebhook) => new Map(parsed.changes.map(({ change }) => [change.urn, change]));
const rel = (change: EntityChange | undefined, type: string) => change?.relationships.filter((r) => r.type === type).map((r) => r.toUrn);
const U = (type: string, id: number) => `dictamesh:chatwoot:account/12:${type}:${id}`;
/** Registrations as the catalog would list them. */
const lookup = (list: ChatwootWebhookRegistration[]): ChatwootRegistrations => ({
  byAccount: async (accountId) => list.filter((r) => r.accountId === accountId).sort((a, b) => a.id.localeCompare(b.id)),
  byId: async (id) => list.find((r) => r.id === id) ?? null,
});

describe('Chatwoot webhook normalisation (fixtures of Chatwoot 4.10.1)', () => {
  it.each(webhookFixtureNames())('%s yields schema-valid entity changes without secrets', async (name) => {
    const parsed = await parseFixture(name);
    expect(parsed.source).toBe('/dictamesh/adapters/chatwoot/accounts/12');
    expect(parsed.changes.length).toBeGreaterThan(0);
    for (const { change } of parsed.changes) assertEntityChange(change);
    const stored = JSON.stringify(parsed.changes.map((c) => c.change.attributes));
    expect(stored).not.toMatch(/pubsub_token|hmac_token|website_token/);
    expect(stored).not.toContain('qF3kZt9WbXr2mNv7Lp8sHd4J');
  });

  it('conversation_updated: conversation with contact, inbox, assignee and team relationships', async () => {
    const changes = byUrn(await parseFixture('conversation_updated'));
    const conversation = changes.get(U('conversation', 214));
    expect(conversation).toMatchObject({ operation: 'updated', partial: false, entityType: 'conversation', sourceId: '214' });
    expect(conversation?.changedAttributes).toEqual(['assignee_id', 'team_id', 'updated_at']);
    expect(rel(conversation, 'WITH_CONTACT')).toEqual([U('contact', 1187)]);
    expect(rel(conversation, 'IN_INBOX')).toEqual([U('inbox', 21)]);
    expect(rel(conversation, 'ASSIGNED_TO')).toEqual([U('agent', 31)]);
    expect(rel(conversation, 'HANDLED_BY_TEAM')).toEqual([U('team', 5)]);
    expect(changes.get(U('agent', 31))).toMatchObject({ displayName: 'Priya Raman', partial: true });
    expect(changes.get(U('team', 5))).toMatchObject({ displayName: 'returns & exchanges' });
    // float seconds → ISO; the conversation's own time orders it
    expect(conversation?.occurredAt).toBe('2026-02-10T09:21:30.885Z'); // updated_at 1770715290.884512 s, rounded to ms
    expect(conversation?.attributes.agent_last_seen_at).toMatch(/^2026-02-10T/);
  });

  it('conversation_created with no assignee clears ASSIGNED_TO and HANDLED_BY_TEAM', async () => {
    const conversation = byUrn(await parseFixture('conversation_created')).get(U('conversation', 214));
    expect(conversation?.operation).toBe('created');
    expect(rel(conversation, 'ASSIGNED_TO')).toEqual([null]);
    expect(rel(conversation, 'HANDLED_BY_TEAM')).toEqual([null]);
  });

  it('message_created: raw text (not the channel HTML), PART_OF conversation, SENT_BY contact', async () => {
    const changes = byUrn(await parseFixture('message_created'));
    const message = changes.get(U('message', 40211));
    expect(message).toMatchObject({ operation: 'created', partial: false, occurredAt: '2026-02-10T09:14:52.402Z' });
    expect(message?.attributes.content).toBe(
      'Hi! My order LK-50217 arrived today but the tent fly is torn along a seam. Can I swap it for a new one?',
    );
    expect(message?.attributes.message_type).toBe('incoming');
    expect(rel(message, 'PART_OF')).toEqual([U('conversation', 214)]);
    expect(rel(message, 'SENT_BY')).toEqual([U('contact', 1187)]);
    expect(changes.get(U('conversation', 214))?.partial).toBe(true);
    expect(changes.get(U('inbox', 21))).toMatchObject({ displayName: 'Website Chat' });
  });

  it('message_updated: agent sender, delivery status from push data', async () => {
    const message = byUrn(await parseFixture('message_updated')).get(U('message', 40247));
    expect(message?.operation).toBe('updated');
    expect(message?.attributes.status).toBe('failed');
    expect(message?.attributes.content_attributes).toEqual({ external_error: '502 Bad Gateway from orders.larkspur-outdoor.example' });
    expect(rel(message, 'SENT_BY')).toEqual([U('agent', 32)]);
  });

  it('inbox_created: inbox id from working_hours, channel secrets removed', async () => {
    const [only] = (await parseFixture('inbox_created')).changes;
    expect(only?.change).toMatchObject({ urn: U('inbox', 24), operation: 'created', displayName: 'https://eu.larkspur-outdoor.example' });
    expect(only?.change.attributes.channel).not.toHaveProperty('hmac_token');
    expect(only?.change.attributes.channel_id).toBe(11);
  });

  it('contact_updated: time from changed_attributes.updated_at, changed attribute names', async () => {
    const [only] = (await parseFixture('contact_updated')).changes;
    expect(only?.change).toMatchObject({
      urn: U('contact', 1187),
      occurredAt: '2026-02-10T09:19:08.642Z',
      changedAttributes: ['phone_number', 'updated_at'],
    });
  });

  it('gives the same delivery the same CloudEvent ids, and a different body different ids', async () => {
    const a = (await parseFixture('conversation_updated')).changes.map((c) => c.id);
    const b = (await parseFixture('conversation_updated')).changes.map((c) => c.id);
    const c = (await parseFixture('conversation_status_changed')).changes.map((x) => x.id);
    expect(a).toEqual(b);
    expect(new Set([...a, ...c]).size).toBe(a.length + c.length);
  });
});

describe('Chatwoot webhook rejection', () => {
  const conversationWithoutMessages = () => {
    const body = JSON.parse(webhookFixture('conversation_created').toString('utf8'));
    body.messages = [];
    return body;
  };

  it('needs the account from the URL when the body has none', async () => {
    await expect(parse(conversationWithoutMessages())).rejects.toMatchObject({ code: 'WEBHOOK_ACCOUNT_UNKNOWN' });
    const parsed = await parse(conversationWithoutMessages(), { accountId: '12' });
    expect('changes' in parsed && parsed.changes[0]?.change.urn).toBe(U('conversation', 214));
  });

  it('rejects a body from another account than the URL', async () => {
    const body = JSON.parse(webhookFixture('contact_created').toString('utf8'));
    await expect(parse(body, { accountId: '13' })).rejects.toMatchObject({ code: 'WEBHOOK_ACCOUNT_MISMATCH' });
    await expect(parse(body, { accountId: 'abc' })).rejects.toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'accountId' } });
  });

  it('rejects a missing or non-string event and non-object bodies', async () => {
    await expect(parse({ id: 1 })).rejects.toMatchObject({ code: 'WEBHOOK_MISSING_EVENT' });
    await expect(parse({ event: 42 })).rejects.toMatchObject({ code: 'WEBHOOK_INVALID_PAYLOAD' });
    await expect(parse([1, 2])).rejects.toMatchObject({ code: 'WEBHOOK_INVALID_PAYLOAD' });
    await expect(parse('text')).rejects.toMatchObject({ code: 'WEBHOOK_INVALID_PAYLOAD' });
  });

  it('names each field of the wrong type', async () => {
    const body = JSON.parse(webhookFixture('message_created').toString('utf8'));
    body.id = 'forty';
    body.conversation.inbox_id = null;
    try {
      await parse(body);
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: 'WEBHOOK_INVALID_PAYLOAD' });
      const problems = (error as { details: { problems: string[] } }).details.problems;
      expect(problems.some((p) => p.startsWith('id:'))).toBe(true);
      expect(problems.some((p) => p.startsWith('conversation.inbox_id:'))).toBe(true);
    }
  });

  it('ignores typing indicators and unknown events instead of failing', async () => {
    expect(await parse({ event: 'conversation_typing_on', id: 1 })).toMatchObject({ ignored: true, sourceEvent: 'conversation_typing_on' });
    expect(await parse({ event: 'campaign_launched' })).toMatchObject({ ignored: true, reason: expect.stringContaining('unknown') });
  });
});

describe('Chatwoot webhook verification (X-Chatwoot-Signature of Chatwoot ≥ 4.11, URL token before)', () => {
  const secret = 'whsec-0123456789abcdef';
  const token = 'tok_9f8e7d6c5b4a39281706aabb';
  const registrations = lookup([
    { id: 'cw-12', org: 'acme', accountId: 12, webhookSecret: secret },
    { id: 'cw-14', org: 'acme', accountId: 14, webhookToken: token },
  ]);
  const verifying = createChatwootWebhookAdapter({ registrations, development: true });
  const raw = webhookFixture('contact_created'); // Rails' compact JSON with \u003c escapes: verified as bytes
  const body = JSON.parse(raw.toString('utf8'));
  const now = Math.floor(Date.now() / 1_000);
  const sign = (timestamp: number, bytes: Buffer = raw, key = secret) =>
    `sha256=${createHmac('sha256', key).update(`${timestamp}.`).update(bytes).digest('hex')}`;
  const deliver = (headers: Record<string, string>, params: Record<string, string> = { accountId: '12' }, bytes: Buffer = raw) =>
    verifying.parse(body, { rawBody: bytes, params, headers, receivedAt });

  it('accepts a delivery signed over "<timestamp>.<raw body>" with the account secret', async () => {
    const parsed = await deliver({ 'x-chatwoot-signature': sign(now), 'x-chatwoot-timestamp': String(now), 'x-chatwoot-delivery': 'd-1' });
    expect('changes' in parsed && parsed.changes.length).toBeGreaterThan(0);
  });

  it('refuses unsigned, tampered, stale, body-only and wrong-key signatures with WEBHOOK_SIGNATURE_INVALID', async () => {
    const bodyOnly = `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
    const tampered = Buffer.from(raw.toString('utf8').replace('"name"', '"nome"'));
    const cases: Array<[Record<string, string>, string, Buffer?]> = [
      [{}, 'missing'],
      [{ 'x-chatwoot-signature': sign(now) }, 'missing'],
      [{ 'x-chatwoot-signature': 'sha256=xyz', 'x-chatwoot-timestamp': String(now) }, 'malformed'],
      [{ 'x-chatwoot-signature': sign(now), 'x-chatwoot-timestamp': String(now) }, 'mismatch', tampered],
      [{ 'x-chatwoot-signature': sign(now - 301), 'x-chatwoot-timestamp': String(now - 301) }, 'stale'],
      [{ 'x-chatwoot-signature': sign(now + 400), 'x-chatwoot-timestamp': String(now + 400) }, 'stale'],
      [{ 'x-chatwoot-signature': bodyOnly, 'x-chatwoot-timestamp': String(now) }, 'mismatch'],
      [{ 'x-chatwoot-signature': sign(now, raw, 'another-secret-value'), 'x-chatwoot-timestamp': String(now) }, 'mismatch'],
    ];
    for (const [headers, reason, bytes] of cases) {
      await expect(deliver(headers, { accountId: '12' }, bytes)).rejects.toMatchObject({
        code: 'WEBHOOK_SIGNATURE_INVALID',
        details: { reason },
      });
    }
    // the account-less route does not bypass the account's secret
    await expect(deliver({}, {})).rejects.toMatchObject({ code: 'WEBHOOK_SIGNATURE_INVALID' });
  });

  it('checks the URL token of an account that has one, in constant time', async () => {
    const other = { ...body, account: { ...body.account, id: 14 } };
    const parse14 = (params: Record<string, string>) =>
      verifying.parse(other, { rawBody: Buffer.from(JSON.stringify(other)), params, headers: {}, receivedAt });
    expect(await parse14({ accountId: '14', token })).toMatchObject({ source: '/dictamesh/adapters/chatwoot/accounts/14' });
    await expect(parse14({ accountId: '14' })).rejects.toMatchObject({ code: 'WEBHOOK_TOKEN_INVALID' });
    await expect(parse14({ accountId: '14', token: `${token.slice(0, -1)}x` })).rejects.toMatchObject({ code: 'WEBHOOK_TOKEN_INVALID' });
    await expect(parse14({})).rejects.toMatchObject({ code: 'WEBHOOK_TOKEN_INVALID' });
    // a token for an account that has none registered is a misconfiguration, not a pass
    await expect(deliver({}, { accountId: '13', token })).rejects.toMatchObject({ code: 'WEBHOOK_TOKEN_INVALID' });
  });

  it('accepts unverifiable deliveries of accounts without credentials unless verification is required', async () => {
    const thirteen = { ...body, account: { ...body.account, id: 13 } };
    const context = { rawBody: Buffer.from(JSON.stringify(thirteen)), headers: {}, receivedAt };
    expect(await verifying.parse(thirteen, { ...context, params: { accountId: '13' } })).toHaveProperty('changes');
    const strict = createChatwootWebhookAdapter({ registrations, requireVerification: true, development: true });
    await expect(strict.parse(thirteen, { ...context, params: { accountId: '13' } })).rejects.toMatchObject({ code: 'WEBHOOK_UNVERIFIED' });
    await expect(strict.parse(thirteen, { ...context, params: {} })).rejects.toMatchObject({ code: 'WEBHOOK_UNVERIFIED' });
  });
});

describe('Chatwoot webhooks of one account registered by several organisations', () => {
  const ACME = 'acme-secret-0123456789abcdef';
  const GLOBEX = 'globex-secret-0123456789abcdef';
  // globex registered acme's account after acme, with its own secret; its id sorts first
  const registrations = lookup([
    { id: 'cw-acme', org: 'acme', accountId: 12, webhookSecret: ACME },
    { id: 'cw-0-globex', org: 'globex', accountId: 12, webhookSecret: GLOBEX },
  ]);
  const production = createChatwootWebhookAdapter({ registrations });
  const raw = webhookFixture('contact_created');
  const body = JSON.parse(raw.toString('utf8'));
  const signed = (key: string) => {
    const timestamp = String(Math.floor(Date.now() / 1_000));
    return {
      'x-chatwoot-timestamp': timestamp,
      'x-chatwoot-signature': `sha256=${createHmac('sha256', key).update(`${timestamp}.`).update(raw).digest('hex')}`,
    };
  };
  const deliver = (params: Record<string, string>, headers: Record<string, string> = {}, adapter = production) =>
    adapter.parse(body, { rawBody: raw, params, headers, receivedAt });

  it("gives each delivery to the registration whose own secret verifies it, on the account route and the registration's route", async () => {
    expect(await deliver({ accountId: '12' }, signed(ACME))).toMatchObject({ org: 'acme' });
    expect(await deliver({ accountId: '12' }, signed(GLOBEX))).toMatchObject({ org: 'globex' });
    expect(await deliver({}, signed(ACME))).toMatchObject({ org: 'acme' }); // account-less route, account from the body
    expect(await deliver({ adapterId: 'cw-acme' }, signed(ACME))).toMatchObject({ org: 'acme' });
    expect(await deliver({ adapterId: 'cw-0-globex' }, signed(GLOBEX))).toMatchObject({ org: 'globex' });
  });

  it("never verifies a registration's route with another organisation's secret, and refuses what nothing verifies", async () => {
    await expect(deliver({ adapterId: 'cw-acme' }, signed(GLOBEX))).rejects.toMatchObject({ code: 'WEBHOOK_SIGNATURE_INVALID' });
    await expect(deliver({ adapterId: 'cw-acme' })).rejects.toMatchObject({ code: 'WEBHOOK_SIGNATURE_INVALID' });
    await expect(deliver({ accountId: '12' })).rejects.toMatchObject({ code: 'WEBHOOK_UNVERIFIED' });
    await expect(deliver({ accountId: '12' }, signed('another-secret-0123456789'))).rejects.toMatchObject({ code: 'WEBHOOK_UNVERIFIED' });
    await expect(deliver({ adapterId: 'cw-nobody' }, signed(ACME))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(deliver({ adapterId: '../cw-acme' }, signed(ACME))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // the registration's account, not the URL's, is the one the body must be from
    const other = lookup([{ id: 'cw-13', org: 'acme', accountId: 13 }]);
    await expect(deliver({ adapterId: 'cw-13' }, {}, createChatwootWebhookAdapter({ registrations: other }))).rejects.toMatchObject({
      code: 'WEBHOOK_ACCOUNT_MISMATCH',
    });
  });

  it('refuses unregistered accounts outside development, and takes them into the default organisation in development', async () => {
    const none = lookup([]);
    const refusing = createChatwootWebhookAdapter({ registrations: none });
    await expect(deliver({ accountId: '12' }, {}, refusing)).rejects.toMatchObject({ code: 'WEBHOOK_UNVERIFIED' });
    await expect(deliver({}, {}, refusing)).rejects.toMatchObject({ code: 'WEBHOOK_UNVERIFIED' });
    const lenient = createChatwootWebhookAdapter({ registrations: none, development: true });
    const parsed = await deliver({ accountId: '12' }, {}, lenient);
    expect(parsed).toHaveProperty('changes');
    expect(parsed).not.toHaveProperty('org');
    // an account two organisations registered without credentials has no single owner, even in development
    const shared = lookup([
      { id: 'a', org: 'acme', accountId: 12 },
      { id: 'b', org: 'globex', accountId: 12 },
    ]);
    await expect(
      deliver({ accountId: '12' }, {}, createChatwootWebhookAdapter({ registrations: shared, development: true })),
    ).rejects.toMatchObject({ code: 'WEBHOOK_UNVERIFIED' });
    // a registration without credentials takes unverified deliveries on its own route unless verification is required
    const bare = lookup([{ id: 'cw-bare', org: 'acme', accountId: 12 }]);
    expect(await deliver({ adapterId: 'cw-bare' }, {}, createChatwootWebhookAdapter({ registrations: bare }))).toMatchObject({
      org: 'acme',
    });
    await expect(
      deliver({ adapterId: 'cw-bare' }, {}, createChatwootWebhookAdapter({ registrations: bare, requireVerification: true })),
    ).rejects.toMatchObject({ code: 'WEBHOOK_UNVERIFIED' });
    await expect(deliver({ accountId: '12' }, {}, createChatwootWebhookAdapter({ registrations: bare }))).rejects.toMatchObject({
      code: 'WEBHOOK_UNVERIFIED',
    });
  });
});

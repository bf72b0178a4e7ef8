import type { ParsedWebhook } from '@dictamesh/adapter-sdk';
import { assertEntityChange, type EntityChange } from '@dictamesh/events';
import { describe, expect, it } from 'vitest';
import { webhookFixture, webhookFixtureNames } from '../../test/fixtures';
import { createChatwootWebhookAdapter } from './adapter';

const adapter = createChatwootWebhookAdapter();
const receivedAt = new Date('2026-02-12T00:00:00Z');

function parse(body: unknown, params: Record<string, string> = {}, raw: Buffer = Buffer.from(JSON.stringify(body))) {
  return adapter.parse(body, { rawBody: raw, params, headers: {}, receivedAt });
}

function parseFixture(name: string, params: Record<string, string> = {}): ParsedWebhook {
  const raw = webhookFixture(name);
  const result = parse(JSON.parse(raw.toString('utf8')), params, raw);
  if ('ignored' in result) throw new Error(`${name} was ignored: ${result.reason}`);
  return result;
}

const byUrn = (parsed: ParsedWebhook) => new Map(parsed.changes.map(({ change }) => [change.urn, change]));
const rel = (change: EntityChange | undefined, type: string) => change?.relationships.filter((r) => r.type === type).map((r) => r.toUrn);
const U = (type: string, id: number) => `dictamesh:chatwoot:account/12:${type}:${id}`;

describe('Chatwoot webhook normalisation (fixtures of Chatwoot 4.10.1)', () => {
  it.each(webhookFixtureNames())('%s yields schema-valid entity changes without secrets', (name) => {
    const parsed = parseFixture(name);
    expect(parsed.source).toBe('/dictamesh/adapters/chatwoot/accounts/12');
    expect(parsed.changes.length).toBeGreaterThan(0);
    for (const { change } of parsed.changes) assertEntityChange(change);
    const stored = JSON.stringify(parsed.changes.map((c) => c.change.attributes));
    expect(stored).not.toMatch(/pubsub_token|hmac_token|website_token/);
    expect(stored).not.toContain('qF3kZt9WbXr2mNv7Lp8sHd4J');
  });

  it('conversation_updated: conversation with contact, inbox, assignee and team relationships', () => {
    const changes = byUrn(parseFixture('conversation_updated'));
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

  it('conversation_created with no assignee clears ASSIGNED_TO and HANDLED_BY_TEAM', () => {
    const conversation = byUrn(parseFixture('conversation_created')).get(U('conversation', 214));
    expect(conversation?.operation).toBe('created');
    expect(rel(conversation, 'ASSIGNED_TO')).toEqual([null]);
    expect(rel(conversation, 'HANDLED_BY_TEAM')).toEqual([null]);
  });

  it('message_created: raw text (not the channel HTML), PART_OF conversation, SENT_BY contact', () => {
    const changes = byUrn(parseFixture('message_created'));
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

  it('message_updated: agent sender, delivery status from push data', () => {
    const message = byUrn(parseFixture('message_updated')).get(U('message', 40247));
    expect(message?.operation).toBe('updated');
    expect(message?.attributes.status).toBe('failed');
    expect(message?.attributes.content_attributes).toEqual({ external_error: '502 Bad Gateway from orders.larkspur-outdoor.example' });
    expect(rel(message, 'SENT_BY')).toEqual([U('agent', 32)]);
  });

  it('inbox_created: inbox id from working_hours, channel secrets removed', () => {
    const [only] = parseFixture('inbox_created').changes;
    expect(only?.change).toMatchObject({ urn: U('inbox', 24), operation: 'created', displayName: 'https://eu.larkspur-outdoor.example' });
    expect(only?.change.attributes.channel).not.toHaveProperty('hmac_token');
    expect(only?.change.attributes.channel_id).toBe(11);
  });

  it('contact_updated: time from changed_attributes.updated_at, changed attribute names', () => {
    const [only] = parseFixture('contact_updated').changes;
    expect(only?.change).toMatchObject({
      urn: U('contact', 1187),
      occurredAt: '2026-02-10T09:19:08.642Z',
      changedAttributes: ['phone_number', 'updated_at'],
    });
  });

  it('gives the same delivery the same CloudEvent ids, and a different body different ids', () => {
    const a = parseFixture('conversation_updated').changes.map((c) => c.id);
    const b = parseFixture('conversation_updated').changes.map((c) => c.id);
    const c = parseFixture('conversation_status_changed').changes.map((x) => x.id);
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

  it('needs the account from the URL when the body has none', () => {
    expect(() => parse(conversationWithoutMessages())).toThrow(expect.objectContaining({ code: 'WEBHOOK_ACCOUNT_UNKNOWN' }));
    const parsed = parse(conversationWithoutMessages(), { accountId: '12' });
    expect('changes' in parsed && parsed.changes[0]?.change.urn).toBe(U('conversation', 214));
  });

  it('rejects a body from another account than the URL', () => {
    const body = JSON.parse(webhookFixture('contact_created').toString('utf8'));
    expect(() => parse(body, { accountId: '13' })).toThrow(expect.objectContaining({ code: 'WEBHOOK_ACCOUNT_MISMATCH' }));
    expect(() => parse(body, { accountId: 'abc' })).toThrow(
      expect.objectContaining({ code: 'BAD_USER_INPUT', details: { field: 'accountId' } }),
    );
  });

  it('rejects a missing or non-string event and non-object bodies', () => {
    expect(() => parse({ id: 1 })).toThrow(expect.objectContaining({ code: 'WEBHOOK_MISSING_EVENT' }));
    expect(() => parse({ event: 42 })).toThrow(expect.objectContaining({ code: 'WEBHOOK_INVALID_PAYLOAD' }));
    expect(() => parse([1, 2])).toThrow(expect.objectContaining({ code: 'WEBHOOK_INVALID_PAYLOAD' }));
    expect(() => parse('text')).toThrow(expect.objectContaining({ code: 'WEBHOOK_INVALID_PAYLOAD' }));
  });

  it('names each field of the wrong type', () => {
    const body = JSON.parse(webhookFixture('message_created').toString('utf8'));
    body.id = 'forty';
    body.conversation.inbox_id = null;
    try {
      parse(body);
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: 'WEBHOOK_INVALID_PAYLOAD' });
      const problems = (error as { details: { problems: string[] } }).details.problems;
      expect(problems.some((p) => p.startsWith('id:'))).toBe(true);
      expect(problems.some((p) => p.startsWith('conversation.inbox_id:'))).toBe(true);
    }
  });

  it('ignores typing indicators and unknown events instead of failing', () => {
    expect(parse({ event: 'conversation_typing_on', id: 1 })).toMatchObject({ ignored: true, sourceEvent: 'conversation_typing_on' });
    expect(parse({ event: 'campaign_launched' })).toMatchObject({ ignored: true, reason: expect.stringContaining('unknown') });
  });
});

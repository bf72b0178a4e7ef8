import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const FIXTURE = fileURLToPath(new URL('../fixtures/chatwoot/webhooks/message_created.json', import.meta.url));
const WORDS =
  'order tent fly torn seam refund swap delivery warehouse invoice stove jacket size exchange boots trail hiking late damaged tracking'.split(
    ' ',
  );

/**
 * `count` distinct Chatwoot `message_created` bodies shaped like the fixture: message i in
 * conversation `i % conversations`, from contact `i % contacts`, with pseudo-random text
 * (seeded, so every run sends the same bodies).
 */
export function syntheticMessageWebhooks(
  count: number,
  conversations = Math.max(1, Math.floor(count / 5)),
  contacts = Math.max(1, Math.floor(count / 10)),
): string[] {
  const template = JSON.parse(readFileSync(FIXTURE, 'utf8'));
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const bodies: string[] = [];
  for (let i = 0; i < count; i++) {
    const body = structuredClone(template);
    const messageId = 500_000 + i;
    const conversationId = 10_000 + (i % conversations);
    const contactId = 90_000 + (i % contacts);
    const text = Array.from({ length: 12 }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' ');
    body.id = messageId;
    body.content = `<p>${text}</p>\n`;
    body.sender.id = contactId;
    body.sender.name = `Customer ${contactId}`;
    body.conversation.id = conversationId;
    body.conversation.meta.sender.id = contactId;
    body.conversation.meta.sender.name = `Customer ${contactId}`;
    body.conversation.updated_at = 1770714892 + i;
    const [push] = body.conversation.messages;
    Object.assign(push, { id: messageId, content: text, conversation_id: conversationId, sender_id: contactId });
    push.sender.id = contactId;
    body.created_at = new Date(Date.UTC(2026, 1, 10, 9) + i * 1000).toISOString();
    bodies.push(JSON.stringify(body));
  }
  return bodies;
}

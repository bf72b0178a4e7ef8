import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createClient as createSseClient } from 'graphql-sse';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { FIXTURES, gatewaySubscriptions, postWebhook, startTestStack, tempDataDir, type FullStack } from './harness/harness';

const dataDir = tempDataDir();
let stack: FullStack;
let client: Client;
const fixture = (name: string) => readFileSync(join(FIXTURES, `${name}.json`));

beforeAll(async () => {
  stack = await startTestStack(dataDir);
  client = createClient({ url: stack.urls.gateway.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
});
afterAll(async () => {
  await client?.dispose();
  await stack?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

type Next = { data?: Record<string, unknown> | null; errors?: unknown };

/** Collects what one subscription delivers until `stop()` is called. */
function collect(query: string, variables: Record<string, unknown> = {}) {
  const received: Next[] = [];
  const done = new Promise<void>((resolve, reject) => {
    const unsubscribe = client.subscribe(
      { query, variables },
      { next: (m) => void received.push(m as Next), error: reject, complete: resolve },
    );
    Object.assign(received, { stop: unsubscribe });
  });
  return { received, done, stop: () => (received as unknown as { stop: () => void }).stop() };
}

const settle = async () => {
  expect(await stack.drained(10_000)).toBe(true);
  await new Promise((resolve) => setTimeout(resolve, 300));
};

describe('GraphQL subscriptions to entity changes (graphql-ws on the gateway)', () => {
  it('delivers exactly the matching changes, with federated fields resolved through the supergraph', async () => {
    const messages = collect(
      /* GraphQL */ `
        subscription ($ops: [EntityOperation!]) {
          entityChanged(filter: { types: ["message"], operations: $ops }) {
            operation
            urn
            type
            source
            occurredAt
            entity {
              urn
              displayName
              text: attributes
              conversation: related(type: "PART_OF") {
                urn
                contact: related(type: "WITH_CONTACT") {
                  displayName
                }
              }
            }
          }
        }
      `,
      { ops: ['CREATED'] },
    );
    const contacts = collect(
      `subscription { entityChanged(filter: { urns: ["dictamesh:chatwoot:account/12:contact:1190"] }) { operation urn entity { displayName attributes } } }`,
    );
    await expect.poll(() => gatewaySubscriptions(stack), { timeout: 30_000 }).toBe(2); // both registered

    expect((await postWebhook(stack, fixture('message_created'))).status).toBe(202);
    expect((await postWebhook(stack, fixture('contact_created'))).status).toBe(202);
    expect((await postWebhook(stack, fixture('message_updated'))).status).toBe(202); // UPDATED: filtered out
    // wait for what must arrive (bounded), then a little longer for anything that must not
    await expect.poll(() => messages.received.length + contacts.received.length, { timeout: 20_000 }).toBeGreaterThanOrEqual(3);
    await settle();
    messages.stop();
    contacts.stop();

    expect(messages.received).toHaveLength(1);
    const [message] = messages.received;
    expect(message!.errors).toBeUndefined();
    expect(message!.data).toEqual({
      entityChanged: {
        operation: 'CREATED',
        urn: 'dictamesh:chatwoot:account/12:message:40211',
        type: 'message',
        source: 'chatwoot',
        occurredAt: '2026-02-10T09:14:52.402Z',
        entity: {
          urn: 'dictamesh:chatwoot:account/12:message:40211',
          displayName: expect.stringMatching(/^Hi! My order LK-50217/),
          text: expect.objectContaining({ message_type: 'incoming' }),
          conversation: [{ urn: 'dictamesh:chatwoot:account/12:conversation:214', contact: [{ displayName: 'Maya Okafor' }] }],
        },
      },
    });
    // contact_created, then message_updated, whose conversation embeds the same contact
    expect(contacts.received.map((r) => (r.data!.entityChanged as { operation: string }).operation)).toEqual(['CREATED', 'UPDATED']);
    expect(contacts.received[0]!.data).toEqual({
      entityChanged: {
        operation: 'CREATED',
        urn: 'dictamesh:chatwoot:account/12:contact:1190',
        entity: { displayName: 'Harper Lindqvist', attributes: expect.objectContaining({ email: 'harper@lindqvist-trail.example' }) },
      },
    });
  });

  it('rejects a subscription that does not validate against the supergraph', async () => {
    const bad = collect(`subscription { entityChanged { entity { noSuchField } } }`);
    await expect(bad.done).rejects.toEqual([expect.objectContaining({ message: expect.stringMatching(/noSuchField/) })]);
  });

  it('also serves queries over the WebSocket, through the supergraph', async () => {
    const result = await new Promise<Next>((resolve, reject) => {
      client.subscribe(
        { query: `{ entity(urn: "dictamesh:chatwoot:account/12:contact:1190") { displayName } }` },
        { next: resolve, error: reject, complete: () => undefined },
      );
    });
    expect(result.data).toEqual({ entity: { displayName: 'Harper Lindqvist' } });
  });
});

describe('GraphQL subscriptions over Server-Sent Events (graphql-sse)', () => {
  it('delivers matching changes on /graphql/stream', async () => {
    const sse = createSseClient({ url: stack.urls.gateway.replace(/\/graphql$/, '/graphql/stream'), retryAttempts: 0 });
    const received: Next[] = [];
    const done = new Promise<void>((resolve, reject) => {
      const stop = sse.subscribe(
        { query: `subscription { entityChanged(filter: { types: ["conversation"] }) { operation urn entity { displayName } } }` },
        { next: (m) => void received.push(m as Next), error: reject, complete: resolve },
      );
      setTimeout(async () => {
        await postWebhook(stack, fixture('conversation_status_changed'));
        await expect.poll(() => received.length, { timeout: 20_000 }).toBeGreaterThanOrEqual(1);
        await settle();
        stop();
      }, 1_000);
    });
    await done;
    sse.dispose();
    expect(received.map((r) => r.data)).toEqual([
      {
        entityChanged: {
          operation: 'UPDATED',
          urn: 'dictamesh:chatwoot:account/12:conversation:214',
          entity: { displayName: 'Conversation #214 with Maya Okafor' },
        },
      },
    ]);
  });
});

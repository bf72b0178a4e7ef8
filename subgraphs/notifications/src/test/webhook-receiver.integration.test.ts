import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver';

// the Standard Webhooks specification's test vector
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const ID = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
const TIMESTAMP = '1614265330';
const BODY = '{"test": 2432232314}';
const SIGNATURE = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=';

describe('webhook receiver', () => {
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    receiver = await startWebhookReceiver(SECRET);
  });
  afterAll(async () => {
    await receiver?.close();
  });

  const post = (headers: Record<string, string>, body = BODY) =>
    fetch(receiver.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  it('verifies the Standard Webhooks test vector, alone or among rotated signatures, and refuses a forged one', async () => {
    await post({ 'webhook-id': ID, 'webhook-timestamp': TIMESTAMP, 'webhook-signature': SIGNATURE });
    await post({ 'webhook-id': ID, 'webhook-timestamp': TIMESTAMP, 'webhook-signature': `v1,Zm9yZ2Vk ${SIGNATURE}` });
    await post({ 'webhook-id': ID, 'webhook-timestamp': TIMESTAMP, 'webhook-signature': SIGNATURE }, '{"test": 2432232315}');
    await post({ 'webhook-id': ID, 'webhook-timestamp': '1614265331', 'webhook-signature': SIGNATURE });
    const records = await receiver.waitFor(4);
    expect(records.map((record) => record.verified)).toEqual([true, true, false, false]);
    expect(records[0]).toMatchObject({ id: ID, body: BODY, json: { test: 2432232314 }, status: 200 });
    expect(records[0]?.headers['webhook-timestamp']).toBe(TIMESTAMP);
  });

  it('respondWith() answers the given statuses in order, then 200', async () => {
    receiver.respondWith([503, { status: 429, headers: { 'retry-after': '7' } }]);
    const statuses: number[] = [];
    const retryAfter: (string | null)[] = [];
    for (let i = 0; i < 3; i += 1) {
      const response = await post({ 'webhook-id': `msg_${i}`, 'webhook-timestamp': TIMESTAMP, 'webhook-signature': SIGNATURE });
      statuses.push(response.status);
      retryAfter.push(response.headers.get('retry-after'));
    }
    expect(statuses).toEqual([503, 429, 200]);
    expect(retryAfter).toEqual([null, '7', null]);
    expect(
      receiver
        .received()
        .slice(-3)
        .map((record) => record.status),
    ).toEqual([503, 429, 200]);
  });

  it('without a secret nothing is verified', async () => {
    const plain = await startWebhookReceiver();
    try {
      await fetch(plain.url, {
        method: 'POST',
        headers: { 'webhook-id': ID, 'webhook-timestamp': TIMESTAMP, 'webhook-signature': SIGNATURE },
        body: BODY,
      });
      expect((await plain.waitFor(1)).map((record) => record.verified)).toEqual([false]);
    } finally {
      await plain.close();
    }
  });
});

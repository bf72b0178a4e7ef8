import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NotificationChannel } from '@dictamesh/db';
import { InProcessEventBus, TOPICS, type OutgoingRecord, type RecordMetadata } from '@dictamesh/events';
import { startSmtpSink, type SmtpSink } from '../test/smtp-sink';
import { startWebhookReceiver, type WebhookReceiver } from '../test/webhook-receiver';
import type { ChannelProvider, EndpointTarget, OutgoingMessage } from './channel';
import { createChannelProviders, type ChannelsConfig } from './providers';

/** A loopback HTTP server speaking a provider's shapes: records requests, answers from a script (then the default). */
interface FakeProvider {
  url: string;
  requests: { method: string; path: string; headers: IncomingHttpHeaders; body: string }[];
  script(answers: FakeAnswer[]): void;
  close(): Promise<void>;
}
type FakeAnswer = { status: number; body?: string; headers?: Record<string, string> } | 'hang';

async function fakeProvider(fallback: { status: number; body: string; headers?: Record<string, string> }): Promise<FakeProvider> {
  const requests: FakeProvider['requests'] = [];
  let answers: FakeAnswer[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests.push({
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const next = answers.shift() ?? fallback;
      if (next === 'hang') return; // never answers (the provider's timeout)
      response.writeHead(next.status, { 'content-type': 'application/json', ...next.headers }).end(next.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    script: (next) => void (answers = [...next]),
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

class RecordingBus extends InProcessEventBus {
  readonly published: { topic: string; records: readonly OutgoingRecord[] }[] = [];
  override async publish(topic: string, records: readonly OutgoingRecord[]): Promise<RecordMetadata[]> {
    const metadata = await super.publish(topic, records);
    this.published.push({ topic, records });
    return metadata;
  }
}

const CREATED_AT = new Date('2026-12-01T09:00:00.000Z');
const NOW = new Date('2026-12-01T09:00:05.000Z');
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const OLD_SECRET = `whsec_${Buffer.alloc(24, 3).toString('base64')}`;

function message(channel: NotificationChannel, over: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return {
    id: randomUUID(),
    orgId: 'org-a',
    channel,
    typeKey: 'adapter.unhealthy',
    priority: 'HIGH',
    subject: 'Adapter crm is unhealthy',
    text: 'The adapter crm (rest-json) reported DOWN: connection refused.',
    html: null,
    notification: {
      id: randomUUID(),
      subscriberId: randomUUID(),
      subscriberExternalId: 'user-1',
      title: 'Adapter crm is unhealthy',
      body: 'The adapter crm reported DOWN.',
      payload: { adapterId: 'crm', kind: 'rest-json', status: 'DOWN' },
      entityUrn: null,
      createdAt: CREATED_AT,
    },
    attempt: 1,
    ...over,
  };
}

const endpoint = (channel: NotificationChannel, url: string, secrets: string[]): EndpointTarget => ({
  id: randomUUID(),
  channel,
  url,
  secrets,
});

describe('channel providers against loopback stand-ins of each provider', () => {
  let sink: SmtpSink;
  let receiver: WebhookReceiver;
  let slack: FakeProvider;
  let pagerDuty: FakeProvider;
  let twilio: FakeProvider;
  let expo: FakeProvider;
  let bus: RecordingBus;
  let providers: Map<NotificationChannel, ChannelProvider>;
  let guarded: Map<NotificationChannel, ChannelProvider>;
  const log = pino({ level: 'silent' });

  beforeAll(async () => {
    [sink, receiver, slack, pagerDuty, twilio, expo] = await Promise.all([
      startSmtpSink(),
      startWebhookReceiver(SECRET),
      fakeProvider({ status: 200, body: 'ok' }),
      fakeProvider({ status: 202, body: '{"status":"success","message":"Event processed","dedup_key":"from-pd"}' }),
      fakeProvider({ status: 201, body: '{"sid":"SM0001","status":"queued"}' }),
      fakeProvider({ status: 200, body: '{"data":[{"status":"ok","id":"ticket-1"}]}' }),
    ]);
    bus = new RecordingBus();
    const config: ChannelsConfig = {
      smtp: { url: sink.url, from: 'DictaMesh <noreply@dictamesh.test>' },
      sms: { baseUrl: twilio.url, accountSid: 'AC0123', authToken: 'twilio-token', from: '+41780000000' },
      push: { url: `${expo.url}/--/api/v2/push/send`, accessToken: 'expo-token' },
      httpTimeoutMs: 500,
    };
    const byChannel = (list: ChannelProvider[]) => new Map(list.map((p) => [p.channel, p]));
    providers = byChannel(createChannelProviders(config, { bus, log, allowPrivateNetworks: true, now: () => NOW }));
    guarded = byChannel(createChannelProviders(config, { bus, log, allowPrivateNetworks: false, now: () => NOW }));
  });
  afterAll(async () => {
    await Promise.all([...(providers?.values() ?? []), ...(guarded?.values() ?? [])].map((p) => p.close?.()));
    await Promise.all([sink?.stop(), receiver?.close(), slack?.close(), pagerDuty?.close(), twilio?.close(), expo?.close(), bus?.close()]);
  });

  const send = (channel: NotificationChannel, m: OutgoingMessage) => providers.get(channel)!.send(m);

  it('has one provider per channel, all available with this configuration', () => {
    expect([...providers.keys()].sort()).toEqual(['EMAIL', 'IN_APP', 'PAGERDUTY', 'PUSH', 'SLACK', 'SMS', 'WEBHOOK']);
    expect([...providers.values()].every((p) => p.available)).toBe(true);
    const bare = createChannelProviders({}, { bus, log, allowPrivateNetworks: false });
    expect(bare.filter((p) => !p.available).map((p) => p.channel)).toEqual(['EMAIL', 'SMS', 'PUSH']);
  });

  it('EMAIL: HTML + text over SMTP with Message-ID <deliveryId@dictamesh> (a resend is the same message); 4xx RETRY, 550 BOUNCED, 554 FAILED', async () => {
    const m = message('EMAIL', { to: 'ops@example.test', html: '<p>The adapter <b>crm</b> reported DOWN.</p>' });
    expect(await send('EMAIL', m)).toMatchObject({ outcome: 'DELIVERED', providerMessageId: `<${m.id}@dictamesh>` });
    expect(await send('EMAIL', m)).toMatchObject({ outcome: 'DELIVERED' });
    const mails = await sink.waitFor(2);
    expect(mails.map((mail) => mail.messageId)).toEqual([`<${m.id}@dictamesh>`, `<${m.id}@dictamesh>`]);
    expect(mails[0]).toMatchObject({
      from: 'noreply@dictamesh.test',
      to: ['ops@example.test'],
      subject: 'Adapter crm is unhealthy',
      text: 'The adapter crm (rest-json) reported DOWN: connection refused.',
      html: '<p>The adapter <b>crm</b> reported DOWN.</p>',
    });
    expect(mails[0]!.headers['x-dictamesh-type']).toBe('adapter.unhealthy');
    // notifications.channels.email.fromAddress applies live, and its removal restores the default
    const email = providers.get('EMAIL')!;
    email.configure!({ enabled: true, fromAddress: 'ops@acme.test' });
    await send('EMAIL', message('EMAIL', { to: 'ops@example.test' }));
    email.configure!({});
    await send('EMAIL', message('EMAIL', { to: 'ops@example.test' }));
    expect((await sink.waitFor(4)).slice(2).map((mail) => mail.from)).toEqual(['ops@acme.test', 'noreply@dictamesh.test']);
    await sink.failNext(451, 1);
    expect(await send('EMAIL', message('EMAIL', { to: 'ops@example.test' }))).toMatchObject({ outcome: 'RETRY', statusCode: 451 });
    await sink.failNext(550, 1);
    expect(await send('EMAIL', message('EMAIL', { to: 'gone@example.test' }))).toMatchObject({ outcome: 'BOUNCED', statusCode: 550 });
    await sink.failNext(554, 1);
    expect(await send('EMAIL', message('EMAIL', { to: 'ops@example.test' }))).toMatchObject({ outcome: 'FAILED', statusCode: 554 });
    expect(await sink.received()).toHaveLength(4);
  });

  it('EMAIL: an unreachable SMTP server is RETRY', async () => {
    const closed = await fakeProvider({ status: 200, body: '' });
    await closed.close();
    const [email] = createChannelProviders(
      { smtp: { url: `smtp://127.0.0.1:${new URL(closed.url).port}`, from: 'noreply@dictamesh.test' } },
      { bus, log, allowPrivateNetworks: true },
    );
    try {
      expect(await email!.send(message('EMAIL', { to: 'ops@example.test' }))).toMatchObject({ outcome: 'RETRY' });
    } finally {
      await email!.close?.();
    }
  });

  it('WEBHOOK: Standard Webhooks POST signed with every active secret, verified by the receiver; stable id and body', async () => {
    const m = message('WEBHOOK', { endpoint: endpoint('WEBHOOK', receiver.url, [OLD_SECRET, SECRET]) });
    const before = receiver.received().length;
    expect(await send('WEBHOOK', m)).toMatchObject({ outcome: 'DELIVERED', statusCode: 200 });
    const [hook] = (await receiver.waitFor(before + 1)).slice(before);
    expect(hook).toMatchObject({ id: `msg_${m.id}`, verified: true });
    expect(hook!.headers['webhook-timestamp']).toBe(String(NOW.getTime() / 1000));
    expect(hook!.headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(hook!.headers['content-type']).toBe('application/json');
    expect(hook!.json).toEqual({
      type: 'adapter.unhealthy',
      timestamp: '2026-12-01T09:00:00.000Z',
      data: {
        notificationId: m.notification.id,
        orgId: 'org-a',
        priority: 'HIGH',
        title: 'Adapter crm is unhealthy',
        body: 'The adapter crm reported DOWN.',
        payload: { adapterId: 'crm', kind: 'rest-json', status: 'DOWN' },
        entityUrn: null,
      },
    });
  });

  it('WEBHOOK: 410 GONE, 429/502/504 THROTTLED with Retry-After, 500 RETRY, 400 FAILED, no answer RETRY', async () => {
    const m = () => message('WEBHOOK', { endpoint: endpoint('WEBHOOK', receiver.url, [SECRET]) });
    receiver.respondWith([410, { status: 429, headers: { 'retry-after': '30' } }, 502, 504, 500, 400]);
    const outcomes = [];
    for (let i = 0; i < 6; i += 1) outcomes.push(await send('WEBHOOK', m()));
    expect(outcomes.map((o) => [o.outcome, o.statusCode])).toEqual([
      ['GONE', 410],
      ['THROTTLED', 429],
      ['THROTTLED', 502],
      ['THROTTLED', 504],
      ['RETRY', 500],
      ['FAILED', 400],
    ]);
    expect(outcomes[1]).toMatchObject({ retryAfterMs: 30_000 });
    const hanging = await fakeProvider({ status: 200, body: '' });
    try {
      hanging.script(['hang']);
      expect(await send('WEBHOOK', message('WEBHOOK', { endpoint: endpoint('WEBHOOK', `${hanging.url}/hook`, [SECRET]) }))).toEqual({
        outcome: 'RETRY',
        error: 'no answer within 500 ms',
      });
    } finally {
      await hanging.close();
    }
  });

  it('WEBHOOK, SLACK, PAGERDUTY outside development: loopback endpoints are refused by the net-guard, nothing is sent', async () => {
    const before = { hooks: receiver.received().length, slack: slack.requests.length, pd: pagerDuty.requests.length };
    const webhook = await guarded.get('WEBHOOK')!.send(message('WEBHOOK', { endpoint: endpoint('WEBHOOK', receiver.url, [SECRET]) }));
    const toSlack = await guarded.get('SLACK')!.send(message('SLACK', { endpoint: endpoint('SLACK', `${slack.url}/services/T/B/X`, []) }));
    const toPd = await guarded
      .get('PAGERDUTY')!
      .send(message('PAGERDUTY', { endpoint: endpoint('PAGERDUTY', `${pagerDuty.url}/v2/enqueue`, ['R0UTING']) }));
    for (const outcome of [webhook, toSlack, toPd])
      expect(outcome).toEqual({ outcome: 'FAILED', error: 'Connections to "127.0.0.1" are refused: it is not a public address.' });
    expect({ hooks: receiver.received().length, slack: slack.requests.length, pd: pagerDuty.requests.length }).toEqual(before);
  });

  it('SLACK: incoming-webhook {text, blocks}; "ok" DELIVERED, no_service GONE, invalid_payload FAILED, 429 THROTTLED', async () => {
    const m = message('SLACK', { endpoint: endpoint('SLACK', `${slack.url}/services/T000/B000/XXXX`, []) });
    expect(await send('SLACK', m)).toEqual({ outcome: 'DELIVERED', statusCode: 200, response: 'ok' });
    const request = slack.requests.at(-1)!;
    expect(request.path).toBe('/services/T000/B000/XXXX');
    expect(JSON.parse(request.body)).toEqual({
      text: 'Adapter crm is unhealthy\nThe adapter crm (rest-json) reported DOWN: connection refused.',
      blocks: [
        {
          type: 'section',
          text: { type: 'mrkdwn', text: '*Adapter crm is unhealthy*\nThe adapter crm (rest-json) reported DOWN: connection refused.' },
        },
      ],
    });
    slack.script([
      { status: 404, body: 'no_service' },
      { status: 400, body: 'invalid_payload' },
      { status: 429, body: 'rate_limited', headers: { 'retry-after': '2' } },
    ]);
    const outcomes = [await send('SLACK', m), await send('SLACK', m), await send('SLACK', m)];
    expect(outcomes.map((o) => o.outcome)).toEqual(['GONE', 'FAILED', 'THROTTLED']);
    expect(outcomes[2]).toMatchObject({ retryAfterMs: 2000 });
  });

  it('PAGERDUTY: Events API v2 trigger, dedup_key = delivery id, severity from priority; 400 FAILED, 429 THROTTLED, 500 RETRY', async () => {
    const m = message('PAGERDUTY', {
      priority: 'CRITICAL',
      endpoint: endpoint('PAGERDUTY', `${pagerDuty.url}/v2/enqueue`, ['R0UTINGKEY0123456789012345678901']),
    });
    expect(await send('PAGERDUTY', m)).toMatchObject({ outcome: 'DELIVERED', statusCode: 202, providerMessageId: 'from-pd' });
    const request = pagerDuty.requests.at(-1)!;
    expect(request.path).toBe('/v2/enqueue');
    expect(JSON.parse(request.body)).toEqual({
      routing_key: 'R0UTINGKEY0123456789012345678901',
      event_action: 'trigger',
      dedup_key: m.id,
      payload: {
        summary: 'Adapter crm is unhealthy',
        source: 'dictamesh/adapter.unhealthy',
        severity: 'critical',
        timestamp: '2026-12-01T09:00:00.000Z',
        custom_details: {
          notificationId: m.notification.id,
          orgId: 'org-a',
          type: 'adapter.unhealthy',
          body: 'The adapter crm (rest-json) reported DOWN: connection refused.',
          payload: { adapterId: 'crm', kind: 'rest-json', status: 'DOWN' },
        },
      },
    });
    const severities = [];
    for (const priority of ['HIGH', 'NORMAL', 'LOW'] as const) {
      await send('PAGERDUTY', { ...m, priority });
      severities.push((JSON.parse(pagerDuty.requests.at(-1)!.body) as { payload: { severity: string } }).payload.severity);
    }
    expect(severities).toEqual(['error', 'warning', 'info']);
    pagerDuty.script([
      { status: 400, body: '{"status":"invalid event","message":"Event object is invalid","errors":["bad"]}' },
      { status: 429, body: '' },
      { status: 500, body: '' },
    ]);
    const outcomes = [await send('PAGERDUTY', m), await send('PAGERDUTY', m), await send('PAGERDUTY', m)];
    expect(outcomes.map((o) => o.outcome)).toEqual(['FAILED', 'THROTTLED', 'RETRY']);
  });

  it('SMS: Twilio Messages API (form-encoded, Basic auth); 21211 BOUNCED, 503 RETRY; E.164 checked', async () => {
    const m = message('SMS', { to: '+41791234567' });
    expect(await send('SMS', m)).toMatchObject({ outcome: 'DELIVERED', statusCode: 201, providerMessageId: 'SM0001' });
    const request = twilio.requests.at(-1)!;
    expect(request.path).toBe('/2010-04-01/Accounts/AC0123/Messages.json');
    expect(request.headers.authorization).toBe(`Basic ${Buffer.from('AC0123:twilio-token').toString('base64')}`);
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(request.body))).toEqual({
      To: '+41791234567',
      From: '+41780000000',
      Body: 'Adapter crm is unhealthy\nThe adapter crm (rest-json) reported DOWN: connection refused.',
    });
    twilio.script([
      { status: 400, body: '{"code":21211,"message":"The \'To\' number +41791234567 is not a valid phone number.","status":400}' },
      { status: 503, body: '' },
    ]);
    expect((await send('SMS', m)).outcome).toBe('BOUNCED');
    expect((await send('SMS', m)).outcome).toBe('RETRY');
    expect(() => providers.get('SMS')!.validateAddress!('079 123 45 67')).toThrow(
      expect.objectContaining({ code: 'NOTIFICATION_ADDRESS_INVALID' }),
    );
  });

  it('PUSH: Expo push API [{to, title, body, data}] with the access token; DeviceNotRegistered BOUNCED; tokens checked', async () => {
    const m = message('PUSH', { to: 'ExponentPushToken[xxxxxxxxxxxxxxxxxxxxxx]' });
    expect(await send('PUSH', m)).toMatchObject({ outcome: 'DELIVERED', providerMessageId: 'ticket-1' });
    const request = expo.requests.at(-1)!;
    expect(request.path).toBe('/--/api/v2/push/send');
    expect(request.headers.authorization).toBe('Bearer expo-token');
    expect(JSON.parse(request.body)).toEqual([
      {
        to: 'ExponentPushToken[xxxxxxxxxxxxxxxxxxxxxx]',
        title: 'Adapter crm is unhealthy',
        body: 'The adapter crm (rest-json) reported DOWN: connection refused.',
        data: { notificationId: m.notification.id, type: 'adapter.unhealthy', entityUrn: null },
      },
    ]);
    expo.script([{ status: 200, body: '{"data":[{"status":"error","message":"gone","details":{"error":"DeviceNotRegistered"}}]}' }]);
    expect((await send('PUSH', m)).outcome).toBe('BOUNCED');
    expect(() => providers.get('PUSH')!.validateAddress!('not-a-token')).toThrow(
      expect.objectContaining({ code: 'NOTIFICATION_ADDRESS_INVALID' }),
    );
  });

  it('IN_APP: publishes NotificationInApp on dictamesh.notification.in_app keyed by organisation (a valid CloudEvent)', async () => {
    const m = message('IN_APP', { priority: 'NORMAL' });
    expect(await send('IN_APP', m)).toEqual({ outcome: 'DELIVERED', providerMessageId: `in-app-${m.id}` });
    const [published] = bus.published.slice(-1);
    expect(published!.topic).toBe(TOPICS.notificationInApp);
    const [record] = published!.records;
    expect(record!.key).toBe('org-a');
    expect(record!.event).toMatchObject({
      id: `in-app-${m.id}`,
      type: TOPICS.notificationInApp,
      source: '/dictamesh/notifications',
      orgid: 'org-a',
    });
    expect(record!.event.data).toEqual({
      org: 'org-a',
      notificationId: m.notification.id,
      subscriberId: m.notification.subscriberId,
      subscriberExternalId: 'user-1',
      typeKey: 'adapter.unhealthy',
      priority: 'NORMAL',
      title: 'Adapter crm is unhealthy',
      body: 'The adapter crm reported DOWN.',
      entityUrn: null,
      createdAt: '2026-12-01T09:00:00.000Z',
    });
    const orphan = message('IN_APP', { notification: { ...m.notification, subscriberId: null, subscriberExternalId: null } });
    expect((await send('IN_APP', orphan)).outcome).toBe('FAILED');
  });
});

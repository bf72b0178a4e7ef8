// Notifications delivery on the embedded default (PGlite, in-process bus, pg-boss queue in the
// same database), loopback only:
//
//   npm run bench:notifications -- [--deliveries 2000] [--latency-samples 200] [--concurrency 4]
//
// 1. Starts the SMTP sink (smtp-server in a child process, messages parsed with mailparser) and a
//    webhook receiver, then DictaMesh on loopback (free ports, a fresh data directory, HS256 JWTs,
//    rate limits off) with NOTIFICATIONS_SMTP_URL pointing at the sink. Through the gateway the
//    tenant `bench` adds its email address, a rule following `dictamesh:bench:item:` entities
//    on EMAIL, and a WEBHOOK endpoint for `billing.invoice.finalized`.
// 2. Event-to-delivery latency: `latency-samples` entity changes published one at a time on the
//    bus (the entity topic, as an adapter does); each latency runs from the publish to the email
//    being in the sink (polled every 5 ms): p50/p99/max.
// 3. Email throughput: `deliveries` notifications.test emails accepted through the gateway's
//    sendNotification (100 address recipients per call, `concurrency` calls in flight); accepted/s,
//    and deliveries/s from the first call to the last email received by the sink.
// 4. Webhook throughput: `deliveries` billing.invoice.finalized events published on the bus; each
//    yields one signed POST to the receiver: deliveries/s from the publish until every delivery's
//    webhook-id arrived, every signature checked with the endpoint's secret. Resends (at least
//    once: the same Message-ID or webhook-id again) are counted and printed.
// Every wait is bounded (60 s + 250 ms per expected delivery). Figures go to stdout and
// bench/out/notifications.json. Exit 1 when a check fails.
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { SignJWT } from 'jose';
import { Webhook } from 'standardwebhooks';
import { TOPICS, entityTopic, toDictaMeshEvent, toEntityChangeEvent, type EntityChange } from '@dictamesh/events';
import { startSmtpSink } from '../subgraphs/notifications/src/test/smtp-sink';
import { startWebhookReceiver } from '../subgraphs/notifications/src/test/webhook-receiver';
import { startBenchStack } from './bench-stack';

const { values: args } = parseArgs({
  options: {
    deliveries: { type: 'string', default: '2000' },
    'latency-samples': { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '4' },
  },
});
const deliveries = Number(args.deliveries);
const samples = Number(args['latency-samples']);
const concurrency = Number(args.concurrency);
const SECRET = 'bench-notifications-jwt-secret-0123456789abcdef';
const ORG = 'bench';
const BATCH = 100;

const token = (org: string, scope: string) =>
  new SignJWT({ org, scope })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(`bench@${org}`)
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(SECRET));
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const round = (n: number, digits = 1) => Number(n.toFixed(digits));
const bound = (expected: number) => 60_000 + 250 * expected;

const sink = await startSmtpSink();
const receiver = await startWebhookReceiver();
const bench = await startBenchStack({
  JWT_SECRET: SECRET,
  AUTH_ANONYMOUS_SCOPES: '',
  RATE_LIMIT: 'off',
  ADAPTER_SYNC_INTERVAL_MS: '0',
  NOTIFICATIONS_SMTP_URL: sink.url,
});
const failures: string[] = [];
const check = (ok: boolean, what: string) => {
  if (!ok) failures.push(what);
};
try {
  const authorization = `Bearer ${await token(ORG, 'dictamesh:admin')}`;
  const gql = async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    const response = await fetch(bench.gateway, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization },
      body: JSON.stringify({ query, variables }),
    });
    const answer = (await response.json()) as { data?: T; errors?: Array<{ message: string; extensions?: { code?: string } }> };
    if (answer.errors?.length) throw new Error(`${answer.errors[0]!.extensions?.code}: ${answer.errors[0]!.message}`);
    return answer.data!;
  };

  // 1. the tenant's address, rule and endpoint
  await gql(`mutation { addNotificationAddress(input: { channel: EMAIL, address: "bench@bench.test" }) { id } }`);
  await gql(`mutation ($input: NotificationRuleInput!) { createNotificationRule(input: $input) { id } }`, {
    input: { name: 'bench items', filter: { urnPrefix: 'dictamesh:bench:item:' }, channels: ['EMAIL'] },
  });
  const { createNotificationEndpoint: endpoint } = await gql<{ createNotificationEndpoint: { secret: string } }>(
    `mutation ($input: NotificationEndpointInput!) { createNotificationEndpoint(input: $input) { secret } }`,
    { input: { channel: 'WEBHOOK', name: 'bench', url: receiver.url, types: ['billing.invoice.finalized'] } },
  );

  // 2. latency, one change at a time
  const change = (i: number): EntityChange => ({
    urn: `dictamesh:bench:item:${i}`,
    source: 'bench',
    entityType: 'item',
    sourceId: String(i),
    domain: 'bench',
    operation: 'updated',
    displayName: `Item ${i}`,
    attributes: { name: `Item ${i}` },
    occurredAt: new Date().toISOString(),
    relationships: [],
  });
  const latencies: number[] = [];
  for (let i = 0; i < samples; i++) {
    const expected = i + 1;
    const t0 = performance.now();
    await bench.stack.bus.publish(entityTopic('updated'), [
      { key: `dictamesh:bench:item:${i}`, event: toEntityChangeEvent(change(i), { id: `bench-latency-${i}`, source: '/bench', org: ORG }) },
    ]);
    const deadline = Date.now() + 30_000;
    let got = 0;
    while ((got = (await sink.received()).length) < expected && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 5));
    if (got < expected) {
      check(false, `latency sample ${i}: no email within 30 s`);
      break;
    }
    latencies.push(performance.now() - t0);
  }
  const sortedLatencies = [...latencies].sort((a, b) => a - b);
  const latencyMails = (await sink.received()).length;
  check(latencyMails === samples, `latency: ${latencyMails} emails for ${samples} changes (one each)`);

  // 3. email throughput through sendNotification
  const calls = Math.ceil(deliveries / BATCH);
  let nextCall = 0;
  const t1 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (nextCall < calls) {
        const call = nextCall++;
        const size = Math.min(BATCH, deliveries - call * BATCH);
        await gql(`mutation ($input: SendNotificationInput!) { sendNotification(input: $input) { replayed } }`, {
          input: {
            type: 'notifications.test',
            channels: ['EMAIL'],
            recipients: Array.from({ length: size }, (_, j) => ({
              address: { channel: 'EMAIL', address: `r${call * BATCH + j}@bench.test` },
            })),
            variables: { channel: 'EMAIL', requestedBy: 'bench' },
          },
        });
      }
    }),
  );
  const acceptMs = performance.now() - t1;
  const mails = await sink.waitFor(latencyMails + deliveries, bound(deliveries));
  const emailMs = performance.now() - t1;
  const recipients = new Set(mails.slice(latencyMails).flatMap((m) => m.to));
  check(recipients.size === deliveries, `email: ${recipients.size} distinct recipients of ${deliveries}`);
  const emailResends = mails.length - new Set(mails.map((m) => m.messageId)).size;

  // 4. webhook throughput from billing events
  const events = Array.from({ length: deliveries }, (_, i) => {
    const data = {
      org: ORG,
      billingEmail: null,
      invoiceId: `inv-${i}`,
      number: `BENCH-${String(i).padStart(6, '0')}`,
      status: 'FINALIZED' as const,
      currency: 'USD',
      totalMinor: '4900',
      amountDueMinor: '4900',
      periodStart: '2026-11-01T00:00:00.000Z',
      periodEnd: '2026-12-01T00:00:00.000Z',
      occurredAt: new Date().toISOString(),
    };
    return {
      key: ORG,
      event: toDictaMeshEvent(TOPICS.invoiceFinalized, data, {
        id: `bench-invoice-${i}`,
        source: '/bench/billing',
        org: ORG,
        subject: `inv-${i}`,
      }),
    };
  });
  const t2 = performance.now();
  for (let from = 0; from < events.length; from += BATCH)
    await bench.stack.bus.publish(TOPICS.invoiceFinalized, events.slice(from, from + BATCH));
  const publishMs = performance.now() - t2;
  // at least once: a resend carries the same webhook-id, so the deliveries are the distinct ids
  const distinctIds = () => new Set(receiver.received().map((p) => p.id)).size;
  const webhookDeadline = Date.now() + bound(deliveries);
  while (distinctIds() < deliveries && Date.now() < webhookDeadline) await new Promise((resolve) => setTimeout(resolve, 25));
  const webhookMs = performance.now() - t2;
  const posts = receiver.received();
  const webhookResends = posts.length - distinctIds();
  const verifier = new Webhook(endpoint.secret);
  let verified = 0;
  for (const post of posts) {
    try {
      verifier.verify(post.body, post.headers);
      verified++;
    } catch {
      // counted below
    }
  }
  check(verified === posts.length, `webhook: ${verified} of ${posts.length} POSTs verified`);
  check(
    new Set(posts.map((p) => p.id)).size === deliveries,
    `webhook: ${new Set(posts.map((p) => p.id)).size} distinct webhook-ids of ${deliveries}`,
  );

  const figures = {
    deliveries,
    latency: {
      samples: latencies.length,
      p50Ms: round(percentile(sortedLatencies, 50)),
      p99Ms: round(percentile(sortedLatencies, 99)),
      maxMs: round(sortedLatencies.at(-1) ?? Number.NaN),
    },
    email: {
      acceptedPerSecond: round(deliveries / (acceptMs / 1000)),
      deliveriesPerSecond: round(deliveries / (emailMs / 1000)),
      seconds: round(emailMs / 1000, 2),
      resends: emailResends,
    },
    webhook: {
      publishSeconds: round(publishMs / 1000, 2),
      deliveriesPerSecond: round(deliveries / (webhookMs / 1000)),
      seconds: round(webhookMs / 1000, 2),
      verified,
      resends: webhookResends,
    },
    failures,
  };
  console.log(
    `event → email latency over ${latencies.length} entity changes: p50 ${figures.latency.p50Ms} ms, p99 ${figures.latency.p99Ms} ms, max ${figures.latency.maxMs} ms`,
  );
  console.log(
    `email: ${deliveries} deliveries to the SMTP sink in ${figures.email.seconds} s: ${figures.email.deliveriesPerSecond}/s (accepted ${figures.email.acceptedPerSecond}/s; ${emailResends} resent under the same Message-ID)`,
  );
  console.log(
    `webhook: ${deliveries} signed POSTs in ${figures.webhook.seconds} s: ${figures.webhook.deliveriesPerSecond}/s (${verified} verified; ${webhookResends} resent under the same webhook-id)`,
  );
  mkdirSync(new URL('./out/', import.meta.url), { recursive: true });
  writeFileSync(new URL('./out/notifications.json', import.meta.url), `${JSON.stringify(figures, null, 2)}\n`);
} catch (error) {
  failures.push(String(error));
} finally {
  await bench.close();
  await sink.stop();
  await receiver.close();
}
if (failures.length) {
  console.error(`FAILED:\n- ${failures.join('\n- ')}`);
  process.exit(1);
}

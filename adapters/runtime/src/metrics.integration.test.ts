import { createHmac, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import type { FastifyInstance } from 'fastify';
import { openDatabase, type Database } from '@dictamesh/db';
import { InProcessEventBus } from '@dictamesh/events';
import { Keyring, LocalMasterKey } from '@dictamesh/secrets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startLocalServer, type LocalServer } from '../../../test/local-server';
import { AdapterHost } from './host';
import { AdapterKinds } from './kinds';
import { createAdapterMetrics, createWebhookMetrics } from './metrics';
import { createRuntimeWebhooks } from './webhooks';

// The adapter and webhook metrics after real work: a host syncing a loopback source, a source
// failing its initialize, and signed, ignored and refused Chatwoot deliveries.
const ADAPTERS = fileURLToPath(new URL('../..', import.meta.url));
const log = pino({ level: 'silent' });
const NOW = Date.parse('2026-12-01T08:00:00Z');
const SECRET = 'acme-webhook-secret-0123456789';
let db: Database;
let source: LocalServer;
let host: AdapterHost;
let webhooks: FastifyInstance;
const bus = new InProcessEventBus();
const metrics = createAdapterMetrics();
const webhookMetrics = createWebhookMetrics();
const text = async () => metrics.registry.metrics();
const webhookText = async () => webhookMetrics.registry.metrics();

beforeAll(async () => {
  db = await openDatabase({ dataDir: 'memory://' });
  const secrets = { sealer: await Keyring.open(db.prisma, [LocalMasterKey.fromBase64(randomBytes(32).toString('base64'))]) };
  source = await startLocalServer();
  source.handle((req, res) =>
    req.url?.startsWith('/down') ? json(res, 503, { error: 'down' }) : json(res, 200, [{ id: 1 }, { id: 2 }, { id: 3 }]),
  );
  const kinds = new AdapterKinds([ADAPTERS], log);
  host = new AdapterHost({
    prisma: db.prisma,
    bus,
    kinds,
    secrets,
    log,
    healthIntervalMs: 3_600_000,
    syncIntervalMs: 0,
    clock: () => NOW,
    outbound: { allowedHosts: ['127.0.0.1'] },
    metrics,
  });
  await host.reconcile();
  webhooks = await createRuntimeWebhooks({
    bus,
    kinds,
    registrations: host.registrations,
    logger: log,
    requireVerification: true,
    development: false,
    observer: webhookMetrics.observer,
  });
});
afterAll(async () => {
  await webhooks?.close();
  await host?.close();
  await source?.close();
  await bus.close();
  await db?.close();
});

const resource = (path: string, healthPath?: string) => ({
  baseUrl: source.url,
  source: 'inventory',
  resources: [{ name: 'items', entityType: 'item', path }],
  ...(healthPath ? { healthPath } : {}),
});

describe('adapter metrics', () => {
  it('report health, a completed backfill with its records and end time, and a source failing its initialize', async () => {
    await host.register({ id: 'inv-ok', kind: 'rest-json', config: resource('/items') });
    await expect
      .poll(text, { timeout: 30_000 })
      .toContain('dictamesh_adapter_sync_duration_seconds_count{adapter="inv-ok",kind="rest-json",mode="backfill",outcome="completed"} 1');
    const ok = await text();
    expect(ok).toContain('dictamesh_adapter_healthy{adapter="inv-ok",kind="rest-json"} 1');
    expect(ok).toContain('dictamesh_adapter_records_synced_total{adapter="inv-ok",kind="rest-json",mode="backfill"} 3');
    expect(ok).toContain(`dictamesh_adapter_last_successful_sync_timestamp_seconds{adapter="inv-ok",kind="rest-json"} ${NOW / 1_000}`);
    expect(ok).not.toContain('dictamesh_adapter_source_errors_total{adapter="inv-ok"');

    await host.register({ id: 'inv-down', kind: 'rest-json', config: resource('/down/items', '/down/health') });
    const down = await text();
    expect(down).toContain('dictamesh_adapter_healthy{adapter="inv-down",kind="rest-json"} 0');
    expect(down).toContain('dictamesh_adapter_source_errors_total{adapter="inv-down",kind="rest-json",operation="initialize"} 1');
    expect(down).not.toContain('dictamesh_adapter_sync_duration_seconds_count{adapter="inv-down"');

    // paused: no longer run here, so no health or last-sync series (its counters stay)
    await host.pause('inv-ok');
    const paused = await text();
    expect(paused).not.toContain('dictamesh_adapter_healthy{adapter="inv-ok"');
    expect(paused).not.toContain('dictamesh_adapter_last_successful_sync_timestamp_seconds{adapter="inv-ok"');
    expect(paused).toContain('dictamesh_adapter_records_synced_total{adapter="inv-ok",kind="rest-json",mode="backfill"} 3');
  });
});

describe('webhook metrics', () => {
  const deliver = (body: string, secret: string, contentType = 'application/json') => {
    const timestamp = String(Math.floor(Date.now() / 1_000));
    const signature = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
    return webhooks.inject({
      method: 'POST',
      url: '/webhooks/chatwoot/adapters/cw-acme',
      headers: { 'content-type': contentType, 'x-chatwoot-timestamp': timestamp, 'x-chatwoot-signature': signature },
      payload: body,
    });
  };

  it('count deliveries by kind, result and code, the events accepted and the request durations', async () => {
    // its API stands in as down: only the webhook side matters here
    const config = { baseUrl: `${source.url}/down/chatwoot`, accountId: 12, apiAccessToken: 'token', webhookSecret: SECRET };
    await host.register({ id: 'cw-acme', kind: 'chatwoot', org: 'acme', config });
    const contact = JSON.stringify({ event: 'contact_updated', id: 7, name: 'Acme Customer', account: { id: 12, name: 'Shop' } });
    expect((await deliver(contact, SECRET)).statusCode).toBe(202);
    expect((await deliver(contact, SECRET)).statusCode).toBe(202);
    expect((await deliver(JSON.stringify({ event: 'conversation_typing_on', account: { id: 12 } }), SECRET)).json()).toMatchObject({
      code: 'WEBHOOK_EVENT_IGNORED',
    });
    expect((await deliver(contact, 'not-the-secret-0123456789')).statusCode).toBe(401);
    expect((await deliver('hello', SECRET, 'text/plain')).statusCode).toBe(415);
    expect((await webhooks.inject({ method: 'POST', url: '/webhooks/unknown-kind', payload: {} })).statusCode).toBe(404);

    const t = await webhookText();
    expect(t).toContain('dictamesh_webhook_deliveries_total{kind="chatwoot",result="accepted",code="none"} 2');
    expect(t).toContain('dictamesh_webhook_deliveries_total{kind="chatwoot",result="ignored",code="WEBHOOK_EVENT_IGNORED"} 1');
    expect(t).toContain('dictamesh_webhook_deliveries_total{kind="chatwoot",result="rejected",code="WEBHOOK_SIGNATURE_INVALID"} 1');
    expect(t).toContain('dictamesh_webhook_deliveries_total{kind="chatwoot",result="rejected",code="UNSUPPORTED_MEDIA_TYPE"} 1');
    expect(t).not.toContain('unknown-kind');
    expect(t).toContain('dictamesh_webhook_events_accepted_total{kind="chatwoot"} 2');
    expect(t).toContain('dictamesh_webhook_request_duration_seconds_count{kind="chatwoot",result="accepted"} 2');
    expect(t).toContain('dictamesh_webhook_request_duration_seconds_count{kind="chatwoot",result="rejected"} 2');
  });
});

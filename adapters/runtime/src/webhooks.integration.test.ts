import { createHmac, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { openDatabase, type Database } from '@dictamesh/db';
import { InProcessEventBus, TOPICS } from '@dictamesh/events';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdapterKinds } from './kinds';
import { RegistrationRegistry } from './registrations';
import { SecretBox } from './secret-box';
import { Keyring, LocalMasterKey } from '@dictamesh/secrets';
import { createRuntimeWebhooks } from './webhooks';

// The runtime's webhook endpoint is made from the adapter packages' definitions (chatwoot's
// `webhooks` factory), and its receivers verify deliveries with credentials read from the
// runtime's own registry — no closure handed in from outside.
const ADAPTERS = fileURLToPath(new URL('../..', import.meta.url));
const SECRET = 'acme-webhook-secret-0123456789';
const secrets = SecretBox.fromBase64(randomBytes(32).toString('base64'));
const bus = new InProcessEventBus();
let db: Database;
let app: FastifyInstance;

const deliver = (path: string, body: string, secret: string) => {
  const timestamp = String(Math.floor(Date.now() / 1_000));
  const signature = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
  return app.inject({
    method: 'POST',
    url: `/webhooks${path}`,
    headers: { 'content-type': 'application/json', 'x-chatwoot-timestamp': timestamp, 'x-chatwoot-signature': signature },
    payload: body,
  });
};
const contact = JSON.stringify({ event: 'contact_updated', id: 7, name: 'Acme Customer', account: { id: 12, name: 'Shop' } });

beforeAll(async () => {
  db = await openDatabase({ dataDir: 'memory://' });
  await db.prisma.adapterRegistration.create({
    data: {
      id: 'cw-acme',
      kind: 'chatwoot',
      orgId: 'acme',
      version: '1',
      config: { accountId: 12 },
      secrets: secrets.seal({ webhookSecret: SECRET }),
    },
  });
  const log = pino({ level: 'silent' });
  app = await createRuntimeWebhooks({
    bus,
    kinds: new AdapterKinds([ADAPTERS], log),
    // a row sealed before the key ring: the registry opens it with the legacy box
    registrations: new RegistrationRegistry(db.prisma, {
      sealer: await Keyring.open(db.prisma, [LocalMasterKey.fromBase64(randomBytes(32).toString('base64'))]),
      legacy: () => secrets,
    }),
    logger: log,
    requireVerification: true,
    development: false,
  });
});
afterAll(async () => {
  await app.close();
  await bus.close();
  await db.close();
});

describe('runtime webhooks', () => {
  it("serves each kind's webhook side from its definition, verified with the registration's secret from the registry", async () => {
    const published: Array<{ org?: unknown }> = [];
    await bus.subscribe({
      groupId: 'test',
      topics: [TOPICS.entityUpdated, TOPICS.entityCreated],
      fromBeginning: true,
      eachBatch: async (records) => void published.push(...records.map((r) => ({ org: r.event.orgid }))),
    });
    const accepted = await deliver('/chatwoot/adapters/cw-acme', contact, SECRET);
    expect(accepted.statusCode).toBe(202);
    await expect.poll(() => published.length, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(new Set(published.map((p) => p.org))).toEqual(new Set(['acme'])); // the registration's organisation
    const refused = await deliver('/chatwoot/adapters/cw-acme', contact, 'not-the-secret-0123456789');
    expect({ status: refused.statusCode, code: refused.json().code }).toEqual({ status: 401, code: 'WEBHOOK_SIGNATURE_INVALID' });
    expect((await app.inject({ method: 'POST', url: '/webhooks/rest-json', payload: {} })).statusCode).toBe(404); // no webhook side
  });
});

import { rmSync } from 'node:fs';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import type { PGlite } from '@electric-sql/pglite';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createChatwootWebhookAdapter } from '@dictamesh/adapter-chatwoot';
import { publishChanges, type ParsedWebhook } from '@dictamesh/adapter-sdk';
import { openDatabase, openPGlite, type Database } from '@dictamesh/db';
import { drain, KafkaEventBus, TOPICS } from '@dictamesh/events';
import { privateBroker } from '../test/kafka-broker';
import { killHard, startCatalogProcess, type CatalogProcess } from './harness/catalog-process';
import { gql, postWebhook, startTestStack, tempDataDir, type FullStack } from './harness/harness';

const broker = privateBroker('resilience', 19292);
const GROUP = 'dictamesh-catalog';
let pglite: PGlite;
let server: PGLiteSocketServer;
let db: Database;
let bus: KafkaEventBus;
let databaseUrl: string;
const children: CatalogProcess[] = [];
const adapter = createChatwootWebhookAdapter({ development: true }); // no registrations: the default organisation

/** Entity changes of `count` distinct Chatwoot contacts, as the webhook adapter derives them. */
function contactWebhooks(from: number, count: number): Promise<ParsedWebhook[]> {
  const parsed = Array.from({ length: count }, async (_, i) => {
    const body = {
      event: 'contact_created',
      id: from + i,
      name: `Customer ${from + i}`,
      email: `c${from + i}@shop.example`,
      account: { id: 12 },
    };
    const result = await adapter.parse(body, {
      rawBody: Buffer.from(JSON.stringify(body)),
      params: {},
      headers: {},
      receivedAt: new Date(),
    });
    if ('ignored' in result) throw new Error('ignored');
    return result;
  });
  return Promise.all(parsed);
}

async function produce(webhooks: ParsedWebhook[]) {
  for (let i = 0; i < webhooks.length; i += 500) {
    const chunk = webhooks.slice(i, i + 500);
    await publishChanges(bus, { source: chunk[0]!.source, sourceEvent: 'contact_created', changes: chunk.flatMap((w) => w.changes) });
  }
}

/**
 * What a Postgres server does when a client dies: roll its open transaction back. PGlite
 * over pglite-socket does not always (it runs one session), so the test host does it.
 */
async function crash({ child }: CatalogProcess) {
  await killHard(child);
  await new Promise((resolve) => setTimeout(resolve, 200));
  if (pglite.isInTransaction()) await pglite.exec('ROLLBACK');
}

const count = async (sql: string) => Number((await pglite.query<{ n: number }>(sql)).rows[0]!.n);
const contactsFrom = (from: number, to: number) =>
  count(
    `SELECT count(*)::int AS n FROM dictamesh_entity_catalog WHERE entity_type = 'contact' AND source_id::int BETWEEN ${from} AND ${to}`,
  );

beforeAll(async () => {
  await broker.up();
  pglite = await openPGlite('memory://');
  server = new PGLiteSocketServer({ db: pglite, host: '127.0.0.1', port: 0, maxConnections: 32 });
  await server.start();
  databaseUrl = `postgresql://postgres@${server.getServerConn()}/postgres?sslmode=disable`;
  db = await openDatabase({ url: databaseUrl, poolSize: 2 }); // applies the migrations
  bus = new KafkaEventBus({
    brokers: [broker.brokers],
    topics: { names: Object.values(TOPICS), partitions: 6, replicationFactor: 1, retentionMs: 3_600_000 },
  });
  await bus.connect();
}, 240_000);

afterAll(async () => {
  for (const child of children) await crash(child);
  await bus?.close();
  await db?.close();
  await server?.stop();
  await pglite?.close();
  await broker.down();
}, 120_000);

describe('catalog ingest on a real Kafka broker, under failure', () => {
  // a catalog left running would stay in the consumer group and take the next test's records
  afterEach(async () => {
    for (const child of children.splice(0)) await crash(child);
  }, 60_000);

  it('shares the partitions between two catalog instances of one consumer group, which together ingest everything once', async () => {
    for (let i = 0; i < 2; i++) children.push(await startCatalogProcess({ DATABASE_URL: databaseUrl, KAFKA_BROKERS: broker.brokers }));
    const admin = new Kafka({ clientId: 'test', brokers: [broker.brokers], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    const members = async () => (await admin.describeGroups([GROUP])).groups[0]!.members;
    await expect.poll(async () => (await members()).length, { timeout: 60_000, interval: 500 }).toBe(2);
    await expect
      .poll(async () => (await admin.describeGroups([GROUP])).groups[0]!.state, { timeout: 60_000, interval: 500 })
      .toBe('Stable');

    await produce(await contactWebhooks(300_000, 2_000));
    expect(await drain(bus, GROUP, 120_000, 200)).toBe(true);
    expect(await contactsFrom(300_000, 301_999)).toBe(2_000);

    const applied = await Promise.all(
      children.map(async ({ url }) => {
        const text = await (await fetch(`${url}/metrics`)).text();
        return Number(/dictamesh_catalog_events_total\{result="applied"\} (\d+)/.exec(text)?.[1] ?? 0);
      }),
    );
    expect(applied.every((n) => n > 0)).toBe(true);
    expect(applied[0]! + applied[1]!).toBe(2_000);
    expect(await count('SELECT count(*)::int AS n FROM dictamesh_dead_letters')).toBe(0);
    await admin.disconnect();
  }, 300_000);

  it('ingests 10,000 webhook-derived events exactly once although the catalog is killed -9 midway', async () => {
    await produce(await contactWebhooks(200_000, 10_000));
    let catalog = await startCatalogProcess({ DATABASE_URL: databaseUrl, KAFKA_BROKERS: broker.brokers });
    children.push(catalog);
    await expect
      .poll(() => count('SELECT count(*)::int AS n FROM dictamesh_event_log'), { timeout: 240_000, interval: 200 })
      .toBeGreaterThan(2_500);
    await crash(catalog); // kill -9: the batch in flight and its uncommitted offsets are lost
    expect(await contactsFrom(200_000, 209_999)).toBeLessThan(10_000);

    catalog = await startCatalogProcess({ DATABASE_URL: databaseUrl, KAFKA_BROKERS: broker.brokers });
    children.push(catalog);
    expect(await drain(bus, GROUP, 300_000, 200)).toBe(true);
    expect(await contactsFrom(200_000, 209_999)).toBe(10_000);
    const theirs = `FROM dictamesh_event_log WHERE subject ~ '^dictamesh:chatwoot:account/12:contact:20[0-9]{4}$'`;
    expect(await count(`SELECT count(*)::int AS n ${theirs}`)).toBe(10_000);
    expect(await count(`SELECT count(DISTINCT event_id)::int AS n ${theirs}`)).toBe(10_000);
    expect(await count('SELECT count(*)::int AS n FROM dictamesh_dead_letters')).toBe(0);
  }, 600_000);
});

describe('producer on a real Kafka broker, under failure', () => {
  let stack: FullStack;
  const dataDir = tempDataDir();
  afterAll(async () => {
    await stack?.close();
    rmSync(dataDir, { recursive: true, force: true });
  }, 120_000);

  it('loses no accepted webhook when the broker stops and restarts during produce', async () => {
    stack = await startTestStack(dataDir, {}, { KAFKA_BROKERS: broker.brokers, KAFKA_TOPIC_PARTITIONS: '6' });
    const accepted: number[] = [];
    const refused: number[] = [];
    let outage: Promise<void> | undefined;
    const ids = Array.from({ length: 240 }, (_, i) => 400_000 + i);
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < ids.length) {
          const id = ids[next++]!;
          if (id === 400_080)
            outage = broker
              .stop()
              .then(() => new Promise((r) => setTimeout(r, 3_000)))
              .then(() => broker.start());
          const response = await postWebhook(
            stack,
            JSON.stringify({ event: 'contact_created', id, name: `Outage ${id}`, account: { id: 12 } }),
          );
          (response.status === 202 ? accepted : refused).push(id);
        }
      }),
    );
    await outage;
    expect(accepted.length).toBeGreaterThan(200);
    expect(await stack.drained(180_000)).toBe(true);
    const { data } = await gql<{ entities: { nodes: Array<{ sourceId: string }> } }>(
      stack,
      `{ entities(first: 500, filter: { source: "chatwoot", type: "contact" }) { nodes { sourceId } } }`,
    );
    const stored = new Set(data!.entities.nodes.map((n) => Number(n.sourceId)));
    expect(accepted.filter((id) => !stored.has(id))).toEqual([]);
  }, 300_000);
});

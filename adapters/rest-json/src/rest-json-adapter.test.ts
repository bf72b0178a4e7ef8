import { pino } from 'pino';
import { AdapterConfigError, MemoryCheckpointStore, parseAdapterConfig, runSync, type ChangeBatch } from '@dictamesh/adapter-sdk';
import { assertEntityChange, type EntityChange } from '@dictamesh/events';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeCrm } from '../test/fake-crm';
import definition from './definition';
import { RestJsonAdapter } from './rest-json-adapter';

const sizes = { customers: 25, companies: 9, tickets: 7 };
let crm: FakeCrm;
const log = pino({ level: 'silent' });
// the fake CRM listens on loopback, which the production policy refuses (rest-json-ssrf.test.ts)
const outbound = { allowedHosts: ['127.0.0.1'] };

/** The fake CRM described declaratively, as a platform team would register it. */
const crmConfig = (baseUrl: string) => ({
  baseUrl,
  source: 'crm',
  domain: 'sales',
  auth: { type: 'bearer', token: 'crm-token' },
  timeoutMs: 2_000,
  resources: [
    {
      name: 'companies',
      entityType: 'company',
      path: '/v2/companies',
      updatedAtField: 'modified',
      displayNameField: 'legal_name',
      pagination: { style: 'link-header', sizeParam: 'per_page', size: 4 },
    },
    {
      name: 'customers',
      entityType: 'customer',
      path: '/v2/customers',
      itemsPath: 'data',
      updatedAtField: 'updated_at',
      displayNameField: 'name',
      deletedField: 'deleted_at',
      updatedSinceParam: 'updated_since',
      pagination: { style: 'cursor', nextCursorPath: 'meta.next_cursor', sizeParam: 'limit', size: 10 },
      relationships: [{ field: 'company_id', type: 'WORKS_AT', entityType: 'company' }],
    },
    {
      name: 'tickets',
      entityType: 'ticket',
      path: '/v2/tickets',
      itemsPath: 'results',
      idField: 'ticket_no',
      displayNameField: 'subject',
      pagination: { style: 'offset', limit: 3, totalPath: 'total' },
      relationships: [{ field: 'customer.ref', type: 'RAISED_BY', entityType: 'customer' }],
    },
  ],
});

const adapterFor = (config: Record<string, unknown> = crmConfig(crm.url)) =>
  new RestJsonAdapter('crm-test', parseAdapterConfig(definition, config), { log, outbound });

const sync = (
  adapter: RestJsonAdapter,
  store: MemoryCheckpointStore,
  mode: 'backfill' | 'incremental',
  publish: (b: ChangeBatch) => Promise<void>,
) => runSync(adapter, { mode, checkpoints: store, publish, signal: new AbortController().signal });

beforeAll(async () => void (crm = await FakeCrm.start(sizes)));
afterAll(() => crm.close());
beforeEach(() => void (crm.server.requests.length = 0));

describe('rest-json adapter against a cursor / Link-header / offset paginated API', () => {
  it('backfills every resource in its own pagination style into valid entity changes', async () => {
    const adapter = adapterFor();
    const changes = new Map<string, EntityChange>();
    const progress = await sync(adapter, new MemoryCheckpointStore(), 'backfill', async (batch) => {
      for (const { change } of batch.changes) {
        assertEntityChange(change);
        changes.set(change.urn, change);
      }
    });
    await adapter.shutdown();

    expect(changes.size).toBe(25 + 9 + 7);
    expect(progress.entities).toBe(41);
    // the last resource (tickets) says its total: the run's total is the changes before it plus 7
    expect(progress.total).toBe(41);
    // Link header: 9 companies in pages of 4 → the first request, then 2 following rel="next"
    expect(crm.requested.filter((u) => u.startsWith('/v2/companies'))).toEqual([
      '/v2/companies?per_page=4',
      '/v2/companies?page=2&per_page=4',
      '/v2/companies?page=3&per_page=4',
    ]);
    // cursor: 25 customers in pages of 10 → the opaque cursor of the body sent back twice
    const customerRequests = crm.requested.filter((u) => u.startsWith('/v2/customers'));
    expect(customerRequests).toHaveLength(3);
    expect(customerRequests[0]).toBe('/v2/customers?limit=10');
    expect(customerRequests[1]).toMatch(/^\/v2\/customers\?limit=10&cursor=\w+$/);
    // offset with total: 7 tickets, limit 3 → offsets 0, 3, 6
    expect(crm.requested.filter((u) => u.startsWith('/v2/tickets'))).toEqual([0, 3, 6].map((o) => `/v2/tickets?offset=${o}&limit=3`));
    expect(crm.server.requests.every((r) => r.headers.authorization === 'Bearer crm-token')).toBe(true);

    const customer = changes.get('dictamesh:crm:customer:cus_002')!;
    expect(customer).toMatchObject({
      source: 'crm',
      domain: 'sales',
      entityType: 'customer',
      operation: 'updated',
      displayName: 'Customer 2',
      occurredAt: crm.customers[1]!.updated_at,
      relationships: [{ type: 'WORKS_AT', toUrn: 'dictamesh:crm:company:2', cardinality: 'MANY_TO_ONE', confidence: 1 }],
    });
    expect(changes.get('dictamesh:crm:customer:cus_004')!.relationships).toEqual([]); // company_id null
    // Unix seconds → ISO-8601
    expect(changes.get('dictamesh:crm:company:1')!.occurredAt).toBe('2026-10-01T00:00:00.000Z');
    expect(changes.get('dictamesh:crm:ticket:5003')!.relationships[0]!.toUrn).toBe('dictamesh:crm:customer:cus_004');
  });

  it('re-syncs incrementally: the source filters by the watermark and soft deletes become deleted changes', async () => {
    const adapter = adapterFor();
    const store = new MemoryCheckpointStore();
    await sync(adapter, store, 'backfill', async () => undefined);
    const watermark = crm.customers[24]!.updated_at; // newest source time of the run
    expect(store.saved.get('crm-test')).toMatchObject({ resource: null, since: watermark });

    crm.customers[4] = { ...crm.customers[4]!, name: 'Customer 5 (renamed)', updated_at: '2026-11-02T10:00:00.000Z' };
    crm.customers[7] = { ...crm.customers[7]!, deleted_at: '2026-11-02T11:00:00.000Z', updated_at: '2026-11-02T11:00:00.000Z' };
    crm.server.requests.length = 0;
    const published: EntityChange[] = [];
    await sync(adapter, store, 'incremental', async (batch) => void published.push(...batch.changes.map((c) => c.change)));
    await adapter.shutdown();

    expect(crm.requested.find((u) => u.startsWith('/v2/customers'))).toBe(
      `/v2/customers?updated_since=${encodeURIComponent(watermark)}&limit=10`,
    );
    const customers = published.filter((c) => c.entityType === 'customer');
    expect(customers.map((c) => [c.sourceId, c.operation])).toEqual([
      ['cus_005', 'updated'],
      ['cus_008', 'deleted'],
    ]);
    // companies are re-read (no server-side filter) but none changed; tickets have no time and are re-published
    expect(published.filter((c) => c.entityType === 'company')).toEqual([]);
    expect(published.filter((c) => c.entityType === 'ticket')).toHaveLength(7);
    expect(store.saved.get('crm-test')).toMatchObject({ since: '2026-11-02T11:00:00.000Z' });
  });

  it('resumes a crashed backfill at the customers page in flight', async () => {
    const store = new MemoryCheckpointStore();
    const seen = new Set<string>();
    let batches = 0;
    const crashing = adapterFor();
    const failure = await sync(crashing, store, 'backfill', async (batch) => {
      if (++batches === 5) throw new Error('process killed'); // companies 1-3, customers page 1, then customers page 2
      for (const { change } of batch.changes) seen.add(change.urn);
    }).catch((error: unknown) => error);
    await crashing.shutdown();
    expect((failure as Error).message).toBe('process killed');
    expect(store.saved.get('crm-test')).toMatchObject({ resource: 'customers' });

    crm.server.requests.length = 0;
    const resumed = adapterFor();
    await sync(resumed, store, 'backfill', async (batch) => void batch.changes.forEach((c) => seen.add(c.change.urn)));
    await resumed.shutdown();
    expect(crm.requested.some((u) => u.startsWith('/v2/companies'))).toBe(false);
    expect(crm.requested[0]).toMatch(/^\/v2\/customers\?limit=10&cursor=\w+$/);
    expect(seen.size).toBe(41);
  });

  it('lists and gets records of a resource', async () => {
    const adapter = adapterFor();
    const first = await adapter.list('customers');
    expect(first.items).toHaveLength(10);
    const second = await adapter.list('customers', { cursor: first.nextCursor });
    expect(second.items[0]).toMatchObject({ id: 'cus_011' });
    expect(await adapter.get('customers', 'cus_003')).toMatchObject({ name: 'Customer 3' });
    expect(await adapter.get('customers', 'cus_999')).toBeNull();
    await expect(adapter.list('invoices')).rejects.toThrow(/no resource invoices/);
    await adapter.shutdown();
  });

  it('refuses a next link to another origin, reports a refused token as unhealthy, and ends on a repeated page', async () => {
    crm.companiesNextLink = 'http://198.51.100.7/v2/companies?page=2';
    const adapter = adapterFor();
    const error = await sync(adapter, new MemoryCheckpointStore(), 'backfill', async () => undefined).catch((e: unknown) => e);
    crm.companiesNextLink = undefined;
    expect(error).toBeInstanceOf(AdapterConfigError);
    expect((error as Error).message).toMatch(/leaves http:\/\/127\.0\.0\.1:\d+ \(http:\/\/198\.51\.100\.7\)/);
    await adapter.shutdown();

    const refused = adapterFor({ ...crmConfig(crm.url), auth: { type: 'bearer', token: 'wrong' } });
    expect(await refused.health()).toMatchObject({ healthy: false, message: expect.stringMatching(/401/) });
    await refused.shutdown();

    const stuck = adapterFor({
      ...crmConfig(crm.url),
      resources: [
        { name: 'stuck', entityType: 'ticket', path: '/v2/stuck', itemsPath: 'items', idField: 'ticket_no', pagination: { style: 'page' } },
      ],
    });
    const progress = await sync(stuck, new MemoryCheckpointStore(), 'backfill', async () => undefined);
    await stuck.shutdown();
    expect(crm.requested.filter((u) => u.startsWith('/v2/stuck'))).toEqual(['/v2/stuck?page=1', '/v2/stuck?page=2']);
    expect(progress.entities).toBe(2);
  });

  it('rejects an invalid declaration with every field problem', () => {
    const bad = {
      baseUrl: 'ftp://crm.example',
      source: 'CRM',
      resources: [
        { name: 'customers', entityType: 'Customer', path: '/c', pagination: { style: 'cursor' } },
        { name: 'customers', entityType: 'customer', path: '/c', pagination: { style: 'scroll' } },
      ],
      auth: { type: 'bearer' },
    };
    const error = (() => {
      try {
        parseAdapterConfig(definition, bad);
      } catch (e) {
        return e as AdapterConfigError;
      }
    })();
    expect(error).toBeInstanceOf(AdapterConfigError);
    expect(error!.problems.map((p) => p.path).sort()).toEqual(
      [
        'auth.token',
        'baseUrl',
        'resources.0.entityType',
        'resources.0.pagination.nextCursorPath',
        'resources.1.pagination.style',
        'source',
      ].sort(),
    );
  });
});

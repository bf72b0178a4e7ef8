import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '@dictamesh/runtime';
import type { LocalServer } from '../../../test/local-server';
import { startCatalogStandIn } from '../../test/catalog-stand-in';
import type { GatewayService } from '../service';
import { gatewayOver } from '../../test/gateway-over';

// The real supergraph (catalog SDL with @authenticated / @requiresScopes). The catalog is a
// loopback server executing what reaches it against the catalog's own subgraph schema with
// fixed data, and keeping every query it received.
const adapter = { id: 'crm', kind: 'rest-json', config: { baseUrl: 'http://crm.local' } };
const event = { id: 'e1', type: 'dictamesh.entity.updated', before: { name: 'A' }, after: { name: 'B' } };
const catalogResolvers = {
  Query: {
    adapters: () => [adapter],
    adapter: () => adapter,
    entity: (_: unknown, { urn }: { urn: string }) => ({ urn, events: [event] }),
    viewer: () => ({ subject: 'from-catalog' }),
  },
  Mutation: { pauseAdapter: () => adapter },
  Entity: { events: (entity: { events: unknown[] }) => entity.events },
};
const received: string[] = [];
let catalog: LocalServer;
let gateway: GatewayService;

const ANONYMOUS_ADMIN: Principal = { subject: 'anonymous', org: null, scopes: ['dictamesh:admin'], method: 'anonymous' };
const principals: Record<string, Principal> = {
  nobody: { subject: 'anonymous', org: null, scopes: [], method: 'anonymous' },
  reader: { subject: 'u1', org: 'acme', scopes: ['adapters:read'], method: 'jwt' },
  admin: { subject: 'u2', org: 'acme', scopes: ['dictamesh:admin'], method: 'jwt' },
  anonymousAdmin: ANONYMOUS_ADMIN,
};

type Result = {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; path?: unknown[]; extensions: { code: string } }>;
};
const post = async (as: keyof typeof principals, query: string, variables: Record<string, unknown> = {}) => {
  const response = await gateway.app.inject({
    method: 'POST',
    url: '/graphql',
    headers: { 'x-test-as': as },
    payload: { query, variables },
  });
  return { status: response.statusCode, body: response.json() as Result };
};

beforeAll(async () => {
  catalog = await startCatalogStandIn(catalogResolvers, (query) => received.push(query));
  gateway = await gatewayOver(`${catalog.url}/graphql`, {
    // authentication is tested on its own; here the principal is named by a header
    auth: { authenticate: async (headers) => principals[String(headers['x-test-as'])]! },
  });
});
afterAll(async () => {
  await gateway?.close();
  await catalog?.close();
});

const unauthorized = (body: Result) => body.errors?.filter((e) => e.extensions.code === 'UNAUTHORIZED').map((e) => e.path);

describe('authorization directives enforced by the gateway', () => {
  it('removes a field the caller lacks the scope for, reports it, and returns the rest', async () => {
    const sent = received.length;
    const { status, body } = await post('nobody', '{ adapters { id kind config } }');
    expect(status).toBe(200);
    expect(body.data).toEqual({ adapters: [{ id: 'crm', kind: 'rest-json' }] });
    expect(unauthorized(body)).toEqual([['adapters', '@', 'config']]);
    expect(body.errors![0]!.message).toMatch(/Unauthorized field or type/);
    // the subgraph was never asked for it
    expect(received.slice(sent)).toHaveLength(1);
    expect(received.at(-1)).not.toContain('config');
  });

  it('accepts any one of the listed scope sets (OR), and answers in full when nothing is removed', async () => {
    for (const as of ['reader', 'admin', 'anonymousAdmin'] as const) {
      const { body } = await post(as, '{ adapters { id config } }');
      expect({ as, body }).toEqual({ as, body: { data: { adapters: [{ id: 'crm', config: adapter.config }] } } });
    }
  });

  it('keeps @authenticated fields from unauthenticated callers whatever scopes they were granted', async () => {
    const query = '{ entity(urn: "u:1") { urn events { id before after } } }';
    const anonymous = await post('anonymousAdmin', query);
    expect(anonymous.body.data).toEqual({ entity: { urn: 'u:1', events: [{ id: 'e1' }] } });
    expect(unauthorized(anonymous.body)).toEqual([
      ['entity', 'events', '@', 'before'],
      ['entity', 'events', '@', 'after'],
    ]);
    const user = await post('reader', query);
    expect(user.body).toEqual({ data: { entity: { urn: 'u:1', events: [{ id: 'e1', before: event.before, after: event.after }] } } });
  });

  it('answers data null with the errors, calling no subgraph, when nothing authorised is left', async () => {
    const sent = received.length;
    const { status, body } = await post('nobody', 'mutation Pause($id: ID!) { pauseAdapter(id: $id) { id } }', { id: 'crm' });
    expect(status).toBe(200);
    expect(body).toEqual({
      data: null,
      errors: [expect.objectContaining({ path: ['pauseAdapter'], extensions: { code: 'UNAUTHORIZED' } })],
    });
    expect(received.length).toBe(sent);
  });

  it('follows fragments per use, drops parents left empty and variables left unused', async () => {
    const query = `query Q($id: ID!) {
      viewer { subject }
      adapter(id: $id) { ...Secret }
      adapters { ...Secret ...Public }
    }
    fragment Secret on Adapter { config }
    fragment Public on Adapter { renamed: id }`;
    const { status, body } = await post('nobody', query, { id: 'crm' });
    expect(status).toBe(200);
    expect(body.data).toEqual({ viewer: { subject: 'from-catalog' }, adapters: [{ renamed: 'crm' }] });
    expect(unauthorized(body)).toEqual([
      ['adapter', 'config'],
      ['adapters', '@', 'config'],
    ]);
    expect(received.at(-1)).not.toMatch(/\$id|config/);
  });

  it('caches the plans of the full and the reduced operation apart', async () => {
    const query = '{ adapters { id config } }';
    const results = [];
    for (const as of ['admin', 'nobody', 'admin', 'nobody'] as const) results.push((await post(as, query)).body.data);
    expect(results).toEqual([
      { adapters: [{ id: 'crm', config: adapter.config }] },
      { adapters: [{ id: 'crm' }] },
      { adapters: [{ id: 'crm', config: adapter.config }] },
      { adapters: [{ id: 'crm' }] },
    ]);
  });
});

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startLocalServer, type LocalServer } from '../../../test/local-server';
import { gatewayOver } from '../../test/gateway-over';
import { manifestFromFolder } from '../persisted-operations/publish';
import { operationId, type PersistedQueryManifest } from '../persisted-operations/manifest';
import { buildSubscriptionSchema } from '../subscriptions/schema';
import { apiSchemaOf, composeSupergraph, dictameshSubgraphs } from '../supergraph';
import type { GatewayService } from '../service';

// Operations published from a folder, then three gateways over the real supergraph: safelist,
// ids-only, and APQ without a list. The catalog is a loopback server counting what reaches it.
const folder = mkdtempSync(join(tmpdir(), 'dictamesh-operations-'));
const schema = buildSubscriptionSchema(
  apiSchemaOf(
    composeSupergraph(dictameshSubgraphs({ catalog: 'http://127.0.0.1:1/graphql', adapters: 'http://127.0.0.1:1/adapters/graphql' })),
  ),
);
let catalog: LocalServer;
let manifest: PersistedQueryManifest;
const gateways: Record<'safelist' | 'ids' | 'apq', GatewayService> = {} as never;

const post = async (gateway: GatewayService, payload: Record<string, unknown>) => {
  const response = await gateway.app.inject({ method: 'POST', url: '/graphql', payload });
  return { status: response.statusCode, body: response.json() as { data?: unknown; errors?: Array<{ extensions: { code: string } }> } };
};
const subgraphCalls = () => catalog.requests.filter((r) => r.method === 'POST').length;
const byId = (id: string) => ({ extensions: { persistedQuery: { version: 1, sha256Hash: id } } });

beforeAll(async () => {
  mkdirSync(join(folder, 'contacts'));
  writeFileSync(join(folder, 'fragments.graphql'), 'fragment Card on Entity { urn displayName }');
  writeFileSync(join(folder, 'contacts', 'contact.graphql'), 'query Contact($urn: ID!) { entity(urn: $urn) { ...Card } }');
  writeFileSync(
    join(folder, 'feed.gql'),
    'subscription Feed { entityChanged { urn entity { ...Card } } }\nquery Me { viewer { subject } }',
  );
  manifest = manifestFromFolder(folder, schema);
  catalog = await startLocalServer();
  catalog.handle((_req, res) => json(res, 200, { data: { entity: { urn: 'u:1', displayName: 'Ada' }, viewer: { subject: 'anonymous' } } }));
  const url = `${catalog.url}/graphql`;
  gateways.safelist = await gatewayOver(url, { persistedQueries: { manifest, safelist: 'safelist' } });
  gateways.ids = await gatewayOver(url, { persistedQueries: { manifest, safelist: 'ids' } });
  gateways.apq = await gatewayOver(url, {});
});
afterAll(async () => {
  for (const gateway of Object.values(gateways)) await gateway?.close();
  await catalog?.close();
  rmSync(folder, { recursive: true, force: true });
});

describe('persisted operations', () => {
  it('publishes each named operation with the fragments it uses, id = SHA-256 of the body, sorted by name', () => {
    expect(manifest.operations.map((o) => [o.name, o.type])).toEqual([
      ['Contact', 'query'],
      ['Feed', 'subscription'],
      ['Me', 'query'],
    ]);
    const contact = manifest.operations[0]!;
    expect(contact.body).toBe(
      'query Contact($urn: ID!) {\n  entity(urn: $urn) {\n    ...Card\n  }\n}\n\nfragment Card on Entity {\n  urn\n  displayName\n}',
    );
    expect(contact.id).toBe(operationId(contact.body));
    expect(manifest.operations[2]!.body).not.toContain('fragment'); // Me uses none
  });

  it('refuses to publish invalid, anonymous or duplicate operations, naming each problem', () => {
    const bad = mkdtempSync(join(tmpdir(), 'dictamesh-operations-bad-'));
    writeFileSync(
      join(bad, 'a.graphql'),
      '{ viewer { subject } }\nquery Broken { entity(urn: "x") { nope } }\nquery Me { viewer { subject } }',
    );
    writeFileSync(join(bad, 'b.graphql'), 'query Me { viewer { org } }\nquery Typo { entity(urn: "x") { ...Missing } }');
    writeFileSync(join(bad, 'c.graphql'), 'query {');
    try {
      expect(() => manifestFromFolder(bad, schema)).toThrow(
        expect.objectContaining({
          code: 'BAD_USER_INPUT',
          details: {
            problems: [
              'a.graphql: every operation needs a name',
              'c.graphql: Syntax Error: Expected Name, found <EOF>.',
              'a.graphql: Broken: Cannot query field "nope" on type "Entity". Did you mean "type"?',
              'b.graphql: operation Me is defined twice',
              'b.graphql: Typo: Unknown fragment "Missing".',
            ],
          },
        }),
      );
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  });

  it('safelist: runs listed operations by id or exact body; refuses anything else before any subgraph call', async () => {
    const contact = manifest.operations[0]!;
    const calls = subgraphCalls();
    const viaId = await post(gateways.safelist, { ...byId(contact.id), variables: { urn: 'u:1' } });
    expect(viaId).toEqual({ status: 200, body: { data: { entity: { urn: 'u:1', displayName: 'Ada' } } } });
    const viaBody = await post(gateways.safelist, { query: contact.body, variables: { urn: 'u:1' } });
    expect(viaBody.status).toBe(200);
    const relaidOut = await post(gateways.safelist, {
      query: '# from the app\nquery Contact($urn: ID!) { entity(urn: $urn) { ...Card } } fragment Card on Entity { urn, displayName }',
      variables: { urn: 'u:1' },
    });
    expect(relaidOut.status).toBe(200);
    expect(subgraphCalls()).toBe(calls + 3);

    const other = '{ entity(urn: "u:1") { urn attributes } }';
    const refused = [
      await post(gateways.safelist, { query: other }),
      await post(gateways.safelist, { query: 'query Contact($urn: ID!) { entity(urn: $urn) { urn attributes } }' }), // same name, other fields
      await post(gateways.safelist, { query: other, ...byId(operationId(other)) }), // APQ registration is closed
    ];
    for (const r of refused)
      expect(r).toMatchObject({ status: 400, body: { errors: [{ extensions: { code: 'PERSISTED_QUERY_NOT_IN_LIST' } }] } });
    const unknownId = await post(gateways.safelist, byId(operationId(other)));
    expect(unknownId.body.errors?.[0]?.extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect(subgraphCalls()).toBe(calls + 3);
  });

  it('refuses to start a safelist without a manifest', async () => {
    await expect(gatewayOver(`${catalog.url}/graphql`, { persistedQueries: { safelist: 'ids' } })).rejects.toMatchObject({
      code: 'CONFIGURATION_INVALID',
      message: expect.stringContaining('GATEWAY_PERSISTED_QUERIES'),
    });
  });

  it('ids mode: only ids run, even a listed body is refused', async () => {
    const me = manifest.operations[2]!;
    expect((await post(gateways.ids, byId(me.id))).body).toEqual({ data: { viewer: { subject: 'anonymous' } } });
    expect(await post(gateways.ids, { query: me.body })).toMatchObject({
      status: 400,
      body: { errors: [{ extensions: { code: 'PERSISTED_QUERY_ID_REQUIRED' } }] },
    });
  });

  it('APQ without a list: an unknown hash is asked for, registered with its query, then runs by hash', async () => {
    const query = 'query Who { viewer { subject } }';
    const hash = operationId(query);
    expect((await post(gateways.apq, byId(hash))).body.errors?.[0]?.extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect((await post(gateways.apq, { query, ...byId(hash) })).body).toEqual({ data: { viewer: { subject: 'anonymous' } } });
    expect((await post(gateways.apq, byId(hash))).body).toEqual({ data: { viewer: { subject: 'anonymous' } } });
    const mismatch = await post(gateways.apq, { query, ...byId(operationId('{ other }')) });
    expect(mismatch.status).toBe(400);
  });
});

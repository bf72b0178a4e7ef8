import { randomBytes } from 'node:crypto';
import DataLoader from 'dataloader';
import { parse } from 'graphql';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, err, GatewayTokens, PRINCIPAL_HEADER, type Principal } from '@dictamesh/runtime';
import { defineLoader } from './loaders';
import type { SubgraphContext } from './context';
import { createSubgraphService, type SubgraphService } from './service';

// A throwaway subgraph: who am I, an item per id (through a per-request loader bound to the
// caller's organisation), an unexpected failure and an expected, coded one.
const typeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  type Query {
    me: Me!
    item(id: ID!): Item
    boom: String
    refused: String
  }
  type Me { subject: String!, org: String! }
  type Item @key(fields: "id") { id: ID!, label: String! }
`);

interface ToyContext extends SubgraphContext {
  /** Every batch the item loader ran: the organisation and its keys. */
  batches: Array<{ org: string; ids: readonly string[] }>;
}

const itemLoader = defineLoader(
  'item',
  (ctx: ToyContext) =>
    new DataLoader<string, { id: string; label: string }>(async (ids) => {
      ctx.batches.push({ org: ctx.org, ids });
      return ids.map((id) => ({ id, label: `${ctx.org}:${id}` }));
    }),
);

const resolvers = {
  Query: {
    me: (_root: unknown, _args: unknown, ctx: ToyContext) => ({ subject: ctx.principal.subject, org: ctx.org }),
    item: (_root: unknown, { id }: { id: string }, ctx: ToyContext) => itemLoader(ctx).load(id),
    boom: () => {
      throw new Error('connection string postgres://secret@db');
    },
    refused: () => {
      throw err('FORBIDDEN', 'Not for you.');
    },
  },
};

const tokens = new GatewayTokens(randomBytes(32).toString('base64'));
const principal = (org: string): Principal => ({ subject: `user-${org}`, org, scopes: [], method: 'jwt' });
const batches: ToyContext['batches'] = [];
const readiness = { ready: true, throws: false };
let service: SubgraphService<never>;
let origin: string;

beforeAll(async () => {
  service = await createSubgraphService({
    schema: buildSubgraphSchema([{ typeDefs, resolvers }]),
    logger: createLogger('kit-test', 'silent'),
    introspection: false,
    gatewayTokens: tokens,
    context: () => ({ batches }),
    readiness: {
      store: async () => {
        if (readiness.throws) throw new Error('store unreachable');
        return { ready: readiness.ready, details: { store: readiness.ready ? 'ok' : 'read-only' } };
      },
    },
  });
  origin = await service.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(() => service?.close());

async function graphql(query: string, token?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${origin}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { [PRINCIPAL_HEADER]: token } : {}) },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('gateway principal', () => {
  it('refuses a request without a principal token: 401 UNAUTHENTICATED', async () => {
    const { status, body } = await graphql('{ me { org } }');
    expect(status).toBe(401);
    expect(body).toMatchObject({ errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
    expect(body.data).toBeUndefined();
  });

  it('refuses a token signed with another key', async () => {
    const forged = await new GatewayTokens(randomBytes(32).toString('base64')).sign(principal('acme'));
    const { status, body } = await graphql('{ me { org } }', forged);
    expect(status).toBe(401);
    expect(body).toMatchObject({ errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
  });

  it('puts the signed principal and its organisation in the context', async () => {
    const { status, body } = await graphql('{ me { subject org } }', await tokens.sign(principal('acme')));
    expect(status).toBe(200);
    expect(body).toEqual({ data: { me: { subject: 'user-acme', org: 'acme' } } });
  });
});

describe('per-request loader registry', () => {
  it('batches within a request and shares nothing between two requests', async () => {
    batches.length = 0;
    const query = '{ a: item(id: "1") { label } b: item(id: "1") { label } c: item(id: "2") { label } }';
    const first = await graphql(query, await tokens.sign(principal('acme')));
    const second = await graphql(query, await tokens.sign(principal('globex')));
    expect(first.body).toEqual({ data: { a: { label: 'acme:1' }, b: { label: 'acme:1' }, c: { label: 'acme:2' } } });
    // the second request's loader did not answer from the first one's cache (another organisation's items)
    expect(second.body).toEqual({ data: { a: { label: 'globex:1' }, b: { label: 'globex:1' }, c: { label: 'globex:2' } } });
    expect(batches).toEqual([
      { org: 'acme', ids: ['1', '2'] },
      { org: 'globex', ids: ['1', '2'] },
    ]);
  });
});

describe('errors', () => {
  it('masks an unexpected error as INTERNAL_SERVER_ERROR without its message', async () => {
    const { body } = await graphql('{ boom }', await tokens.sign(principal('acme')));
    expect(body).toMatchObject({
      data: { boom: null },
      errors: [{ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
    });
    expect(JSON.stringify(body)).not.toContain('secret');
  });

  it('keeps the code and message of a DictaMeshError', async () => {
    const { body } = await graphql('{ refused }', await tokens.sign(principal('acme')));
    expect(body).toMatchObject({ errors: [{ message: 'Not for you.', extensions: { code: 'FORBIDDEN' } }] });
  });
});

describe('health, readiness and metrics', () => {
  it('answers /readyz 200 with the checks details while every check is ready', async () => {
    Object.assign(readiness, { ready: true, throws: false });
    const ready = await fetch(`${origin}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok', store: 'ok' });
  });

  it('answers /readyz 503 when a check is not ready or throws; /healthz stays 200', async () => {
    Object.assign(readiness, { ready: false, throws: false });
    const notReady = await fetch(`${origin}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({ status: 'unavailable', store: 'read-only' });

    Object.assign(readiness, { ready: true, throws: true });
    const failed = await fetch(`${origin}/readyz`);
    expect(failed.status).toBe(503);
    expect(await failed.json()).toEqual({ status: 'unavailable', store: 'store unreachable' });
    expect((await fetch(`${origin}/healthz`)).status).toBe(200);
  });

  it('serves the process metrics at /metrics', async () => {
    const metrics = await fetch(`${origin}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('process_cpu_user_seconds_total');
  });
});

import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { graphql } from 'graphql';
import { pino } from 'pino';
import { openDatabase, type Database } from '@dictamesh/db';
import { InProcessEventBus } from '@dictamesh/events';
import type { Principal } from '@dictamesh/runtime';
import { createRequestContext } from '@dictamesh/subgraph-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdapterHost } from '../host';
import { AdapterKinds } from '../kinds';
import { Keyring, LocalMasterKey } from '@dictamesh/secrets';
import type { AdapterStatus } from './__generated__/resolvers-types';
import type { AdaptersContext } from './context';
import { buildAdaptersSchema } from './schema';

// The adapters subgraph's fields of `Organization` (owned by billing), as the gateway asks for
// them: by reference (`_entities`). acme registered crm (RUNNING), cw-a (PAUSED) and cw-c
// (RUNNING); globex registered cw-b (FAILED). The host never starts (no reconcile): nothing runs.
const ADAPTERS = fileURLToPath(new URL('../../..', import.meta.url));
const log = pino({ level: 'silent' });
const schema = buildAdaptersSchema();
const ORGANIZATIONS = `query ($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Organization { id adapters { id kind status } all: adapterCount running: adapterCount(status: RUNNING) }
  }
}`;
let db: Database;
let host: AdapterHost;

const register = (id: string, kind: string, orgId: string, status: AdapterStatus) =>
  db.prisma.adapterRegistration.create({ data: { id, kind, orgId, status, version: '1', config: { baseUrl: 'https://example.com' } } });

beforeAll(async () => {
  db = await openDatabase({ dataDir: 'memory://' });
  host = new AdapterHost({
    prisma: db.prisma,
    bus: new InProcessEventBus(),
    kinds: new AdapterKinds([ADAPTERS], log),
    secrets: { sealer: await Keyring.open(db.prisma, [LocalMasterKey.fromBase64(randomBytes(32).toString('base64'))]) },
    log,
  });
  await register('cw-c', 'chatwoot', 'acme', 'RUNNING');
  await register('cw-b', 'chatwoot', 'globex', 'FAILED');
  await register('crm', 'rest-json', 'acme', 'RUNNING');
  await register('cw-a', 'chatwoot', 'acme', 'PAUSED');
});
afterAll(async () => {
  await host.close();
  await db.close();
});

async function read(callerOrg: string, source: string, ids: string[] = []) {
  const principal: Principal = { subject: `user@${callerOrg}`, org: callerOrg, scopes: [], method: 'jwt' };
  const contextValue: AdaptersContext = { prisma: db.prisma, adapters: host, ...createRequestContext(principal) };
  const result = await graphql({
    schema,
    source,
    variableValues: { representations: ids.map((id) => ({ __typename: 'Organization', id })) },
    contextValue,
  });
  expect(result.errors).toBeUndefined();
  return result.data;
}

describe('Organization (adapters fields)', () => {
  it('gives acme its own adapters by id, as Query.adapters lists them, and their counts', async () => {
    const adapters = [
      { id: 'crm', kind: 'rest-json', status: 'RUNNING' },
      { id: 'cw-a', kind: 'chatwoot', status: 'PAUSED' },
      { id: 'cw-c', kind: 'chatwoot', status: 'RUNNING' },
    ];
    expect(await read('acme', ORGANIZATIONS, ['acme'])).toEqual({ _entities: [{ id: 'acme', adapters, all: 3, running: 2 }] });
    expect(await read('acme', '{ adapters { id kind status } }')).toEqual({ adapters });
  });

  it("resolves another organisation's reference to null: globex asking for acme gets nothing of acme", async () => {
    expect(await read('globex', ORGANIZATIONS, ['acme', 'globex'])).toEqual({
      _entities: [null, { id: 'globex', adapters: [{ id: 'cw-b', kind: 'chatwoot', status: 'FAILED' }], all: 1, running: 0 }],
    });
  });
});

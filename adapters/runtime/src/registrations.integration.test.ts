import { randomBytes } from 'node:crypto';
import { openDatabase, type Database } from '@dictamesh/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Keyring, LocalMasterKey } from '@dictamesh/secrets';
import { sealAdapterSecrets, type AdapterSecretKeys } from './adapter-secrets';
import { RegistrationRegistry } from './registrations';

// The registry webhook receivers read: one kind's registrations, secrets opened, nothing of other kinds.
let secrets: AdapterSecretKeys;
let db: Database;
let registry: RegistrationRegistry;

const register = async (id: string, kind: string, orgId: string, accountId: number, secret?: Record<string, unknown>) =>
  db.prisma.adapterRegistration.create({
    data: { id, kind, orgId, version: '1', config: { accountId }, ...(secret ? await sealAdapterSecrets(secrets, id, secret) : {}) },
  });

beforeAll(async () => {
  db = await openDatabase({ dataDir: 'memory://' });
  secrets = { sealer: await Keyring.open(db.prisma, [LocalMasterKey.fromBase64(randomBytes(32).toString('base64'))]) };
  registry = new RegistrationRegistry(db.prisma, secrets);
  await register('cw-b', 'chatwoot', 'globex', 12, { webhookSecret: 'globex-secret' });
  await register('cw-a', 'chatwoot', 'acme', 12, { webhookSecret: 'acme-secret' });
  await register('cw-c', 'chatwoot', 'acme', 13);
  await register('crm', 'rest-json', 'acme', 12, { apiToken: 't' });
});
afterAll(() => db.close());

describe('RegistrationRegistry', () => {
  it("gives a kind's webhook side its registrations by configuration field and by id, secrets opened, other kinds left out", async () => {
    const chatwoot = registry.forKind('chatwoot');
    expect(await chatwoot.where('accountId', 12)).toEqual([
      { id: 'cw-a', org: 'acme', config: { accountId: 12, webhookSecret: 'acme-secret' } },
      { id: 'cw-b', org: 'globex', config: { accountId: 12, webhookSecret: 'globex-secret' } },
    ]);
    expect(await chatwoot.byId('cw-c')).toEqual({ id: 'cw-c', org: 'acme', config: { accountId: 13 } });
    expect(await chatwoot.byId('crm')).toBeNull(); // another kind's registration
    expect(await registry.forKind('rest-json').where('accountId', 12)).toEqual([
      { id: 'crm', org: 'acme', config: { accountId: 12, apiToken: 't' } },
    ]);
  });

  it('answers from its cache until cleared (every registration change made through the runtime clears it)', async () => {
    const chatwoot = registry.forKind('chatwoot');
    expect(await chatwoot.byId('cw-d')).toBeNull();
    await register('cw-d', 'chatwoot', 'acme', 14);
    expect(await chatwoot.byId('cw-d')).toBeNull();
    registry.clear();
    expect(await chatwoot.byId('cw-d')).toMatchObject({ id: 'cw-d', org: 'acme' });
  });
});

import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '@dictamesh/db';
import { InProcessEventBus } from '@dictamesh/events';
import { GatewayTokens, type Principal } from '@dictamesh/runtime';
import { Keyring, LocalMasterKey } from '@dictamesh/secrets';
import { createConfigService, type ConfigService } from '../service';
import { subgraphClient } from '../test/subgraph-client';

// The key ring through the config subgraph's GraphQL API (platform operator only, audited), on an in-memory PGlite.
const log = pino({ level: 'silent' });
const tokens = new GatewayTokens(randomBytes(32).toString('base64'));
let clock = new Date('2026-12-01T00:00:00.000Z');
let db: Database;
let bus: InProcessEventBus;
let keyring: Keyring;
let config: ConfigService;

const operator: Principal = { subject: 'ops', org: 'platform', scopes: ['dictamesh:platform'], method: 'jwt' };
const acmeAdmin: Principal = { subject: 'ann@acme', org: 'acme', scopes: ['dictamesh:admin', 'config:write'], method: 'api-key' };

const { ok, code } = subgraphClient(() => config.app, tokens);

const LIST = '{ encryptionKeys { id version provider status dataKeys createdAt rotatedAt retiredAt } }';
const ROTATE = 'mutation { rotateEncryptionKey { rewrapped key { id version status dataKeys createdAt } } }';
const RETIRE = 'mutation ($id: ID!) { retireEncryptionKey(id: $id) { id status dataKeys retiredAt } }';

beforeAll(async () => {
  db = await openDatabase({ dataDir: 'memory://' });
  bus = new InProcessEventBus();
  keyring = await Keyring.open(db.prisma, [LocalMasterKey.fromBase64(randomBytes(32).toString('base64'))], { now: () => clock });
  config = await createConfigService({
    db,
    bus,
    logger: log,
    introspection: false,
    gatewayTokens: tokens,
    secrets: keyring,
    now: () => clock,
    compactionIntervalMs: 0,
    watcherPurgeIntervalMs: 0,
  });
  // one secret value wrapped by the first key
  const id = crypto.randomUUID();
  const sealed = await keyring.seal(Buffer.from('"s3cret"'), `config:${id}`);
  await db.prisma.configEntry.create({
    data: { id, key: 'db.password', kind: 'SECRET', ...sealed, version: 1, revision: 1n, updatedBy: 't' },
  });
});
afterAll(async () => {
  await config?.close();
  await bus?.close();
  await db?.close();
});

describe('the key ring through GraphQL', () => {
  it('is the platform operator’s: an organisation administrator is refused (and the refusal audited)', async () => {
    expect(await code(acmeAdmin, LIST)).toBe('FORBIDDEN');
    expect(await code(acmeAdmin, ROTATE)).toBe('FORBIDDEN');
    expect(await code(acmeAdmin, RETIRE, { id: keyring.activeKeyId })).toBe('FORBIDDEN');
    expect((await keyring.list()).map((key) => key.version)).toEqual([1]);
    const audit = await db.prisma.configAuditLog.findMany({ orderBy: { id: 'asc' } });
    expect(audit.map((row) => [row.actor, row.action, row.outcome, row.orgId, row.detail])).toEqual([
      ['ann@acme', 'KEY_ROTATE', 'DENIED', null, { code: 'FORBIDDEN' }],
      ['ann@acme', 'KEY_RETIRE', 'DENIED', null, { keyId: keyring.activeKeyId, code: 'FORBIDDEN' }],
    ]);
  });

  it('lists, rotates (re-wrapping every data key), refuses to retire a key in use, retires an unused one; each change audited', async () => {
    const first = keyring.activeKeyId;
    expect((await ok(operator, LIST)).encryptionKeys).toEqual([
      {
        id: first,
        version: 1,
        provider: 'local',
        status: 'ACTIVE',
        dataKeys: 1,
        createdAt: clock.toISOString(),
        rotatedAt: null,
        retiredAt: null,
      },
    ]);
    clock = new Date('2026-12-01T01:00:00.000Z');
    const { rotateEncryptionKey } = await ok(operator, ROTATE);
    expect(rotateEncryptionKey).toEqual({
      rewrapped: 1,
      key: { id: keyring.activeKeyId, version: 2, status: 'ACTIVE', dataKeys: 1, createdAt: clock.toISOString() },
    });
    const second = rotateEncryptionKey.key.id as string;
    expect(second).not.toBe(first);
    expect(await code(operator, RETIRE, { id: second })).toBe('ENCRYPTION_KEY_IN_USE');
    expect(await code(operator, RETIRE, { id: 'kek-99-000000000000' })).toBe('ENCRYPTION_KEY_UNKNOWN');
    expect((await ok(operator, RETIRE, { id: first })).retireEncryptionKey).toEqual({
      id: first,
      status: 'RETIRED',
      dataKeys: 0,
      retiredAt: clock.toISOString(),
    });
    expect(
      (await ok(operator, LIST)).encryptionKeys.map((key: { version: number; status: string; dataKeys: number }) => [
        key.version,
        key.status,
        key.dataKeys,
      ]),
    ).toEqual([
      [2, 'ACTIVE', 1],
      [1, 'RETIRED', 0],
    ]);
    const audit = await db.prisma.configAuditLog.findMany({ where: { actor: 'ops' }, orderBy: { id: 'asc' } });
    expect(audit.map((row) => [row.action, row.outcome, row.orgId, row.detail])).toEqual([
      ['KEY_ROTATE', 'ALLOWED', null, { keyId: second, version: 2, rewrapped: 1 }],
      ['KEY_RETIRE', 'DENIED', null, { keyId: second, code: 'ENCRYPTION_KEY_IN_USE' }],
      ['KEY_RETIRE', 'DENIED', null, { keyId: 'kek-99-000000000000', code: 'ENCRYPTION_KEY_UNKNOWN' }],
      ['KEY_RETIRE', 'ALLOWED', null, { keyId: first, version: 1 }],
    ]);
    // the secret still opens under the new key
    const row = await db.prisma.configEntry.findFirstOrThrow({ where: { key: 'db.password' } });
    expect(row.keyId).toBe(second);
    expect(
      (await keyring.open({ keyId: row.keyId!, wrappedKey: row.wrappedKey!, ciphertext: row.ciphertext! }, `config:${row.id}`)).toString(),
    ).toBe('"s3cret"');
  });
});

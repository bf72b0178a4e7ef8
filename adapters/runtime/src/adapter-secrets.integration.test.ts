import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { openDatabase, type Database } from '@dictamesh/db';
import { DictaMeshError } from '@dictamesh/runtime';
import { Keyring, LocalMasterKey } from '@dictamesh/secrets';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openAdapterSecrets, resealLegacySecrets, sealAdapterSecrets, type AdapterSecretKeys } from './adapter-secrets';
import { SecretBox } from './secret-box';

// Adapter secrets on the key ring: sealed with aad `adapter:<id>`, and rows the legacy box sealed
// (both envelope columns NULL) opened with the legacy key and re-sealed at start.
const TOKEN = 'legacy-api-token-5d1c9e';
const log = pino({ level: 'silent' });
const legacy = SecretBox.fromBase64(randomBytes(32).toString('base64'));
let db: Database;
let keyring: Keyring;

/** A registration row as the runtime stored it before the key ring. */
const legacyRow = (id: string, secrets: Record<string, unknown>) =>
  db.prisma.adapterRegistration.create({ data: { id, kind: 'rest-json', version: '1', config: {}, secrets: legacy.seal(secrets) } });

/** The error `run` throws. */
async function failure(run: () => Promise<unknown>): Promise<DictaMeshError> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(DictaMeshError);
    expect(JSON.stringify({ message: (error as Error).message, ...(error as DictaMeshError).details })).not.toContain(TOKEN);
    return error as DictaMeshError;
  }
  throw new Error('expected a failure');
}

beforeAll(async () => {
  db = await openDatabase({ dataDir: 'memory://' });
  keyring = await Keyring.open(db.prisma, [LocalMasterKey.fromBase64(randomBytes(32).toString('base64'))]);
});
afterAll(() => db.close());
beforeEach(() => db.prisma.adapterRegistration.deleteMany());

describe('adapter secrets on the key ring', () => {
  it('seals with aad adapter:<id>: no plaintext in the row, and the ciphertext does not open under another registration', async () => {
    const keys: AdapterSecretKeys = { sealer: keyring };
    const sealed = await sealAdapterSecrets(keys, 'crm', { apiToken: TOKEN });
    expect(sealed.secretsKeyId).toBe(keyring.activeKeyId);
    const row = await db.prisma.adapterRegistration.create({ data: { id: 'crm', kind: 'rest-json', version: '1', config: {}, ...sealed } });
    const [raw] = await db.prisma.$queryRawUnsafe<{ row: string }[]>("SELECT t::text AS row FROM dictamesh_adapters t WHERE id = 'crm'");
    expect(raw!.row).not.toContain(TOKEN);
    expect(Buffer.from(row.secrets!).includes(Buffer.from(TOKEN))).toBe(false);
    expect(await openAdapterSecrets(keys, row)).toEqual({ apiToken: TOKEN });
    expect((await failure(() => openAdapterSecrets(keys, { ...row, id: 'other' }))).code).toBe('SECRET_UNDECRYPTABLE');
  });

  it('re-seals legacy rows at start with the key ring; afterwards they open without the legacy key', async () => {
    await legacyRow('legacy-a', { apiToken: TOKEN });
    await legacyRow('legacy-b', { password: 'p' });
    const keys: AdapterSecretKeys = { sealer: keyring, legacy: () => legacy };
    expect(await openAdapterSecrets(keys, await db.prisma.adapterRegistration.findUniqueOrThrow({ where: { id: 'legacy-a' } }))).toEqual({
      apiToken: TOKEN,
    });
    expect(await resealLegacySecrets(db.prisma, keys, log)).toBe(2);
    const rows = await db.prisma.adapterRegistration.findMany({ orderBy: { id: 'asc' } });
    expect(rows.map((row) => row.secretsKeyId)).toEqual([keyring.activeKeyId, keyring.activeKeyId]);
    expect(rows.map((row) => row.secretsWrappedKey?.length)).toEqual([60, 60]);
    const withoutLegacy: AdapterSecretKeys = { sealer: keyring };
    expect(await openAdapterSecrets(withoutLegacy, rows[0]!)).toEqual({ apiToken: TOKEN });
    expect(await openAdapterSecrets(withoutLegacy, rows[1]!)).toEqual({ password: 'p' });
    // the old box cannot open what is stored now: the legacy key is not needed any more
    expect(() => legacy.open(rows[0]!.secrets!)).toThrow(DictaMeshError);
    expect(await resealLegacySecrets(db.prisma, keys, log)).toBe(0);
  });

  it('leaves a legacy row the legacy key cannot open (wrong or missing key) as it is, and says which key it needs', async () => {
    await legacyRow('legacy-c', { apiToken: TOKEN });
    const wrong = SecretBox.fromBase64(randomBytes(32).toString('base64'));
    expect(await resealLegacySecrets(db.prisma, { sealer: keyring, legacy: () => wrong }, log)).toBe(0);
    expect(await resealLegacySecrets(db.prisma, { sealer: keyring }, log)).toBe(0);
    const row = await db.prisma.adapterRegistration.findUniqueOrThrow({ where: { id: 'legacy-c' } });
    expect(row.secretsKeyId).toBeNull();
    const error = await failure(() => openAdapterSecrets({ sealer: keyring }, row));
    expect([error.code, error.details]).toEqual(['CONFIGURATION_INVALID', { field: 'DICTAMESH_SECRET_KEY' }]);
    expect(await resealLegacySecrets(db.prisma, { sealer: keyring, legacy: () => legacy }, log)).toBe(1);
  });
});

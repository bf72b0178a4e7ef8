import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DictaMeshError } from '@dictamesh/runtime';
import { LocalMasterKey, localMasterKeys } from './master-key';

const raw = randomBytes(32);
const b64 = raw.toString('base64');

/** The error `run` throws. */
async function failure(run: () => unknown): Promise<DictaMeshError> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(DictaMeshError);
    return error as DictaMeshError;
  }
  throw new Error('expected a failure');
}

describe('LocalMasterKey', () => {
  it('is identified by the first 16 hex digits of HMAC-SHA256(key, "dictamesh-master-key-id"), never the key', () => {
    const key = LocalMasterKey.fromBase64(b64);
    expect(key.id).toBe(createHmac('sha256', raw).update('dictamesh-master-key-id').digest('hex').slice(0, 16));
    expect(key.id).toMatch(/^[0-9a-f]{16}$/);
    expect(key.provider).toBe('local');
    expect(JSON.stringify(key)).not.toContain(b64);
    expect(LocalMasterKey.fromBase64(randomBytes(32).toString('base64')).id).not.toBe(key.id);
  });

  it('refuses a key that is not 32 bytes without echoing it', async () => {
    const short = randomBytes(31).toString('base64');
    const error = await failure(() => LocalMasterKey.fromBase64(short));
    expect(error.code).toBe('CONFIGURATION_INVALID');
    expect(JSON.stringify({ message: error.message, ...error.details })).not.toContain(short);
  });

  it('wraps with AES-256-GCM bound to the aad: 60 bytes for a 32-byte key; another master key or aad → SECRET_UNDECRYPTABLE', async () => {
    const master = LocalMasterKey.fromBase64(b64);
    const kek = randomBytes(32);
    const wrapped = await master.wrap(kek, 'kek-1-abc');
    expect(wrapped.length).toBe(60);
    expect(wrapped.includes(kek)).toBe(false);
    expect(await master.unwrap(wrapped, 'kek-1-abc')).toEqual(kek);
    expect((await failure(() => master.unwrap(wrapped, 'kek-2-abc'))).code).toBe('SECRET_UNDECRYPTABLE');
    const other = LocalMasterKey.fromBase64(randomBytes(32).toString('base64'));
    const error = await failure(() => other.unwrap(wrapped, 'kek-1-abc'));
    expect(error.code).toBe('SECRET_UNDECRYPTABLE');
    expect(error.details).toEqual({ masterKeyId: other.id });
  });

  it('creates the key file (mode 0600) on first use and reads the same key afterwards', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'dictamesh-master-')), 'sub', 'master.key');
    const first = LocalMasterKey.fromKeyFile(path);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(path, 'utf8'), 'base64').length).toBe(32);
    expect(LocalMasterKey.fromKeyFile(path).id).toBe(first.id);
  });
});

describe('localMasterKeys', () => {
  it('reads a comma-separated list in order (the first wraps), else the key file', () => {
    const second = randomBytes(32).toString('base64');
    const keys = localMasterKeys(` ${b64} , ${second},`, '/nonexistent/never-created.key');
    expect(keys.map((key) => key.id)).toEqual([LocalMasterKey.fromBase64(b64).id, LocalMasterKey.fromBase64(second).id]);
    const path = join(mkdtempSync(join(tmpdir(), 'dictamesh-master-')), 'master.key');
    expect(localMasterKeys('', path).map((key) => key.id)).toEqual([LocalMasterKey.fromKeyFile(path).id]);
    expect(localMasterKeys(undefined, path)).toHaveLength(1);
  });
});

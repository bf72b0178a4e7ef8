import type { SealedSecret, SecretSealer } from '@dictamesh/secrets';

/** The additional authenticated data sealing an entry's secret values: the same for every version of the entry. */
export function secretAad(entryId: string): string {
  return `config:${entryId}`;
}

/** Seals a secret value (its JSON) for an entry. */
export function sealValue(secrets: SecretSealer, entryId: string, value: unknown): Promise<SealedSecret> {
  return secrets.seal(Buffer.from(JSON.stringify(value), 'utf8'), secretAad(entryId));
}

/** A sealed value as stored on an entry or a version (all three columns set, or none). */
interface SealedColumns {
  ciphertext: Uint8Array | null;
  wrappedKey: Uint8Array | null;
  keyId: string | null;
}

/**
 * Opens the secret value of an entry (or one of its versions).
 * @throws DictaMeshError `SECRET_UNDECRYPTABLE` (from the sealer)
 */
export async function openValue(secrets: SecretSealer, entryId: string, row: SealedColumns): Promise<unknown> {
  if (!row.ciphertext || !row.wrappedKey || !row.keyId) return null;
  const sealed: SealedSecret = {
    keyId: row.keyId,
    wrappedKey: new Uint8Array(row.wrappedKey),
    ciphertext: new Uint8Array(row.ciphertext),
  };
  return JSON.parse((await secrets.open(sealed, secretAad(entryId))).toString('utf8')) as unknown;
}

/** The value a stored row holds in the clear: the `value` column, or the opened secret. */
export function plainValue(
  secrets: SecretSealer,
  entryId: string,
  row: SealedColumns & { kind: string; value: unknown; hasValue: boolean },
): Promise<unknown> {
  if (!row.hasValue) return Promise.resolve(null);
  return row.kind === 'SECRET' ? openValue(secrets, entryId, row) : Promise.resolve(row.value);
}

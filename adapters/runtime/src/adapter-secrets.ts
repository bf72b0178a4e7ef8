import type { AdapterRegistration, PrismaClient } from '@dictamesh/db';
import { err, type Logger } from '@dictamesh/runtime';
import type { SecretSealer } from '@dictamesh/secrets';
import type { SecretBox } from './secret-box';

/** The columns of `dictamesh_adapters` holding a registration's sealed secret fields. */
export interface SealedAdapterSecrets {
  secrets: Uint8Array<ArrayBuffer>;
  secretsWrappedKey: Uint8Array<ArrayBuffer>;
  secretsKeyId: string;
}

/** Where adapter secrets are opened: the key ring, and the legacy box of rows sealed before it. */
export interface AdapterSecretKeys {
  /** The key ring (`Keyring` of @dictamesh/secrets): seals every new value, opens envelope-sealed rows. */
  sealer: SecretSealer;
  /**
   * The legacy `SecretBox` (`DICTAMESH_SECRET_KEY` or `<DATA_DIR>/secret.key`), asked for only
   * when a row sealed by it (`secretsKeyId` NULL) is met; `undefined` when there is none.
   */
  legacy?: () => SecretBox | undefined;
}

/** Additional authenticated data of a registration's secrets: bound to its id, so a ciphertext copied to another row does not open. */
export function adapterAad(id: string): string {
  return `adapter:${id}`;
}

/** Seals a registration's secret fields with the key ring (JSON, aad `adapter:<id>`). */
export async function sealAdapterSecrets(
  keys: AdapterSecretKeys,
  id: string,
  secrets: Record<string, unknown>,
): Promise<SealedAdapterSecrets> {
  const sealed = await keys.sealer.seal(Buffer.from(JSON.stringify(secrets), 'utf8'), adapterAad(id));
  return { secrets: sealed.ciphertext, secretsWrappedKey: sealed.wrappedKey, secretsKeyId: sealed.keyId };
}

/**
 * The decrypted secret fields of a registration (`{}` when it has none): envelope-sealed rows by
 * the key ring, rows from before it (both envelope columns NULL) by the legacy box.
 * @throws DictaMeshError `SECRET_UNDECRYPTABLE` (key ring), `CONFIGURATION_INVALID` (legacy key missing or different)
 */
export async function openAdapterSecrets(keys: AdapterSecretKeys, registration: AdapterRegistration): Promise<Record<string, unknown>> {
  if (!registration.secrets) return {};
  if (registration.secretsKeyId && registration.secretsWrappedKey) {
    const plaintext = await keys.sealer.open(
      { keyId: registration.secretsKeyId, wrappedKey: registration.secretsWrappedKey, ciphertext: registration.secrets },
      adapterAad(registration.id),
    );
    return JSON.parse(plaintext.toString('utf8')) as Record<string, unknown>;
  }
  const legacy = keys.legacy?.();
  if (!legacy)
    throw err(
      'CONFIGURATION_INVALID',
      'Adapter secrets sealed before the key ring need their old key (DICTAMESH_SECRET_KEY or <DATA_DIR>/secret.key) once, to be re-sealed',
      { field: 'DICTAMESH_SECRET_KEY' },
    );
  return legacy.open<Record<string, unknown>>(registration.secrets);
}

/**
 * Re-seals with the key ring every registration whose secrets the legacy box sealed (both
 * envelope columns NULL), at start: afterwards the legacy key is no longer needed. A row changed
 * meanwhile (re-sealed by another instance) is left as it is; a row the legacy key cannot open
 * is logged (its id, never a value) and left for the next start.
 * @returns how many rows were re-sealed
 */
export async function resealLegacySecrets(prisma: PrismaClient, keys: AdapterSecretKeys, log: Logger): Promise<number> {
  const rows = await prisma.adapterRegistration.findMany({ where: { secrets: { not: null }, secretsKeyId: null }, orderBy: { id: 'asc' } });
  let resealed = 0;
  for (const row of rows) {
    try {
      const sealed = await sealAdapterSecrets(keys, row.id, await openAdapterSecrets(keys, row));
      const { count } = await prisma.adapterRegistration.updateMany({
        where: { id: row.id, secretsKeyId: null, secrets: { equals: row.secrets! } },
        data: sealed,
      });
      resealed += count;
    } catch (error) {
      log.error(
        { adapter: row.id, code: (error as { code?: string }).code },
        'legacy adapter secrets not re-sealed: the legacy key cannot open them',
      );
    }
  }
  if (resealed > 0) log.info({ adapters: resealed }, 'legacy adapter secrets re-sealed with the key ring');
  return resealed;
}

import { randomBytes, randomUUID } from 'node:crypto';
import type { Prisma } from '@dictamesh/db';
import type { SecretSealer } from '@dictamesh/secrets';

/** The additional authenticated data an endpoint secret is sealed with (bound to its row). */
export function endpointSecretAad(secretId: string): string {
  return `notification-endpoint-secret:${secretId}`;
}

/** A new Standard Webhooks signing secret: `whsec_` + base64 of 24 random bytes. */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

/** A secret row ready to insert (its id chosen first: the aad names it). */
export async function sealedSecretRow(
  secrets: SecretSealer,
  endpointId: string,
  plaintext: string,
): Promise<Prisma.NotificationEndpointSecretCreateManyInput> {
  const id = randomUUID();
  const sealed = await secrets.seal(Buffer.from(plaintext, 'utf8'), endpointSecretAad(id));
  return {
    id,
    endpointId,
    ciphertext: new Uint8Array(sealed.ciphertext),
    wrappedKey: new Uint8Array(sealed.wrappedKey),
    keyId: sealed.keyId,
  };
}

/** Opens a stored secret. @throws DictaMeshError `SECRET_UNDECRYPTABLE` (from the sealer) */
export async function openSecret(
  secrets: SecretSealer,
  row: { id: string; ciphertext: Uint8Array; wrappedKey: Uint8Array; keyId: string },
): Promise<string> {
  const opened = await secrets.open(
    { keyId: row.keyId, wrappedKey: new Uint8Array(row.wrappedKey), ciphertext: new Uint8Array(row.ciphertext) },
    endpointSecretAad(row.id),
  );
  return opened.toString('utf8');
}

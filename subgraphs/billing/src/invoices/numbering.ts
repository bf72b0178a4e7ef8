import type { Prisma } from '@dictamesh/db';

/** Most characters of the organisation prefix of an invoice number. */
const PREFIX_LENGTH = 20;
/** Digits the sequence is zero-padded to (more when it outgrows them). */
const SEQUENCE_DIGITS = 6;

/**
 * The number printed on an organisation's invoice: the organisation id upper-cased, every
 * character other than `A–Z`/`0–9` replaced by `-`, cut to 20 characters, then `-` and the
 * sequence zero-padded to 6 digits (`acme`, 1 → `ACME-000001`; `globex.eu`, 42 → `GLOBEX-EU-000042`).
 */
export function formatInvoiceNumber(orgId: string, sequence: number): string {
  const prefix = orgId
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, '-')
    .slice(0, PREFIX_LENGTH);
  return `${prefix}-${String(sequence).padStart(SEQUENCE_DIGITS, '0')}`;
}

/**
 * Takes the organisation's next invoice number, inside the caller's (finalizing) transaction:
 * `INSERT … ON CONFLICT (org_id) DO UPDATE SET last_sequence = last_sequence + 1 RETURNING` on
 * `dictamesh_billing_invoice_sequences`. The upsert row-locks the organisation's counter until the
 * transaction ends, so concurrent finalizers of one organisation take their turns (those of other
 * organisations do not wait), and a transaction that rolls back gives its number back: numbers are
 * gap-free and never repeat, unlike a Postgres SEQUENCE (which is not transactional).
 * Must run in a transaction (a `$transaction` client): outside one the lock is released at once
 * and a number taken by a failing caller is lost.
 * @returns the sequence (1, 2, 3… per organisation) and its {@link formatInvoiceNumber | number}
 */
export async function nextInvoiceNumber(tx: Prisma.TransactionClient, orgId: string): Promise<{ sequence: number; number: string }> {
  const rows = await tx.$queryRaw<{ last_sequence: number }[]>`
    INSERT INTO "dictamesh_billing_invoice_sequences" ("org_id", "last_sequence") VALUES (${orgId}, 1)
    ON CONFLICT ("org_id") DO UPDATE SET "last_sequence" = "dictamesh_billing_invoice_sequences"."last_sequence" + 1
    RETURNING "last_sequence"`;
  const sequence = Number(rows[0]!.last_sequence);
  return { sequence, number: formatInvoiceNumber(orgId, sequence) };
}

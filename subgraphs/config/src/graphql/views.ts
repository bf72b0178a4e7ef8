import type { SecretSealer } from '@dictamesh/secrets';
import { plainValue } from '../store/secret-values';
import type { ConfigEntryRow, ConfigVersionRow } from '../store/rows';
import type { EntryRecord, VersionRecord } from './records';

/** Counts the secret values a request revealed (for its SECRET_READ audit row). */
export interface Reveal {
  /** Whether this request reveals secrets (`revealSecrets` by a holder of `config:secrets:read`). */
  enabled: boolean;
  /** Secrets revealed so far. */
  count: number;
}

/** Whether a row's secret may be shown: revealing, and the row belongs to the organisation asked about (never the platform's to a tenant). */
function mayReveal(reveal: Reveal, row: { orgId: string | null }, orgId: string | null): boolean {
  return reveal.enabled && row.orgId === orgId;
}

/** An entry as the caller sees it: secrets null and redacted unless revealed. */
export async function entryView(secrets: SecretSealer, row: ConfigEntryRow, reveal: Reveal, orgId: string | null): Promise<EntryRecord> {
  if (row.kind !== 'SECRET' || !row.hasValue) return { row, value: row.hasValue ? row.value : null, redacted: false };
  if (!mayReveal(reveal, row, orgId)) return { row, value: null, redacted: true };
  reveal.count++;
  return { row, value: await plainValue(secrets, row.id, row), redacted: false };
}

/** A version as the caller sees it: secrets null and redacted unless revealed. */
export async function versionView(
  secrets: SecretSealer,
  row: ConfigVersionRow,
  reveal: Reveal,
  orgId: string | null,
): Promise<VersionRecord> {
  if (row.kind !== 'SECRET' || !row.hasValue) return { row, value: row.hasValue ? row.value : null, redacted: false };
  if (!mayReveal(reveal, row, orgId)) return { row, value: null, redacted: true };
  reveal.count++;
  return { row, value: await plainValue(secrets, row.entryId, row), redacted: false };
}

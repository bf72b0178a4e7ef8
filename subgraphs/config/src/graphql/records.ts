/**
 * What the config resolvers hand to GraphQL for object types whose shape differs from the SDL
 * (codegen mappers, codegen.yml).
 */
import type { ConfigScopeRef } from '@dictamesh/events';
import type { ConfigAuditRow, ConfigEntryRow, ConfigVersionRow } from '../store/rows';

/** `ConfigScope`: the stored scope; level, organizationId and path are derived. */
export type ScopeRecord = ConfigScopeRef;

/** `ConfigEntry` and `ConfigOverride`: a stored entry with the value as this caller sees it (a secret's opened only when revealed). */
export interface EntryRecord {
  row: ConfigEntryRow;
  /** The clear value; null for secrets when withheld and for entries without a value. */
  value: unknown;
  /** True when a secret's value is withheld. */
  redacted: boolean;
}

/** `ConfigVersion`: a stored version with the value as this caller sees it. */
export interface VersionRecord {
  row: ConfigVersionRow;
  value: unknown;
  redacted: boolean;
}

/** `ConfigAuditEntry`: a stored audit row. */
export type AuditRecord = ConfigAuditRow;

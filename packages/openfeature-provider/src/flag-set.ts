import { flagDefinitionViolations, type FlagDefinition } from '@dictamesh/feature-flags';

/** A flag as the config service answers it (`featureFlags`) or as given to the provider directly. */
export interface FlagSnapshot {
  key: string;
  /** The definition (JSON Schema `urn:dictamesh:schema:feature-flag:1`). */
  definition: unknown;
  /** The entry's version (0 for flags given directly). */
  version: number;
  /** The global revision of its last change ('0' for flags given directly). */
  revision: string;
  /** Scope path it comes from (`platform`, `org:acme/production`, `static`). */
  source: string;
}

/** A flag held by the provider: its checked definition, or why it cannot be evaluated. */
export interface HeldFlag extends FlagSnapshot {
  /** Null when the definition breaks the flag schema (evaluations answer PARSE_ERROR). */
  checked: FlagDefinition | null;
  /** The schema violations, `pointer keyword: message`. */
  problems: string[];
}

/** Checks each snapshot once (evaluations then run on checked definitions). */
export function holdFlags(snapshots: FlagSnapshot[]): Map<string, HeldFlag> {
  const held = new Map<string, HeldFlag>();
  for (const snapshot of snapshots) {
    const violations = flagDefinitionViolations(snapshot.definition);
    held.set(snapshot.key, {
      ...snapshot,
      checked: violations.length ? null : (snapshot.definition as FlagDefinition),
      problems: violations.map((v) => `${v.pointer || '/'} ${v.keyword}: ${v.message}`),
    });
  }
  return held;
}

/** The keys whose flag appeared, disappeared, or changed (version, revision, source or definition) between two sets, sorted. */
export function changedKeys(before: Map<string, HeldFlag>, after: Map<string, HeldFlag>): string[] {
  const keys = new Set([...before.keys(), ...after.keys()]);
  return [...keys]
    .filter((key) => {
      const a = before.get(key);
      const b = after.get(key);
      return (
        !a ||
        !b ||
        a.version !== b.version ||
        a.revision !== b.revision ||
        a.source !== b.source ||
        JSON.stringify(a.definition) !== JSON.stringify(b.definition)
      );
    })
    .sort();
}

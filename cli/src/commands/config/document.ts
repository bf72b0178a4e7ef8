import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { z } from 'zod';
import { CliFailure } from '../../shell/failure';
import type { ScopeInput } from './scope';

/** What an export writes instead of a secret's value: secrets never leave DictaMesh through export. */
export const REDACTED_SECRET = Object.freeze({ $secret: 'redacted' });

/** A kind of entry (`ConfigValueKind`). */
export type ConfigKind = 'VALUE' | 'SECRET' | 'FLAG';

/**
 * One entry of a configuration document (`ConfigImportEntryInput` of the config SDL): where it
 * lives, its key, kind, value (absent: the entry carries a schema only), JSON Schema and
 * description.
 */
export interface DocumentEntry {
  scope: ScopeInput;
  key: string;
  kind?: ConfigKind;
  value?: unknown;
  jsonSchema?: unknown;
  description?: string;
}

/**
 * The document `dictamesh config export` writes and `import` / `validate --file` read, as YAML
 * or JSON: `{ entries: [{ scope: { platform?, environment?, service?, component? }, key, kind?,
 * value?, jsonSchema?, description? }] }`. A secret's value is {@link REDACTED_SECRET}.
 */
export interface ConfigDocument {
  entries: DocumentEntry[];
}

const scopeSchema = z
  .object({
    platform: z.boolean().optional(),
    environment: z.string().optional(),
    service: z.string().optional(),
    component: z.string().optional(),
  })
  .strict();

const documentSchema = z
  .object({
    entries: z.array(
      z
        .object({
          scope: scopeSchema.default({}),
          key: z.string().min(1),
          kind: z.enum(['VALUE', 'SECRET', 'FLAG']).optional(),
          value: z.unknown().optional(),
          jsonSchema: z.unknown().optional(),
          description: z.string().optional(),
        })
        .strict(),
    ),
  })
  .strict();

/** Output formats of export. */
export type DocumentFormat = 'yaml' | 'json';

/**
 * Reads a configuration document: JSON when `name` ends in `.json`, else YAML (1.2, which
 * reads JSON too).
 * @param name the file name (format and messages)
 * @throws CliFailure `CONFIG_IMPORT_INVALID` when it is not YAML/JSON or not of the
 *   document's shape, with every problem in `details.problems` (`entries.2.key: …`)
 */
export function parseConfigDocument(text: string, name: string): ConfigDocument {
  let raw: unknown;
  try {
    raw = name.toLowerCase().endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new CliFailure(
      'CONFIG_IMPORT_INVALID',
      `${name} is not ${name.endsWith('.json') ? 'JSON' : 'YAML'}: ${(error as Error).message}`,
    );
  }
  const parsed = documentSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(document)'}: ${issue.message}`);
    throw new CliFailure(
      'CONFIG_IMPORT_INVALID',
      `${name} is not a configuration document ({ entries: [{ scope, key, kind, value, jsonSchema }] })`,
      {
        problems,
      },
    );
  }
  return {
    entries: parsed.data.entries.map((entry, i) => {
      const rawEntry = (raw as { entries: Array<Record<string, unknown>> }).entries[i]!;
      return {
        scope: entry.scope,
        key: entry.key,
        ...(entry.kind ? { kind: entry.kind } : {}),
        // `value: null` is a value; no `value` at all is an entry without one
        ...('value' in rawEntry ? { value: entry.value } : {}),
        ...('jsonSchema' in rawEntry ? { jsonSchema: entry.jsonSchema } : {}),
        ...(entry.description !== undefined ? { description: entry.description } : {}),
      };
    }),
  };
}

/** Whether an entry's value is the {@link REDACTED_SECRET} placeholder of an export. */
export function isRedactedSecret(entry: DocumentEntry): boolean {
  const value = entry.value as Record<string, unknown> | null | undefined;
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 1 && value.$secret === 'redacted'
  );
}

/** Writes a configuration document as YAML or (2-space) JSON, ending in a newline. */
export function printConfigDocument(document: ConfigDocument, format: DocumentFormat): string {
  return format === 'json' ? `${JSON.stringify(document, null, 2)}\n` : stringifyYaml(document);
}

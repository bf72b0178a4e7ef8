import type { Prisma } from '@dictamesh/db';

/** Type of one declared template variable (the SDL's `TemplateVariableType`). */
export type TemplateVariableType = 'STRING' | 'NUMBER' | 'BOOLEAN' | 'DATE' | 'URL' | 'OBJECT' | 'ARRAY';

/** Every {@link TemplateVariableType}. */
export const TEMPLATE_VARIABLE_TYPES: readonly TemplateVariableType[] = ['STRING', 'NUMBER', 'BOOLEAN', 'DATE', 'URL', 'OBJECT', 'ARRAY'];

/**
 * A variable a template declares: `name` is a dotted path as the template uses it
 * (`invoice.number`); OBJECT and ARRAY ones may be used with any path below them
 * (`{{#each items}}{{title}}{{/each}}`).
 */
export interface TemplateVariable {
  name: string;
  type: TemplateVariableType;
  required: boolean;
}

/** Dotted variable names: identifiers separated by dots. */
export const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/**
 * The stored form of declarations (`dictamesh_notification_templates.variables`):
 * `{ "<name>": { "type": "string|number|…", "required": true } }`.
 */
export function variablesToJson(variables: readonly TemplateVariable[]): Prisma.InputJsonObject {
  return Object.fromEntries(variables.map((v) => [v.name, { type: v.type.toLowerCase(), required: v.required }]));
}

/**
 * Declarations from their stored form (see {@link variablesToJson}), sorted by name; unknown types
 * and malformed entries are dropped (they cannot be written through `saveNotificationTemplate`).
 */
export function variablesFromJson(json: unknown): TemplateVariable[] {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return [];
  const out: TemplateVariable[] = [];
  for (const [name, spec] of Object.entries(json as Record<string, unknown>)) {
    if (typeof spec !== 'object' || spec === null) continue;
    const { type, required } = spec as { type?: unknown; required?: unknown };
    const upper = typeof type === 'string' ? (type.toUpperCase() as TemplateVariableType) : null;
    if (!upper || !TEMPLATE_VARIABLE_TYPES.includes(upper)) continue;
    out.push({ name, type: upper, required: required !== false });
  }
  // JSONB keeps no key order: by name, for stable answers
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Shorthand for seeds and tests: `declare({ total: 'STRING', 'dueAt?': 'DATE' })` (a `?` suffix: optional). */
export function declare(spec: Record<string, TemplateVariableType>): TemplateVariable[] {
  return Object.entries(spec).map(([key, type]) =>
    key.endsWith('?') ? { name: key.slice(0, -1), type, required: false } : { name: key, type, required: true },
  );
}

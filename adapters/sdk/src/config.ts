import { z } from 'zod';
import type { AdapterDefinition } from './contracts/adapter';
import { AdapterConfigError } from './errors';

/**
 * Validates a configuration against its adapter kind's schema and reports every problem with
 * its dotted path (`auth.tokenUrl: Invalid URL`), not only the first.
 * @throws AdapterConfigError (`ADAPTER_CONFIG_INVALID`, field-level `problems`)
 */
export function parseAdapterConfig<C>(definition: AdapterDefinition<C>, raw: unknown): C {
  const result = definition.configSchema.safeParse(raw);
  if (result.success) return result.data;
  throw new AdapterConfigError(
    definition.kind,
    result.error.issues.map((issue) => ({ path: issue.path.map(String).join('.') || '(root)', message: issue.message })),
  );
}

/** The configuration schema of an adapter kind as JSON Schema (draft 2020-12), for UIs and docs. */
export function configJsonSchema(definition: AdapterDefinition<unknown>): Record<string, unknown> {
  return z.toJSONSchema(definition.configSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}

type Json = Record<string, unknown>;

/**
 * Splits a configuration into what may be shown and the secrets (by dotted path). The secrets
 * object keeps the same nesting, so {@link mergeSecrets} puts them back.
 */
export function splitSecrets(config: Json, secretFields: readonly string[]): { visible: Json; secrets: Json } {
  const visible = structuredClone(config);
  const secrets: Json = {};
  for (const path of secretFields) {
    const keys = path.split('.');
    const parent = walk(visible, keys.slice(0, -1), false);
    const last = keys[keys.length - 1]!;
    if (!parent || !(last in parent)) continue;
    walk(secrets, keys.slice(0, -1), true)![last] = parent[last];
    delete parent[last];
  }
  return { visible, secrets };
}

/** Puts secrets split off by {@link splitSecrets} back into a configuration (a new object). */
export function mergeSecrets(visible: Json, secrets: Json): Json {
  const merge = (into: Json, from: Json): Json => {
    for (const [key, value] of Object.entries(from)) {
      into[key] = value && typeof value === 'object' && !Array.isArray(value) ? merge((into[key] as Json) ?? {}, value as Json) : value;
    }
    return into;
  };
  return merge(structuredClone(visible), secrets);
}

function walk(root: Json, keys: string[], create: boolean): Json | undefined {
  let node: Json | undefined = root;
  for (const key of keys) {
    if (!node) return undefined;
    if (!(key in node) && create) node[key] = {};
    const next: unknown = node[key];
    node = next && typeof next === 'object' ? (next as Json) : undefined;
  }
  return node;
}

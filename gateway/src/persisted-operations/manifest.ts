import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { err } from '@dictamesh/runtime';

/**
 * A persisted query manifest in Apollo's format (`apollo-persisted-query-manifest` v1, as
 * written by `@apollo/generate-persisted-query-manifest` and read by Apollo Router's
 * `persisted_queries.local_manifests`): each operation with its id (SHA-256 hex of `body`),
 * name, type and the exact document text clients send.
 */
export interface PersistedQueryManifest {
  format: 'apollo-persisted-query-manifest';
  version: 1;
  operations: PersistedOperation[];
}

/** One registered operation. */
export interface PersistedOperation {
  /** SHA-256 (hex) of `body`: what clients send as `extensions.persistedQuery.sha256Hash`. */
  id: string;
  name: string;
  type: 'query' | 'mutation' | 'subscription';
  /** The operation and the fragments it uses, printed. */
  body: string;
}

const manifestSchema = z.object({
  format: z.literal('apollo-persisted-query-manifest'),
  version: z.literal(1),
  operations: z.array(
    z.object({
      id: z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 hex digest'),
      name: z.string().min(1),
      type: z.enum(['query', 'mutation', 'subscription']),
      body: z.string().min(1),
    }),
  ),
});

/** SHA-256 hex of an operation body: its persisted id (and Apollo Server's `queryHash`). */
export function operationId(body: string): string {
  return createHash('sha256').update(body).digest('hex');
}

/**
 * Reads and checks a manifest file: the format, and that every id is the SHA-256 of its body.
 * @throws DictaMeshError `CONFIGURATION_INVALID` naming the file and every problem
 */
export function readManifest(path: string): PersistedQueryManifest {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw err('CONFIGURATION_INVALID', `Persisted query manifest ${path} cannot be read: ${(cause as Error).message}`, { field: path });
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`);
    throw err('CONFIGURATION_INVALID', `Persisted query manifest ${path} is invalid: ${problems.slice(0, 5).join('; ')}`, { problems });
  }
  const wrong = parsed.data.operations.filter((o) => operationId(o.body) !== o.id).map((o) => o.name);
  if (wrong.length > 0) {
    throw err('CONFIGURATION_INVALID', `Persisted query manifest ${path}: the id is not the SHA-256 of the body for ${wrong.join(', ')}`);
  }
  return parsed.data;
}

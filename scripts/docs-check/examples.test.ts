import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { apiSchemaOf, buildSubscriptionSchema, manifestFromFolder } from '@dictamesh/gateway';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('schemas/operations/examples (the persisted operations example of docs/gateway-security.md)', () => {
  it('publishes as it is: every operation valid against the supergraph, fragments from another file', () => {
    const schema = buildSubscriptionSchema(apiSchemaOf(readFileSync(`${root}schemas/supergraph.graphql`, 'utf8')));
    const manifest = manifestFromFolder(`${root}schemas/operations/examples`, schema);
    expect(manifest.operations.map((operation) => [operation.name, operation.type])).toEqual([
      ['ContactCard', 'query'],
      ['ConversationChanges', 'subscription'],
      ['SimilarEntities', 'query'],
    ]);
    expect(manifest.operations.every((operation) => operation.body.includes('fragment EntitySummary on Entity'))).toBe(true);
  });
});

import { readFileSync } from 'node:fs';
import { Kind, parse, type ObjectTypeDefinitionNode, type ValueNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createRequestContext } from '@dictamesh/subgraph-kit';
import { OPERATOR_MUTATIONS, operatorOnly, targetOrg } from './access';

/** The value of a GraphQL literal as JS (lists and strings only, what @requiresScopes holds). */
function literal(node: ValueNode): unknown {
  if (node.kind === Kind.LIST) return node.values.map(literal);
  if (node.kind === Kind.STRING) return node.value;
  throw new Error(`unexpected ${node.kind}`);
}

describe('billing access', () => {
  it('guards exactly the mutations whose @requiresScopes is dictamesh:platform alone', () => {
    const sdl = parse(readFileSync(new URL('../../../../schemas/subgraphs/billing.graphql', import.meta.url), 'utf8'));
    const mutation = sdl.definitions.find(
      (d): d is ObjectTypeDefinitionNode => d.kind === Kind.OBJECT_TYPE_DEFINITION && d.name.value === 'Mutation',
    )!;
    const operatorOnlyFields = mutation.fields!.filter((field) => {
      const scopes = field.directives?.find((d) => d.name.value === 'requiresScopes')?.arguments?.[0]?.value;
      return scopes && JSON.stringify(literal(scopes)) === JSON.stringify([['dictamesh:platform']]);
    });
    expect(operatorOnlyFields.map((f) => f.name.value).sort()).toEqual([...OPERATOR_MUTATIONS].sort());
  });

  it('refuses a guarded mutation to anyone but the platform operator (an organisation admin too) and passes the others through', async () => {
    const guarded = operatorOnly({ voidInvoice: (..._: unknown[]) => 'voided', subscribe: () => 'subscribed' });
    const tenant = createRequestContext({ subject: 'a', org: 'acme', scopes: ['billing:write', 'dictamesh:admin'], method: 'jwt' });
    const operator = createRequestContext({ subject: 'o', org: 'platform', scopes: ['dictamesh:platform'], method: 'jwt' });
    expect(() => guarded.voidInvoice(undefined, {}, tenant, undefined)).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    expect(guarded.voidInvoice(undefined, {}, operator, undefined)).toBe('voided');
    expect(guarded.subscribe()).toBe('subscribed');
  });

  it('acts on the caller’s own organisation unless the operator names another', () => {
    const tenant = createRequestContext({ subject: 'a', org: 'acme', scopes: ['billing:write'], method: 'jwt' });
    const operator = createRequestContext({ subject: 'o', org: 'platform', scopes: ['dictamesh:platform'], method: 'jwt' });
    expect(targetOrg(tenant)).toBe('acme');
    expect(targetOrg(tenant, 'acme')).toBe('acme');
    expect(() => targetOrg(tenant, 'globex')).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    expect(targetOrg(operator, 'globex')).toBe('globex');
  });
});

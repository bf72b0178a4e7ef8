import { readFileSync } from 'node:fs';
import { Kind, parse, valueFromASTUntyped, type ObjectTypeDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { Principal } from '@dictamesh/runtime';
import { CONFIG_READERS, mayReadConfig } from './scopes';

const principal = (...scopes: string[]): Principal => ({ subject: 'u', org: 'acme', scopes, method: 'jwt' });

describe('CONFIG_READERS', () => {
  it('is the @requiresScopes of Adapter.config in the adapters SDL', () => {
    const sdl = parse(readFileSync(new URL('../../../../schemas/subgraphs/adapters.graphql', import.meta.url), 'utf8'));
    const adapter = sdl.definitions.find(
      (d): d is ObjectTypeDefinitionNode => d.kind === Kind.OBJECT_TYPE_DEFINITION && d.name.value === 'Adapter',
    );
    const directive = adapter?.fields?.find((f) => f.name.value === 'config')?.directives?.find((d) => d.name.value === 'requiresScopes');
    const scopes = directive?.arguments?.find((a) => a.name.value === 'scopes')?.value;
    expect(scopes && valueFromASTUntyped(scopes)).toEqual(CONFIG_READERS);
    expect(mayReadConfig(principal('adapters:read'))).toBe(true);
    expect(mayReadConfig(principal('dictamesh:platform'))).toBe(false); // as the gateway decides: platform is not listed
  });
});

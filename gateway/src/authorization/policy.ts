import { directiveArguments, isFieldContainer } from '../sdl';
import { isTypeDefinitionNode, isTypeExtensionNode, Kind, parse, print, visit, type DirectiveNode, type DocumentNode } from 'graphql';
import type { Principal } from '@dictamesh/runtime';

/**
 * What a field or type asks of the caller (Apollo's authorization directives,
 * https://specs.apollo.dev/authenticated/v0.1 and https://specs.apollo.dev/requiresScopes/v0.1).
 */
export interface Requirement {
  /** `@authenticated`: the caller sent valid credentials (not anonymous). */
  authenticated: boolean;
  /** `@requiresScopes(scopes:)`: any one inner list whose scopes the caller all holds (OR of ANDs); absent = no scope needed. */
  scopes?: string[][];
}

/** The authorization requirements of a supergraph, by field coordinate (`Type.field`) and by type name. */
export interface AuthorizationPolicy {
  fields: Map<string, Requirement>;
  types: Map<string, Requirement>;
}

const AUTHENTICATED_SPEC = 'https://specs.apollo.dev/authenticated/v';
const REQUIRES_SCOPES_SPEC = 'https://specs.apollo.dev/requiresScopes/v';

/**
 * Reads `@authenticated` and `@requiresScopes` from a supergraph SDL. Composition keeps them
 * (linked `for: SECURITY`) when a subgraph imports them from Federation ≥ 2.5; a renamed import
 * (`@link(…, as: "…")`) is followed. Directives on object, interface, scalar and enum types apply
 * to every field returning that type.
 * @throws GraphQLError when the SDL does not parse
 */
export function readAuthorizationPolicy(supergraph: string | DocumentNode): AuthorizationPolicy {
  const document = typeof supergraph === 'string' ? parse(supergraph) : supergraph;
  const names = { authenticated: 'authenticated', requiresScopes: 'requiresScopes' };
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.SCHEMA_DEFINITION && definition.kind !== Kind.SCHEMA_EXTENSION) continue;
    for (const link of definition.directives ?? []) {
      if (link.name.value !== 'link') continue;
      const args = directiveArguments(link);
      const url = typeof args.url === 'string' ? args.url : '';
      const as = typeof args.as === 'string' ? args.as : undefined;
      if (url.startsWith(AUTHENTICATED_SPEC) && as) names.authenticated = as;
      if (url.startsWith(REQUIRES_SCOPES_SPEC) && as) names.requiresScopes = as;
    }
  }
  const requirementOf = (directives: readonly DirectiveNode[] | undefined): Requirement | undefined => {
    const authenticated = directives?.some((d) => d.name.value === names.authenticated) ?? false;
    const scopes = directives?.find((d) => d.name.value === names.requiresScopes);
    if (!authenticated && !scopes) return undefined;
    const sets = scopes ? directiveArguments(scopes).scopes : undefined;
    return {
      authenticated,
      ...(Array.isArray(sets) ? { scopes: sets.map((set) => (Array.isArray(set) ? set.map(String) : [String(set)])) } : {}),
    };
  };
  const policy: AuthorizationPolicy = { fields: new Map(), types: new Map() };
  for (const definition of document.definitions) {
    if (!isTypeDefinitionNode(definition) && !isTypeExtensionNode(definition)) continue;
    const typeName = definition.name.value;
    const typeRequirement = requirementOf(definition.directives);
    if (typeRequirement) policy.types.set(typeName, merge(policy.types.get(typeName), typeRequirement));
    if (!isFieldContainer(definition)) continue;
    for (const field of definition.fields ?? []) {
      const requirement = requirementOf(field.directives);
      if (requirement) policy.fields.set(`${typeName}.${field.name.value}`, requirement);
    }
  }
  return policy;
}

/**
 * The supergraph as @apollo/gateway accepts it when the gateway enforces authorization itself:
 * @apollo/gateway refuses a supergraph that links a feature `for: SECURITY` it does not
 * implement (rightly — it would serve the fields unprotected). DictaMesh enforces both features
 * before planning ({@link readAuthorizationPolicy}, `authorizationPlugin`), so their links lose
 * the purpose; nothing else changes.
 */
export function withSecurityFeaturesEnforced(supergraph: string): string {
  if (!supergraph.includes('for: SECURITY')) return supergraph;
  return print(
    visit(parse(supergraph), {
      Directive(node) {
        if (node.name.value !== 'link') return undefined;
        const url = directiveArguments(node).url;
        if (typeof url !== 'string' || !(url.startsWith(AUTHENTICATED_SPEC) || url.startsWith(REQUIRES_SCOPES_SPEC))) return undefined;
        return { ...node, arguments: node.arguments?.filter((a) => a.name.value !== 'for') };
      },
    }),
  );
}

/** Whether a principal meets a requirement: authenticated (any method but anonymous) and holding every scope of one listed set. */
export function satisfies(principal: Principal, requirement: Requirement): boolean {
  if (requirement.authenticated && principal.method === 'anonymous') return false;
  if (!requirement.scopes) return true;
  return requirement.scopes.some((set) => set.every((scope) => principal.scopes.includes(scope)));
}

function merge(a: Requirement | undefined, b: Requirement): Requirement {
  if (!a) return b;
  // Both must hold: AND of two OR-of-ANDs is the cross product of their sets.
  const scopes = a.scopes && b.scopes ? a.scopes.flatMap((x) => b.scopes!.map((y) => [...x, ...y])) : (a.scopes ?? b.scopes);
  return { authenticated: a.authenticated || b.authenticated, ...(scopes ? { scopes } : {}) };
}

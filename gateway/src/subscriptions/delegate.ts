import type { Principal } from '@dictamesh/runtime';
import {
  Kind,
  visit,
  type ASTNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLResolveInfo,
  type OperationDefinitionNode,
} from 'graphql';

/** Marks objects that came back from the supergraph: their keys are response keys (aliases). */
const FROM_SUPERGRAPH = Symbol('dictamesh.fromSupergraph');
const URN_VARIABLE = '__dictameshUrn';

/** Runs a query document through the gateway (its plugins and query planner included). */
export type SupergraphExecutor = (
  document: DocumentNode,
  variables: Record<string, unknown>,
  /** Whose operation it is: the subscriber's principal (authorization and organisation apply). */
  principal: Principal,
) => Promise<{ data?: Record<string, unknown> | null; errors?: readonly { message: string; extensions?: Record<string, unknown> }[] }>;

/**
 * The query that resolves a subscription's `entity { … }` selection through the supergraph:
 * `query ($…subscription variables, $__dictameshUrn: ID!) { entity(urn: $__dictameshUrn) { … } }`
 * with the subscription's fragments — so any federated field of Entity can be selected.
 */
export function entityQuery(info: GraphQLResolveInfo): DocumentNode {
  const field = info.fieldNodes[0] as FieldNode;
  // only the fragments and variables the selection uses (unused ones fail validation)
  const fragments = new Map<string, FragmentDefinitionNode>();
  const variables = new Set<string>();
  const collect = (node: ASTNode | undefined) =>
    node &&
    visit(node, {
      Variable: (v) => void variables.add(v.name.value),
      FragmentSpread: (spread) => {
        const fragment = info.fragments[spread.name.value];
        if (fragment && !fragments.has(fragment.name.value)) {
          fragments.set(fragment.name.value, fragment);
          collect(fragment);
        }
      },
    });
  collect(field.selectionSet);
  const operation: OperationDefinitionNode = {
    kind: Kind.OPERATION_DEFINITION,
    operation: 'query' as OperationDefinitionNode['operation'],
    name: { kind: Kind.NAME, value: 'EntityChangedEntity' },
    variableDefinitions: [
      ...(info.operation.variableDefinitions ?? []).filter((d) => variables.has(d.variable.name.value)),
      {
        kind: Kind.VARIABLE_DEFINITION,
        variable: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: URN_VARIABLE } },
        type: { kind: Kind.NON_NULL_TYPE, type: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: 'ID' } } },
      },
    ],
    selectionSet: {
      kind: Kind.SELECTION_SET,
      selections: [
        {
          kind: Kind.FIELD,
          name: { kind: Kind.NAME, value: 'entity' },
          arguments: [
            {
              kind: Kind.ARGUMENT,
              name: { kind: Kind.NAME, value: 'urn' },
              value: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: URN_VARIABLE } },
            },
          ],
          ...(field.selectionSet ? { selectionSet: field.selectionSet } : {}),
        },
      ],
    },
  };
  return { kind: Kind.DOCUMENT, definitions: [operation, ...fragments.values()] };
}

/**
 * Resolves `EntityChanged.entity` through the supergraph.
 * @throws Error with the first GraphQL error of the delegated query
 */
export async function resolveEntity(
  info: GraphQLResolveInfo,
  urn: string,
  execute: SupergraphExecutor,
  principal: Principal,
): Promise<unknown> {
  const result = await execute(entityQuery(info), { ...info.variableValues, [URN_VARIABLE]: urn }, principal);
  if (result.errors?.length) {
    const [first] = result.errors;
    throw Object.assign(new Error(first!.message), { extensions: first!.extensions });
  }
  return mark(result.data?.entity ?? null);
}

function mark<T>(value: T): T {
  if (Array.isArray(value)) value.forEach(mark);
  else if (value !== null && typeof value === 'object') {
    Object.defineProperty(value, FROM_SUPERGRAPH, { value: true });
    Object.values(value).forEach(mark);
  }
  return value;
}

/**
 * Field resolver of the subscription schema: below `entity` the data is already shaped by
 * the supergraph, keyed by response key (alias), so it is read by `info.path.key`;
 * elsewhere graphql-js' default applies.
 */
export function supergraphAwareFieldResolver(source: unknown, _args: unknown, _context: unknown, info: GraphQLResolveInfo): unknown {
  if (source === null || typeof source !== 'object') return undefined;
  const record = source as Record<string | symbol, unknown>;
  if (record[FROM_SUPERGRAPH]) return record[info.path.key as string];
  const value = record[info.fieldName];
  return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).call(source, _args, _context, info) : value;
}

import {
  getNamedType,
  getNullableType,
  isAbstractType,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  visit,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import type { Principal } from '@dictamesh/runtime';
import { satisfies, type AuthorizationPolicy } from './policy';

/** An operation with the fields the caller may not see taken out. */
export interface FilteredOperation {
  /** The operation to execute (the one given when nothing was removed); null when nothing authorised is left. */
  document: DocumentNode | null;
  /** Response paths of the removed fields (aliases as sent; `@` stands for every list item, as in Apollo Router). */
  removed: Array<Array<string>>;
}

/**
 * Removes from an operation every field the principal is not authorised for (see
 * {@link satisfies}): a field whose own requirement, or its return type's, is not met; on an
 * interface, also the requirements of that field on every implementation. A selection set left
 * empty removes its parent field as well; fragments are inlined and variables no longer used are
 * dropped, so the result is again a valid operation. Meta fields (`__typename`, introspection)
 * are always kept.
 *
 * @param document a validated document (cycles and unknown fields were rejected before)
 * @param operationName the operation to run when the document has several
 */
export function filterUnauthorized(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  policy: AuthorizationPolicy,
  principal: Principal,
): FilteredOperation {
  if (policy.fields.size === 0 && policy.types.size === 0) return { document, removed: [] };
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION && (!operationName || d.name?.value === operationName),
  );
  const root = operation ? schema.getRootType(operation.operation) : undefined;
  if (!operation || !root) return { document, removed: [] };
  const fragments = new Map(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  const removed: string[][] = [];
  const allowed = (parent: GraphQLCompositeType, fieldName: string, returnType: string): boolean => {
    const owners = isAbstractType(parent) ? [parent, ...schema.getPossibleTypes(parent)] : [parent];
    for (const owner of owners) {
      const requirement = policy.fields.get(`${owner.name}.${fieldName}`);
      if (requirement && !satisfies(principal, requirement)) return false;
    }
    const typeRequirement = policy.types.get(returnType);
    return !typeRequirement || satisfies(principal, typeRequirement);
  };

  const filterSet = (set: SelectionSetNode, parent: GraphQLCompositeType, path: string[]): SelectionSetNode | null => {
    const selections: SelectionNode[] = [];
    let changed = false;
    for (const selection of set.selections) {
      const next = filterSelection(selection, parent, path);
      if (next !== selection) changed = true;
      if (next) selections.push(next);
    }
    if (selections.length === 0) return null;
    return changed ? { ...set, selections } : set;
  };

  const filterSelection = (selection: SelectionNode, parent: GraphQLCompositeType, path: string[]): SelectionNode | null => {
    if (selection.kind === Kind.FIELD) return filterField(selection, parent, path);
    const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? fragments.get(selection.name.value) : selection;
    if (!fragment) return selection;
    const condition = fragment.typeCondition ? schema.getType(fragment.typeCondition.name.value) : parent;
    if (!isCompositeType(condition)) return selection;
    const selectionSet = filterSet(fragment.selectionSet, condition, path);
    if (!selectionSet) return null;
    if (selection.kind === Kind.INLINE_FRAGMENT && selectionSet === selection.selectionSet) return selection;
    // Inlined: a fragment's fields may be authorised at one use and not at another.
    return {
      kind: Kind.INLINE_FRAGMENT,
      ...(fragment.typeCondition ? { typeCondition: fragment.typeCondition } : {}),
      ...(selection.directives ? { directives: selection.directives } : {}),
      selectionSet,
    };
  };

  const filterField = (field: FieldNode, parent: GraphQLCompositeType, path: string[]): FieldNode | null => {
    const name = field.name.value;
    if (name.startsWith('__') || !(isObjectType(parent) || isInterfaceType(parent))) return field;
    const definition = parent.getFields()[name];
    if (!definition) return field;
    const key = field.alias?.value ?? name;
    const namedType = getNamedType(definition.type);
    if (!allowed(parent, name, namedType.name)) {
      removed.push([...path, key]);
      return null;
    }
    if (!field.selectionSet || !isCompositeType(namedType)) return field;
    const childPath = [...path, key, ...listMarkers(definition.type)];
    const selectionSet = filterSet(field.selectionSet, namedType, childPath);
    if (!selectionSet) return null;
    return selectionSet === field.selectionSet ? field : { ...field, selectionSet };
  };

  const selectionSet = filterSet(operation.selectionSet, root, []);
  if (removed.length === 0) return { document, removed };
  if (!selectionSet) return { document: null, removed };
  return { document: withoutUnusedVariables({ ...operation, selectionSet }), removed };
}

function listMarkers(type: GraphQLOutputType): string[] {
  const markers: string[] = [];
  let current = getNullableType(type);
  while (isListType(current)) {
    markers.push('@');
    current = getNullableType(current.ofType);
  }
  return markers;
}

function withoutUnusedVariables(operation: OperationDefinitionNode): DocumentNode {
  const used = new Set<string>();
  visit(operation.selectionSet, { Variable: (node) => void used.add(node.name.value) });
  for (const directive of operation.directives ?? []) visit(directive, { Variable: (node) => void used.add(node.name.value) });
  const variableDefinitions = operation.variableDefinitions?.filter((v) => used.has(v.variable.name.value));
  return { kind: Kind.DOCUMENT, definitions: [{ ...operation, ...(variableDefinitions ? { variableDefinitions } : {}) }] };
}

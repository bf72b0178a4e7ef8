import { Kind, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';

/** Size measures of one operation, following fragment spreads (as the Apollo Router counts them). */
export interface OperationShape {
  /** Deepest field nesting: `{ a { b } }` is 2. */
  depth: number;
  /** Fields with an alias. */
  aliases: number;
  /** Fields selected at the root (through fragments too). */
  rootFields: number;
  /**
   * Selections (fields, inline fragments, fragment spreads) with every fragment expanded at each
   * of its spreads: the work of any step that walks the operation (as Apollo Server's
   * `maxRecursiveSelections` and graphql-query-complexity's node count measure it).
   */
  selections: number;
}

/**
 * Measures the operation named `operationName` (or the only one) of a validated document.
 * Each fragment use counts (an alias inside a fragment spread three times counts three times).
 * @returns null when the document has no such operation
 */
export function measureOperation(document: DocumentNode, operationName?: string | null): OperationShape | null {
  const fragments = new Map<string, FragmentDefinitionNode>();
  let operation: OperationDefinitionNode | undefined;
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    else if (definition.kind === Kind.OPERATION_DEFINITION && (!operationName || definition.name?.value === operationName)) {
      operation ??= definition;
    }
  }
  if (!operation) return null;
  // each fragment is measured once (a fragment spread many times, or fragments spreading each
  // other, would otherwise make this walk exponential: the very attack it is measuring)
  const measured = new Map<string, Measure>();
  const fragment = (name: string): Measure | undefined => {
    if (measured.has(name)) return measured.get(name);
    const definition = fragments.get(name);
    if (!definition) return undefined;
    measured.set(name, { depth: 0, fields: 0, aliases: 0, selections: 0 }); // a cycle (rejected by validation) ends here
    const measure = walk(definition.selectionSet);
    measured.set(name, measure);
    return measure;
  };
  const walk = (selectionSet: SelectionSetNode): Measure => {
    const total: Measure = { depth: 0, fields: 0, aliases: 0, selections: 0 };
    for (const selection of selectionSet.selections) {
      total.selections += 1;
      let inner: Measure | undefined;
      if (selection.kind === Kind.FIELD) {
        const child = selection.selectionSet ? walk(selection.selectionSet) : undefined;
        inner = {
          depth: (child?.depth ?? 0) + 1,
          fields: 1,
          aliases: (child?.aliases ?? 0) + (selection.alias ? 1 : 0),
          selections: child?.selections ?? 0,
        };
      } else {
        inner = selection.kind === Kind.FRAGMENT_SPREAD ? fragment(selection.name.value) : walk(selection.selectionSet);
      }
      if (!inner) continue;
      total.depth = Math.max(total.depth, inner.depth);
      total.fields += inner.fields;
      total.aliases += inner.aliases;
      total.selections += inner.selections;
    }
    return total;
  };
  const root = walk(operation.selectionSet);
  return { depth: root.depth, aliases: root.aliases, rootFields: root.fields, selections: root.selections };
}

interface Measure {
  depth: number;
  /** Fields directly in this selection set (through fragments). */
  fields: number;
  /** Aliased fields anywhere below, each fragment use counted. */
  aliases: number;
  /** Selections anywhere below, each fragment use counted. */
  selections: number;
}

import { getNamedType, getNullableType, isCompositeType, isListType, Kind, type FieldNode, type GraphQLOutputType } from 'graphql';
import type { ComplexityEstimator } from 'graphql-query-complexity/cjs';
import type { CostModel, ListSize } from './cost-model';

/**
 * A graphql-query-complexity estimator implementing static cost analysis as the cost spec
 * (https://ibm.github.io/graphql-specs/cost-spec.html, Apollo's `@cost` / `@listSize`) describes it:
 * - a field costs its `@cost` weight, else its type's `@cost`, else 1 for object / interface /
 *   union types and 0 for scalars and enums; given arguments add their `@cost`;
 * - a list field multiplies (weight + children) by its size: the largest given slicing argument
 *   (`first: 50` → 50), else `assumedSize`, else `defaultListSize`;
 * - `sizedFields` (connections): the size applies to the named child fields (`edges`, `nodes`)
 *   selected directly or through inline fragments.
 * Create one per operation: it remembers the cost of each field node it has seen.
 * @param defaultListSize items assumed for lists without `@listSize`
 */
export function costEstimator(model: CostModel, defaultListSize: number): ComplexityEstimator {
  const seen = new WeakMap<FieldNode, { cost: number; size: number }>();
  return ({ type, field, node, args, childComplexity }) => {
    const coordinate = `${type.name}.${field.name}`;
    const named = getNamedType(field.type);
    const weight = model.fieldWeights.get(coordinate) ?? model.typeWeights.get(named.name) ?? (isCompositeType(named) ? 1 : 0);
    let argumentCost = 0;
    for (const name of Object.keys(args)) argumentCost += model.argumentWeights.get(`${coordinate}(${name}:)`) ?? 0;
    const rules = model.listSizes.get(coordinate);
    const size = isList(field.type) ? (sliceSize(rules, args) ?? rules?.assumedSize ?? defaultListSize) : 1;
    let children = childComplexity;
    const sized = rules?.sizedFields ? (sliceSize(rules, args) ?? rules.assumedSize) : undefined;
    if (rules?.sizedFields && sized !== undefined && node.selectionSet) {
      for (const child of directFields(node)) {
        const estimate = rules.sizedFields.includes(child.name.value) ? seen.get(child) : undefined;
        if (estimate && estimate.size > 0) children += estimate.cost * (sized / estimate.size - 1);
      }
    }
    const cost = argumentCost + size * (weight + children);
    seen.set(node, { cost, size });
    return cost;
  };
}

function isList(type: GraphQLOutputType): boolean {
  return isListType(getNullableType(type));
}

/** The largest numeric slicing argument given, or undefined. */
function sliceSize(rules: ListSize | undefined, args: Record<string, unknown>): number | undefined {
  const sizes = (rules?.slicingArguments ?? []).map((name) => args[name]).filter((v): v is number => typeof v === 'number' && v >= 0);
  return sizes.length > 0 ? Math.max(...sizes) : undefined;
}

/** Field nodes selected directly under `node` (through inline fragments too). */
function directFields(node: FieldNode): FieldNode[] {
  const fields: FieldNode[] = [];
  const visit = (selections: FieldNode['selectionSet']) => {
    for (const selection of selections?.selections ?? []) {
      if (selection.kind === Kind.FIELD) fields.push(selection);
      else if (selection.kind === Kind.INLINE_FRAGMENT) visit(selection.selectionSet);
    }
  };
  visit(node.selectionSet);
  return fields;
}

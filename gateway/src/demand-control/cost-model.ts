import { directiveArguments, isFieldContainer } from '../sdl';
import { isTypeDefinitionNode, isTypeExtensionNode, parse, valueFromASTUntyped, type DirectiveNode, type DocumentNode } from 'graphql';

/** `@listSize` of a field (cost spec v0.1, https://specs.apollo.dev/cost/v0.1). */
export interface ListSize {
  /** Size assumed when no slicing argument is given. */
  assumedSize?: number;
  /** Arguments whose value is the size (`first`, `last`, `limit`); the largest given wins. */
  slicingArguments?: string[];
  /** For connection types: child fields the size applies to (`edges`, `nodes`). */
  sizedFields?: string[];
}

/**
 * The demand-control costs declared in a supergraph: `@cost(weight:)` on fields (`Type.field`),
 * on arguments (`Type.field(arg:)`) and on types; `@listSize` on list / connection fields.
 * Composition keeps both directives in the supergraph when a subgraph imports them from
 * Federation ≥ 2.9 (`@link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@cost", "@listSize"])`).
 */
export interface CostModel {
  /** `Type.field` → weight. */
  fieldWeights: Map<string, number>;
  /** `Type.field(arg:)` → weight, added when the argument is given. */
  argumentWeights: Map<string, number>;
  /** Type name → weight (for fields of that type without their own `@cost`). */
  typeWeights: Map<string, number>;
  /** `Type.field` → list size rules. */
  listSizes: Map<string, ListSize>;
}

/**
 * Reads the cost model from a supergraph SDL (or document).
 * @throws GraphQLError when the SDL does not parse
 */
export function readCostModel(supergraph: string | DocumentNode): CostModel {
  const document = typeof supergraph === 'string' ? parse(supergraph) : supergraph;
  const model: CostModel = { fieldWeights: new Map(), argumentWeights: new Map(), typeWeights: new Map(), listSizes: new Map() };
  for (const definition of document.definitions) {
    if (!isTypeDefinitionNode(definition) && !isTypeExtensionNode(definition)) continue;
    const typeName = definition.name.value;
    const typeWeight = weightOf(definition.directives);
    if (typeWeight !== undefined) model.typeWeights.set(typeName, typeWeight);
    if (!isFieldContainer(definition)) continue;
    for (const field of definition.fields ?? []) {
      const coordinate = `${typeName}.${field.name.value}`;
      const weight = weightOf(field.directives);
      if (weight !== undefined) model.fieldWeights.set(coordinate, weight);
      const listSize = field.directives?.find((d) => d.name.value === 'listSize');
      if (listSize) model.listSizes.set(coordinate, listSizeOf(listSize));
      for (const argument of field.arguments ?? []) {
        const argumentWeight = weightOf(argument.directives);
        if (argumentWeight !== undefined) model.argumentWeights.set(`${coordinate}(${argument.name.value}:)`, argumentWeight);
      }
    }
  }
  return model;
}

function weightOf(directives: readonly DirectiveNode[] | undefined): number | undefined {
  const weight = directives?.find((d) => d.name.value === 'cost')?.arguments?.find((a) => a.name.value === 'weight');
  const value = weight ? valueFromASTUntyped(weight.value) : undefined;
  return typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : undefined;
}

function listSizeOf(directive: DirectiveNode): ListSize {
  const args = directiveArguments(directive);
  return {
    ...(typeof args.assumedSize === 'number' ? { assumedSize: args.assumedSize } : {}),
    ...(Array.isArray(args.slicingArguments) ? { slicingArguments: args.slicingArguments as string[] } : {}),
    ...(Array.isArray(args.sizedFields) ? { sizedFields: args.sizedFields as string[] } : {}),
  };
}

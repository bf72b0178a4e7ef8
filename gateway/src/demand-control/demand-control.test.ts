import { buildSchema, parse } from 'graphql';
import { getComplexity } from 'graphql-query-complexity/cjs';
import { describe, expect, it } from 'vitest';
import { costEstimator } from './cost-estimator';
import { readCostModel } from './cost-model';
import { measureOperation } from './operation-shape';

// a supergraph-shaped SDL: the directives as composition writes them (cost spec v0.1)
const SDL = `
  directive @cost(weight: Int!) on ARGUMENT_DEFINITION | ENUM | FIELD_DEFINITION | INPUT_FIELD_DEFINITION | OBJECT | SCALAR
  directive @listSize(assumedSize: Int, slicingArguments: [String!], sizedFields: [String!], requireOneSlicingArgument: Boolean = true) on FIELD_DEFINITION
  type Query {
    entities(first: Int = 20): EntityConnection! @listSize(slicingArguments: ["first"], sizedFields: ["edges", "nodes"], requireOneSlicingArgument: false)
    search(text: String!, k: Int = 10, exact: Boolean @cost(weight: 7)): [Hit!]! @listSize(slicingArguments: ["k"], requireOneSlicingArgument: false) @cost(weight: 5)
    adapters: [Adapter!]! @listSize(assumedSize: 100)
  }
  type EntityConnection { nodes: [Entity!]! edges: [Edge!]! totalCount: Int! }
  type Edge { cursor: String! node: Entity! }
  type Entity { urn: ID! related(first: Int = 100): [Entity!]! @listSize(slicingArguments: ["first"], requireOneSlicingArgument: false) tags: [String!]! }
  type Hit { score: Float! entity: Entity! }
  type Adapter @cost(weight: 3) { id: ID! }
`;
const schema = buildSchema(SDL);
const model = readCostModel(SDL);
const cost = (query: string, variables: Record<string, unknown> = {}) =>
  getComplexity({ schema, query: parse(query), variables, estimators: [costEstimator(model, 10)] });

describe('static cost (cost spec @cost / @listSize)', () => {
  it('reads weights and list sizes from the supergraph', () => {
    expect(model.fieldWeights.get('Query.search')).toBe(5);
    expect(model.argumentWeights.get('Query.search(exact:)')).toBe(7);
    expect(model.typeWeights.get('Adapter')).toBe(3);
    expect(model.listSizes.get('Query.entities')).toEqual({ slicingArguments: ['first'], sizedFields: ['edges', 'nodes'] });
  });

  it('objects cost 1, scalars 0, lists multiply by the slicing argument / assumed / default size', () => {
    expect(cost('{ entities(first: 3) { totalCount } }')).toBe(1); // the connection object only
    // 50 nodes × (1 + related: 10 × (1 + 0))
    expect(cost('{ entities(first: 50) { nodes { urn related(first: 10) { urn } } totalCount } }')).toBe(1 + 50 * (1 + 10));
    // the schema default of `first` is the slicing value when none is given (20 nodes, 100 related each)
    expect(cost('{ entities { nodes { related { urn } } } }')).toBe(1 + 20 * (1 + 100));
    expect(cost('query ($n: Int) { entities(first: $n) { edges { node { urn } } } }', { n: 7 })).toBe(1 + 7 * (1 + 1));
    // @cost on the field (per item), on an argument, and on a type; lists of scalars cost 0
    expect(cost('{ search(text: "x", k: 4) { score } }')).toBe(4 * 5);
    expect(cost('{ search(text: "x", k: 4, exact: true) { score } }')).toBe(7 + 4 * 5);
    expect(cost('{ adapters { id } }')).toBe(100 * 3);
    expect(cost('{ entities(first: 2) { nodes { tags } } }')).toBe(1 + 2 * 1);
  });
});

describe('operation shape', () => {
  it('counts depth, aliases, root fields and selections through fragments', () => {
    const doc = parse(`
      query Q { a: entities { ...N } b: entities { totalCount } search(text: "x") { score } }
      fragment N on EntityConnection { nodes { x: urn related { ... on Entity { y: urn } } } }
    `);
    // selections: a (1) ...N (1) nodes (1) x (1) related (1) ... on Entity (1) y (1), b (1) totalCount (1), search (1) score (1)
    expect(measureOperation(doc, 'Q')).toEqual({ depth: 4, aliases: 4, rootFields: 3, selections: 11 });
    expect(measureOperation(doc, 'Missing')).toBeNull();
  });

  it('measures exponentially nested fragments in linear time', () => {
    const depth = 40; // 2^40 alias uses: walking every path would never end
    const fragments = Array.from({ length: depth }, (_, i) =>
      i === depth - 1 ? `fragment F${i} on Entity { a: urn }` : `fragment F${i} on Entity { ...F${i + 1} b${i}: related { ...F${i + 1} } }`,
    );
    const doc = parse(`{ entities { nodes { ...F0 } } } ${fragments.join(' ')}`);
    const shape = measureOperation(doc)!;
    expect(shape.aliases).toBeGreaterThan(2 ** 39);
    expect(shape.selections).toBeGreaterThan(2 ** 40);
    expect(shape.depth).toBe(depth + 2);
  });
});

import type { ApolloServerPlugin } from '@apollo/server';
import { OperationTypeNode, type DocumentNode, type GraphQLSchema } from 'graphql';
// the CommonJS build: it loads the same graphql module as @apollo/server (the ESM build imports graphql/index.mjs, another realm)
import { getComplexity } from 'graphql-query-complexity/cjs';
import { ERROR_CODES, type ErrorCode } from '@dictamesh/runtime';
import { costEstimator } from '../demand-control/cost-estimator';
import type { CostModel } from '../demand-control/cost-model';
import { measureOperation, type OperationShape } from '../demand-control/operation-shape';
import type { GatewayContext } from '../context';
import { httpError } from '../http-error';

/** Limits of {@link demandControlPlugin}. */
export interface DemandControlOptions {
  /** Largest estimated cost (cost spec units) an operation may have. */
  maxCost: number;
  /** Deepest field nesting (`{ a { b } }` = 2). */
  maxDepth: number;
  /** Most aliased fields. */
  maxAliases: number;
  /** Most root fields. */
  maxRootFields: number;
  /** Items assumed for list fields without `@listSize`. */
  defaultListSize: number;
  /** `enforce` rejects; `measure` only reports the cost (to tune limits on live traffic). Default `enforce`. */
  mode?: 'enforce' | 'measure';
  /** Called with every operation's estimated cost (metrics). */
  onCost?(operationName: string | null, cost: number): void;
}

/** Cost added to every mutation (as Apollo's demand control does). */
const MUTATION_BASE_COST = 10;
/** Distinct (operation name, variables) measurements kept per document. */
const MEASURES_PER_DOCUMENT = 64;

/**
 * Demand control for the gateway (Apollo Server plugin): after validation and before the query
 * plan runs, an operation is measured — depth, aliases, root fields (fragments followed) — and
 * its static cost estimated with graphql-query-complexity from the supergraph's `@cost` /
 * `@listSize` directives (see {@link costEstimator}). Over a limit it is rejected with no
 * subgraph called: HTTP 400, `MAX_DEPTH_LIMIT` / `MAX_ALIASES_LIMIT` / `MAX_ROOT_FIELDS_LIMIT` /
 * `COST_ESTIMATED_TOO_EXPENSIVE`, with `extensions.{actual,limit}` (and `cost`). The token limit
 * is the parser's (`parseOptions.maxTokens` of the server).
 * @param costModel read on every operation, so a reloaded supergraph takes effect at once
 */
export function demandControlPlugin(options: DemandControlOptions, costModel: () => CostModel): ApolloServerPlugin<GatewayContext> {
  const enforce = (options.mode ?? 'enforce') === 'enforce';
  // Apollo Server keeps one parsed document per query text (its document store), so shape and
  // cost are computed once per document, operation name, variables and cost model
  const measured = new WeakMap<DocumentNode, Map<string, { model: CostModel; shape: OperationShape | null; cost: number }>>();
  const measure = (
    document: DocumentNode,
    operationName: string | null,
    variables: Record<string, unknown> | undefined,
    schema: GraphQLSchema,
  ) => {
    const model = costModel();
    const key = `${operationName ?? ''}\u0000${variables ? JSON.stringify(variables) : ''}`;
    let byKey = measured.get(document);
    const known = byKey?.get(key);
    if (known?.model === model) return known;
    const shape = measureOperation(document, operationName);
    let cost: number;
    try {
      cost = getComplexity({
        schema,
        query: document,
        ...(operationName ? { operationName } : {}),
        variables: variables ?? {},
        estimators: [costEstimator(model, options.defaultListSize)],
      });
    } catch (error) {
      const message = (error as Error).message;
      // graphql-query-complexity stops after 10 000 field nodes (fragments spread over and over)
      if (/maximum allowed number of nodes/.test(message)) {
        throw httpError('COST_ESTIMATED_TOO_EXPENSIVE', `${ERROR_CODES.COST_ESTIMATED_TOO_EXPENSIVE.message} ${message}`, {
          limit: options.maxCost,
        });
      }
      // invalid variable values: the same problem the executor would report
      throw httpError('BAD_USER_INPUT', message);
    }
    const result = { model, shape, cost };
    if (!byKey) measured.set(document, (byKey = new Map()));
    if (byKey.size < MEASURES_PER_DOCUMENT) byKey.set(key, result);
    return result;
  };
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operationName, operation, request, schema, contextValue }) {
          const { shape, cost: estimated } = measure(document, operationName, request.variables, schema);
          if (shape && enforce) {
            limit('MAX_DEPTH_LIMIT', shape.depth, options.maxDepth);
            limit('MAX_ALIASES_LIMIT', shape.aliases, options.maxAliases);
            limit('MAX_ROOT_FIELDS_LIMIT', shape.rootFields, options.maxRootFields);
          }
          const cost = estimated + (operation?.operation === OperationTypeNode.MUTATION ? MUTATION_BASE_COST : 0);
          options.onCost?.(operationName, cost);
          contextValue.cost = cost;
          if (enforce) limit('COST_ESTIMATED_TOO_EXPENSIVE', cost, options.maxCost, { cost });
        },
      };
    },
  };
}

/** @throws GraphQLError (HTTP status of the code, 400) with the code and `extensions.{actual,limit}` when `actual > max` */
function limit(code: ErrorCode, actual: number, max: number, extra: Record<string, unknown> = {}): void {
  if (actual <= max) return;
  throw httpError(code, `${ERROR_CODES[code].message} Found ${actual}, limit ${max}.`, { actual, limit: max, ...extra });
}

import type { ApolloServerPlugin } from '@apollo/server';
import { OperationTypeNode, type DocumentNode, type GraphQLSchema } from 'graphql';
// the CommonJS build: it loads the same graphql module as @apollo/server (the ESM build imports graphql/index.mjs, another realm)
import { getComplexity } from 'graphql-query-complexity/cjs';
import { ERROR_CODES, type ErrorCode } from '@dictamesh/runtime';
import { costEstimator } from '../demand-control/cost-estimator';
import type { CostModel } from '../demand-control/cost-model';
import { measureOperation, type OperationShape } from '../demand-control/operation-shape';
import { checkVariableLimits, VARIABLE_LIMITS, type VariableLimits } from '../demand-control/variable-limits';
import { assertNoNulCharacters } from '../input/nul-characters';
import type { GatewayContext } from '../context';
import { httpError } from '../http-error';
import { GATEWAY_DEFAULTS } from '../defaults';

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
  /** Most selections with fragments expanded at every spread ({@link OperationShape.selections}). */
  maxSelections: number;
  /** Bounds of variable values, checked first; default {@link VARIABLE_LIMITS}. */
  variables?: VariableLimits;
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
 * Demand control for the gateway (Apollo Server plugin): after validation and before any
 * per-field work (authorization filtering, query planning), an operation is checked in order of
 * cost to check, each step bounded by the one before:
 * 1. its variables: depth and number of values, without recursion (`BAD_USER_INPUT`, see
 *    {@link checkVariableLimits}); then no NUL in any string input, variable or literal
 *    (`BAD_USER_INPUT`, see {@link assertNoNulCharacters});
 * 2. its shape — depth, aliases, root fields and selections with fragments expanded, each
 *    fragment measured once (see {@link measureOperation}): `MAX_DEPTH_LIMIT`,
 *    `MAX_ALIASES_LIMIT`, `MAX_ROOT_FIELDS_LIMIT`, `MAX_SELECTIONS_LIMIT`;
 * 3. its static cost, estimated with graphql-query-complexity from the supergraph's `@cost` /
 *    `@listSize` directives (see {@link costEstimator}): `COST_ESTIMATED_TOO_EXPENSIVE`.
 *    That library walks a fragment again at each spread, so it runs only on operations whose
 *    expanded size passed step 2 (and its own node cap is set just above that limit).
 * Over a limit the operation is rejected with no subgraph called: HTTP 400 with
 * `extensions.{actual,limit}` (and `cost`). The token limit is the parser's
 * (`parseOptions.maxTokens` of the server).
 * @param options read on every operation: a limit changed in this object (`GatewaySettings.apply`) applies to the next operation
 * @param costModel read on every operation, so a reloaded supergraph takes effect at once
 */
export function demandControlPlugin(options: DemandControlOptions, costModel: () => CostModel): ApolloServerPlugin<GatewayContext> {
  // Apollo Server keeps one parsed document per query text (its document store), so the shape
  // is measured once per document and operation name, the cost once per variables and cost model
  const shapes = new WeakMap<DocumentNode, Map<string, OperationShape | null>>();
  const costs = new WeakMap<DocumentNode, Map<string, { model: CostModel; listSize: number; cost: number }>>();
  const shapeOf = (document: DocumentNode, operationName: string | null): OperationShape | null => {
    let byName = shapes.get(document);
    if (!byName) shapes.set(document, (byName = new Map()));
    const key = operationName ?? '';
    if (!byName.has(key)) byName.set(key, measureOperation(document, operationName));
    return byName.get(key) ?? null;
  };
  const costOf = (
    document: DocumentNode,
    operationName: string | null,
    variables: Record<string, unknown> | undefined,
    schema: GraphQLSchema,
  ): number => {
    const model = costModel();
    const key = `${operationName ?? ''}\u0000${variables ? JSON.stringify(variables) : ''}`;
    let byKey = costs.get(document);
    const known = byKey?.get(key);
    if (known?.model === model && known.listSize === options.defaultListSize) return known.cost;
    let cost: number;
    try {
      cost = getComplexity({
        schema,
        query: document,
        ...(operationName ? { operationName } : {}),
        variables: variables ?? {},
        estimators: [costEstimator(model, options.defaultListSize)],
        // it counts the selections it visits as the shape does; step 2 keeps it under this cap
        maxQueryNodes: options.maxSelections + 1,
      });
    } catch (error) {
      const message = (error as Error).message;
      if (/maximum allowed number of nodes/.test(message)) {
        throw httpError('MAX_SELECTIONS_LIMIT', `${ERROR_CODES.MAX_SELECTIONS_LIMIT.message} Limit ${options.maxSelections}.`, {
          limit: options.maxSelections,
        });
      }
      // invalid variable values: the same problem the executor would report
      throw httpError('BAD_USER_INPUT', message);
    }
    if (!byKey) costs.set(document, (byKey = new Map()));
    if (byKey.size < MEASURES_PER_DOCUMENT || byKey.has(key)) byKey.set(key, { model, listSize: options.defaultListSize, cost });
    return cost;
  };
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operationName, operation, request, schema, contextValue }) {
          const enforce = (options.mode ?? GATEWAY_DEFAULTS.demandControl.mode) === 'enforce';
          checkVariableLimits(request.variables, options.variables ?? VARIABLE_LIMITS);
          assertNoNulCharacters(document, request.variables);
          const shape = shapeOf(document, operationName);
          // the expanded size bounds every later walk of the operation, in measure mode too
          if (shape) limit('MAX_SELECTIONS_LIMIT', shape.selections, options.maxSelections);
          if (shape && enforce) {
            limit('MAX_DEPTH_LIMIT', shape.depth, options.maxDepth);
            limit('MAX_ALIASES_LIMIT', shape.aliases, options.maxAliases);
            limit('MAX_ROOT_FIELDS_LIMIT', shape.rootFields, options.maxRootFields);
          }
          const estimated = costOf(document, operationName, request.variables, schema);
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

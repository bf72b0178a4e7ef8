/**
 * @packageDocumentation
 * The subgraph kit: what every DictaMesh subgraph needs once, so that a subgraph is its SDL
 * (`schemas/subgraphs/<name>.graphql`), resolvers, Prisma models, consumers and a short
 * service file.
 *
 * {@link createSubgraphService} builds the service:
 * - Apollo Server with a Federation 2 schema ({@link loadSubgraphSchema}: `buildSubgraphSchema`
 *   over the SDL file and the resolvers) on Fastify (`createHttpApp` of @dictamesh/runtime),
 *   introspection as configured, no landing page, no usage or schema reporting;
 * - `/graphql` refused with 401 `UNAUTHENTICATED` unless it carries a principal token the
 *   gateway signed (`GatewayTokens`, header `x-dictamesh-principal`); the principal and its
 *   organisation are in the context ({@link SubgraphContext}: `principal`, `org`), and every
 *   read and write is to be limited to `org`;
 * - a per-request DataLoader registry in the context (`ctx.loaders.get(key, create)`, or
 *   {@link defineLoader} once per loader and `entityLoader(ctx).load(urn)` in resolvers);
 * - errors masked by the one error registry (`createErrorFormatter`): a DictaMeshError keeps
 *   its code, anything unexpected is logged and sent as `INTERNAL_SERVER_ERROR`;
 * - `/healthz`, `/readyz` over pluggable {@link ReadinessCheck}s ({@link tableReadiness} for a
 *   DictaMesh database), `/metrics` (a prom-client registry, {@link createMetricsRegistry},
 *   with the consumer groups' lag);
 * - OpenTelemetry: `/graphql` runs in a server span continuing the caller's W3C trace context
 *   (the process starts its tracer provider once, `startTracing`);
 * - consumer groups on the event bus that commit after their database write
 *   ({@link ConsumerSpec}, {@link startConsumer});
 * - graceful stop: consumers first (the write in flight finishes), then HTTP, then Apollo.
 *
 * @example A subgraph's service file
 * ```ts
 * export async function createBillingService(options: BillingServiceOptions) {
 *   const { db, bus } = options;
 *   const service = await createSubgraphService({
 *     schema: loadSubgraphSchema(new URL('../../../schemas/subgraphs/billing.graphql', import.meta.url), resolvers),
 *     logger: options.logger,
 *     introspection: options.introspection,
 *     gatewayTokens: options.gatewayTokens,
 *     context: () => ({ prisma: db.prisma }),
 *     readiness: { database: tableReadiness(db) },
 *     bus,
 *     consumers: {
 *       usage: { groupId: 'dictamesh-billing', topics: [TOPICS.operationUsage], write: (records) => recordUsage(db.prisma, records) },
 *     },
 *   });
 *   return service; // the caller listens: service.app.listen(...); stops: service.close()
 * }
 * ```
 */
export { createSubgraphService, type SubgraphService, type SubgraphServiceOptions } from './service';
export { createRequestContext, type SubgraphContext } from './context';
export { LoaderRegistry, defineLoader } from './loaders';
export { loadSubgraphSchema } from './schema';
export { mergeResolverParts } from './resolvers';
export { startConsumer, type ConsumerSpec } from './consumers';
export { tableReadiness, type Readiness, type ReadinessCheck } from './readiness';
export { createMetricsRegistry, installMetricsRoute } from './metrics';
export { OutboxRelayLoop, type ClaimedBatch, type OutboxRelayLoopOptions } from './outbox-relay';
export { RelayLoop } from './relay-loop';

import { createLogger, DictaMeshError } from '@dictamesh/runtime';
import { parseStackEnv } from '../env';
import { startStack } from '../stack';

/** `dictamesh start`: runs the whole stack on the configuration in the environment. */
export async function startCommand(): Promise<void> {
  let env;
  try {
    env = parseStackEnv();
  } catch (error) {
    console.error(error instanceof DictaMeshError ? error.message : error);
    process.exit(1);
  }
  const logger = createLogger('dictamesh', env.server.LOG_LEVEL);
  let stack;
  try {
    stack = await startStack(env, { logger });
  } catch (error) {
    logger.fatal({ err: error }, 'DictaMesh could not start');
    console.error(`DictaMesh could not start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  const where = env.database.DATABASE_URL ? 'Postgres (DATABASE_URL)' : `PGlite in ${env.database.DICTAMESH_DATA_DIR}/pglite`;
  const { gateway, catalog, adapters, billing, config, notifications, webhooks } = stack.urls;
  const bus = env.kafka.KAFKA_BROKERS
    ? `Kafka ${env.kafka.KAFKA_BROKERS.join(',')}`
    : catalog
      ? 'in-process (durable: accepted records kept in the catalog database until ingested)'
      : 'in-process, NOT durable and reaching no catalog (no catalog in this process: set KAFKA_BROKERS)';
  process.stdout.write(
    [
      '',
      'DictaMesh is running',
      ...(gateway ? [`  GraphQL gateway   ${gateway} (subscriptions: same URL over WebSocket; SSE at ${gateway}/stream)`] : []),
      // the gateway serves its IDE when introspection is on (GRAPHQL_INTROSPECTION, default: outside production)
      ...(gateway && (env.gateway.GRAPHQL_INTROSPECTION ?? `${env.server.NODE_ENV !== 'production'}`) === 'true'
        ? [`  GraphQL IDE       ${new URL('/ide', gateway).href}`]
        : []),
      ...(catalog ? [`  catalog subgraph  ${catalog}`] : []),
      ...(adapters ? [`  adapters subgraph ${adapters} (adapter runtime)`] : []),
      ...(billing ? [`  billing subgraph  ${billing}`] : []),
      ...(config ? [`  config subgraph   ${config}`] : []),
      ...(notifications ? [`  notifications     ${notifications}`] : []),
      ...(stack.db ? [`  database          ${where}`] : []),
      ...(webhooks ? [`  Chatwoot webhooks ${webhooks}/chatwoot/adapters/<adapter id>`] : []),
      `  event bus         ${bus}`,
      '',
      ...(webhooks ? ['Replay sample webhooks: npx dictamesh replay fixtures/chatwoot/webhooks --account 12', ''] : []),
    ].join('\n'),
  );
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await stack.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

import { z } from 'zod';
import { logLevel, port, splitList } from '@dictamesh/runtime/env';

/**
 * The `server` concern of `dictamesh start` (`envSchemas.server`): which services this process
 * runs and where they listen. In a file of its own, importing no service package, so the
 * container health check (`cli/src/healthcheck.ts`) reads the same variables with the same
 * defaults without loading the stack.
 */
export const serverEnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  GATEWAY_PORT: port(4000),
  CATALOG_PORT: port(4001),
  WEBHOOK_PORT: port(4002),
  /** The adapter runtime's subgraph (`adapters`). */
  ADAPTERS_PORT: port(4003),
  /** The billing subgraph. */
  BILLING_PORT: port(4004),
  /** The config subgraph. */
  CONFIG_PORT: port(4005),
  /** The notifications subgraph. */
  NOTIFICATIONS_PORT: port(4006),
  LOG_LEVEL: logLevel,
  /**
   * Which services this process runs (comma-separated): `gateway`, `catalog`, `adapters` (the
   * adapter runtime: its subgraph, the webhook endpoint, syncs and health), `billing`, `config`,
   * `notifications`. `webhooks` is the deprecated name of `adapters`, still accepted.
   */
  DICTAMESH_SERVICES: z
    .string()
    .default('gateway,catalog,adapters,billing,config,notifications')
    .transform(splitList)
    .pipe(z.array(z.enum(['gateway', 'catalog', 'adapters', 'billing', 'config', 'notifications', 'webhooks'])).min(1))
    .transform((list) => new Set(list.map((service) => (service === 'webhooks' ? 'adapters' : service)))),
});

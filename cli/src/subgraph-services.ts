import type { StackEnv } from './env';

/** A `DICTAMESH_SERVICES` entry. */
export type ServiceName = StackEnv['server']['DICTAMESH_SERVICES'] extends Set<infer S> ? S : never;

/**
 * Which `DICTAMESH_SERVICES` entry serves each subgraph of the supergraph config. When the
 * gateway runs beside that service, it routes the subgraph to the URL the service actually
 * listens on; without it, the subgraph's `<NAME>_SUBGRAPH_URL` is required. Subgraphs not named
 * here run elsewhere: the gateway routes them to their `routing_url` (or the variable).
 */
export const SUBGRAPH_SERVICES: Readonly<Record<string, ServiceName>> = {
  catalog: 'catalog',
  adapters: 'adapters',
  billing: 'billing',
  config: 'config',
  notifications: 'notifications',
};

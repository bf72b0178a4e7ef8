import type { PrismaClient } from '@dictamesh/db';
import type { SubgraphContext } from '@dictamesh/subgraph-kit';
import type { AdapterHost } from '../host';

/** The adapters subgraph's own fields of a request's context. */
export interface AdaptersServices {
  /** The process-wide Prisma client (a singleton). */
  prisma: PrismaClient;
  /** Runs the registered source adapters. */
  adapters: AdapterHost;
}

/**
 * Per-request context of the adapters subgraph: the kit's (principal, `org` — every read and
 * write is limited to it —, per-request loaders) and the runtime's services.
 */
export type AdaptersContext = SubgraphContext & AdaptersServices;

import type { PrismaClient } from '@dictamesh/db';
import type { Logger } from '@dictamesh/runtime';
import type { KeyManager, SecretSealer } from '@dictamesh/secrets';
import type { SubgraphContext } from '@dictamesh/subgraph-kit';
import type { ResolveCache } from './resolve/resolve';

/** The config subgraph's own fields of a request's context (one set per process). */
export interface ConfigServices {
  /** The process-wide Prisma client. */
  prisma: PrismaClient;
  /** The clock (tests inject one). */
  now: () => Date;
  /** Envelope encryption of SECRET values (@dictamesh/secrets). */
  secrets: SecretSealer;
  /** Administration of the key ring (list, rotate, retire); unset: those operations are refused (tests with a stand-in sealer). */
  keys?: KeyManager;
  /** Publishes the change log now (called after commits that wrote versions). */
  publishChanges: () => void;
  log: Logger;
  /** Resolved configurations reused while the log revision has not moved (unset: none). */
  resolveCache?: ResolveCache;
}

/** Per-request context of the config subgraph: the kit's (principal, org, loaders) and config's services. */
export type ConfigContext = SubgraphContext & ConfigServices;

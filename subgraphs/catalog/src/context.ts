import type { PrismaClient } from '@dictamesh/db';
import type { EventBus } from '@dictamesh/events';
import type { Principal } from '@dictamesh/runtime';
import { createRequestContext, type SubgraphContext } from '@dictamesh/subgraph-kit';
import type { Embedder } from './embeddings/embedder';

/** The catalog's own fields of a request's context. */
export interface CatalogServices {
  /** The process-wide Prisma client (a singleton). */
  prisma: PrismaClient;
  embedder: Embedder;
  /** The event bus (dead-letter replay). */
  bus: EventBus;
}

/**
 * Per-request context of the catalog subgraph: the kit's (principal, org, per-request
 * loaders; see `loaders.ts`) and the catalog's services.
 */
export type CatalogContext = SubgraphContext & CatalogServices;

/** Builds the context of one request outside HTTP (tests that run resolvers directly). */
export function createContext(prisma: PrismaClient, embedder: Embedder, bus: EventBus, principal?: Principal): CatalogContext {
  return { prisma, embedder, bus, ...createRequestContext(principal) };
}

import { ANONYMOUS, orgOf, type Principal } from '@dictamesh/runtime';
import type { PrismaClient } from '@dictamesh/db';
import type { EventBus } from '@dictamesh/events';
import type { AdapterHost } from './adapters/host';
import type { Embedder } from './embeddings/embedder';
import { createLoaders, type CatalogLoaders } from './loaders';

/** Per-request context of the catalog subgraph. */
export interface CatalogContext {
  /** The process-wide Prisma client (a singleton). */
  prisma: PrismaClient;
  embedder: Embedder;
  /** The event bus (dead-letter replay). */
  bus: EventBus;
  /** Runs the registered source adapters. */
  adapters: AdapterHost;
  /** Created per request. */
  loaders: CatalogLoaders;
  /** The caller, as the gateway verified and signed it (anonymous when the catalog trusts any caller). */
  principal: Principal;
  /** The organisation whose data this request sees (`orgOf(principal)`): every read and write is limited to it. */
  org: string;
}

/** Builds the context of one request. */
export function createContext(
  prisma: PrismaClient,
  embedder: Embedder,
  bus: EventBus,
  adapters: AdapterHost,
  principal: Principal = ANONYMOUS,
): CatalogContext {
  const org = orgOf(principal);
  return { prisma, embedder, bus, adapters, loaders: createLoaders(prisma, org), principal, org };
}

import { ANONYMOUS, orgOf, type Principal } from '@dictamesh/runtime';
import type { PrismaClient } from '@dictamesh/db';
import type { AdapterHost } from '../host';

/** Per-request context of the adapters subgraph. */
export interface AdaptersContext {
  /** The process-wide Prisma client (a singleton). */
  prisma: PrismaClient;
  /** Runs the registered source adapters. */
  adapters: AdapterHost;
  /** The caller, as the gateway verified and signed it (anonymous when the subgraph trusts any caller). */
  principal: Principal;
  /** The organisation whose adapters this request sees (`orgOf(principal)`): every read and write is limited to it. */
  org: string;
}

/** Builds the context of one request. */
export function createAdaptersContext(prisma: PrismaClient, adapters: AdapterHost, principal: Principal = ANONYMOUS): AdaptersContext {
  return { prisma, adapters, principal, org: orgOf(principal) };
}

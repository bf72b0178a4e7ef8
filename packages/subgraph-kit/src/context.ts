import { ANONYMOUS, NO_ORIGIN, orgOf, type Principal, type RequestOrigin } from '@dictamesh/runtime';
import { LoaderRegistry } from './loaders';

/**
 * What the kit puts in every request's context; a subgraph adds its own fields (Prisma
 * client, datasources, …) on top ({@link SubgraphServiceOptions.context}).
 */
export interface SubgraphContext {
  /** The caller, as the gateway verified and signed it (anonymous when the subgraph trusts any caller). */
  principal: Principal;
  /** The organisation whose data this request sees (`orgOf(principal)`): every read and write is limited to it. */
  org: string;
  /** Where the request came from, as the gateway signed it (request id, client address, user agent; nulls when unknown). */
  origin: RequestOrigin;
  /** This request's DataLoaders ({@link LoaderRegistry}); never shared between requests. */
  loaders: LoaderRegistry;
}

/**
 * The kit's part of one request's context: the principal, its organisation and a fresh
 * loader registry. Exported for tests that run resolvers without HTTP.
 */
export function createRequestContext(principal: Principal = ANONYMOUS, origin: RequestOrigin = NO_ORIGIN): SubgraphContext {
  return { principal, org: orgOf(principal), origin, loaders: new LoaderRegistry() };
}

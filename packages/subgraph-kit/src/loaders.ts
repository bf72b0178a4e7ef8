import type DataLoader from 'dataloader';

/**
 * The DataLoaders of one request, created on first use: `get(key, create)` returns the loader
 * this request already made under `key`, or makes it with `create()`. A registry lives in one
 * request's context and dies with it, so a loader's cache never outlives the request nor
 * crosses to another caller or organisation (DataLoader caches every key it loaded).
 */
export class LoaderRegistry {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each entry keeps the types its key was created with
  private readonly loaders = new Map<string | symbol, DataLoader<any, any, any>>();

  /**
   * The request's loader under `key`, created by `create` the first time. Give each key one
   * factory (use {@link defineLoader} to make that hold by construction): the type returned
   * is the one `create` declares, whichever factory made the loader first.
   */
  get<K, V, C = K>(key: string | symbol, create: () => DataLoader<K, V, C>): DataLoader<K, V, C> {
    let loader = this.loaders.get(key) as DataLoader<K, V, C> | undefined;
    if (!loader) {
      loader = create();
      this.loaders.set(key, loader);
    }
    return loader;
  }

  /** Number of loaders this request created. */
  get size(): number {
    return this.loaders.size;
  }
}

/**
 * Defines a per-request DataLoader once, for every request: returns an accessor that gives
 * the loader of `ctx`'s request (created by `create(ctx)` on first use, under a key of its
 * own, so two definitions never share a loader even under the same `name`).
 *
 * @example
 * const entityLoader = defineLoader('entity', (ctx: CatalogContext) =>
 *   new DataLoader((urns: readonly string[]) => entitiesByUrn(ctx.prisma, ctx.org, urns)));
 * // in a resolver: entityLoader(ctx).load(urn)
 */
export function defineLoader<Ctx extends { loaders: LoaderRegistry }, K, V, C = K>(
  name: string,
  create: (ctx: Ctx) => DataLoader<K, V, C>,
): (ctx: Ctx) => DataLoader<K, V, C> {
  const key = Symbol(name);
  return (ctx) => ctx.loaders.get(key, () => create(ctx));
}

/**
 * One resolver map from a subgraph's resolver files (one file per concern): the fields of each
 * type are merged over every part, a later part's field replacing an earlier one's of the same
 * name.
 *
 * @param parts - resolver maps (codegen's typed `Resolvers` fit), e.g. `[entryResolvers, auditResolvers]`
 * @returns `{ [type]: { ...fields of every part for that type } }`
 */
export function mergeResolverParts<R extends object>(parts: readonly R[]): R {
  const types = [...new Set(parts.flatMap((part) => Object.keys(part)))];
  return Object.fromEntries(
    types.map((type) => [type, Object.assign({}, ...parts.map((part) => (part as Record<string, object | undefined>)[type] ?? {}))]),
  ) as R;
}

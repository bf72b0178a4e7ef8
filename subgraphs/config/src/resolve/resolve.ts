import type { PrismaClient } from '@dictamesh/db';
import type { ConfigScopeRef } from '@dictamesh/events';
import { chainOf, pathOf } from '../scopes/scope';
import { currentRevision } from '../store/revision';
import { scopeOfRow, whereScope, type ConfigEntryRow, type ConfigValueKind } from '../store/rows';

/** One effective value at a point of the hierarchy, with where it came from. */
export interface ResolvedValue {
  key: string;
  kind: ConfigValueKind;
  /** The entry that wins (the most specific scope holding a value of the key). */
  entry: ConfigEntryRow;
  /** Its scope (provenance). */
  source: ConfigScopeRef;
  /** Less specific entries of the same key it overrides, most specific first. */
  overrides: ConfigEntryRow[];
}

/** Options of {@link resolveConfig}. */
export interface ResolveOptions {
  /** Only keys starting with it. */
  prefix?: string;
  /** Only keys whose winning (most specific) value is of these kinds. */
  kinds?: ConfigValueKind[];
}

/**
 * Every effective value at `scope`: the entries holding a value on its inheritance chain
 * ({@link chainOf}: the platform's levels, then the organisation's), the most specific winning
 * per key; keys in order. The log's current revision is read FIRST, so the answer reflects at
 * least that revision (a watch resumed from it misses nothing).
 */
export async function resolveConfig(
  prisma: PrismaClient,
  scope: ConfigScopeRef,
  options: ResolveOptions = {},
  cache?: ResolveCache,
): Promise<{ values: ResolvedValue[]; revision: bigint }> {
  const revision = await currentRevision(prisma);
  const cacheKey = JSON.stringify([
    scope.orgId,
    scope.environment,
    scope.service,
    scope.component,
    options.prefix ?? '',
    options.kinds ?? [],
  ]);
  const cached = cache?.get(cacheKey, revision);
  if (cached) return { values: cached, revision };
  const chain = chainOf(scope);
  const rank = new Map(chain.map((link, index) => [pathOf(link), index]));
  const rows = await prisma.configEntry.findMany({
    where: {
      OR: chain.map(whereScope),
      hasValue: true,
      ...(options.prefix ? { key: { startsWith: options.prefix } } : {}),
    },
  });
  const byKey = new Map<string, ConfigEntryRow[]>();
  for (const row of rows) {
    if (options.prefix && !row.key.startsWith(options.prefix)) continue;
    const list = byKey.get(row.key) ?? [];
    list.push(row);
    byKey.set(row.key, list);
  }
  const values: ResolvedValue[] = [];
  for (const key of [...byKey.keys()].sort()) {
    const [entry, ...overrides] = byKey.get(key)!.sort((a, b) => rank.get(pathOf(b))! - rank.get(pathOf(a))!);
    // the kind filter applies to the winning value: a flag a more specific plain value overrides is not in effect
    if (options.kinds && !options.kinds.includes(entry!.kind as ConfigValueKind)) continue;
    values.push({ key, kind: entry!.kind as ConfigValueKind, entry: entry!, source: scopeOfRow(entry!), overrides });
  }
  cache?.set(cacheKey, revision, values);
  return { values, revision };
}

/**
 * Resolved configurations by scope and options, each valid for the log revision it was read at:
 * every write takes a new revision, so an answer is reused only while the revision (read first,
 * one indexed query) has not moved — across instances too, since the revision is the database's.
 * Holds at most `capacity` answers (the oldest go first).
 */
export class ResolveCache {
  private readonly answers = new Map<string, { revision: bigint; values: ResolvedValue[] }>();

  constructor(private readonly capacity = 500) {}

  /** The answer for `key` if it was read at `revision`. */
  get(key: string, revision: bigint): ResolvedValue[] | undefined {
    const answer = this.answers.get(key);
    return answer?.revision === revision ? answer.values : undefined;
  }

  set(key: string, revision: bigint, values: ResolvedValue[]): void {
    this.answers.delete(key);
    this.answers.set(key, { revision, values });
    if (this.answers.size > this.capacity) this.answers.delete(this.answers.keys().next().value!);
  }
}

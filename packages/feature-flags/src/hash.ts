import murmurhash3js from 'murmurhash3js';

/** The murmur3 seed of Unleash's variant hashing. */
export const VARIANT_HASH_SEED = 86028157;

/**
 * Unleash's normalised hash of a subject: `murmur3_x86_32("<groupId>:<id>", seed) % normalizer + 1`,
 * in 1..normalizer. With the defaults it is the percentage bucket of the flexible rollout strategy
 * (enabled when rollout > 0 and the bucket ≤ rollout); with seed {@link VARIANT_HASH_SEED} and the
 * total weight as normalizer it picks a variant. The string is hashed as unleash-client-node does
 * (murmurhash3js over UTF-16 code units).
 */
export function normalizedValue(id: string, groupId: string, normalizer = 100, seed = 0): number {
  return (murmurhash3js.x86.hash32(`${groupId}:${id}`, seed) % normalizer) + 1;
}

import type { Embedder } from './embedder';

/**
 * The deterministic local embedder of the embedded default: no model, no download.
 *
 * Feature hashing ("the hashing trick", Weinberger et al. 2009) of the text's words and of
 * each word's character trigrams into `dimensions` buckets, with a hash-derived sign per
 * feature, log-scaled term frequencies and L2 normalisation — so cosine similarity ranks
 * texts by shared words, and trigrams give partial credit to word forms and typos
 * ("refund" ~ "refunds"). Same text → same vector on every machine. It knows no synonyms:
 * for semantic search, point `EMBEDDINGS_URL` at a real model.
 */
export class HashingEmbedder implements Embedder {
  readonly model = 'dictamesh-hashing-v1';

  constructor(readonly dimensions = 384) {}

  async embed(texts: readonly string[]): Promise<number[][]> {
    return texts.map((text) => this.embedOne(text));
  }

  /** Synchronous form of {@link embed} for one text. */
  embedOne(text: string): number[] {
    const counts = new Map<number, number>();
    const add = (feature: string, weight: number) => {
      const h = fnv1a(feature);
      const bucket = h % this.dimensions;
      const sign = h >>> 31 === 1 ? -1 : 1; // high bit, independent of the bucket for small moduli
      counts.set(bucket, (counts.get(bucket) ?? 0) + sign * weight);
    };
    const words =
      text
        .toLowerCase()
        .normalize('NFKC')
        .match(/[\p{L}\p{N}]+/gu) ?? [];
    const tf = new Map<string, number>();
    for (const word of words) tf.set(word, (tf.get(word) ?? 0) + 1);
    for (const [word, n] of tf) {
      const weight = 1 + Math.log(n);
      add(`w:${word}`, weight);
      const padded = `^${word}$`;
      for (let i = 0; i + 3 <= padded.length; i++) add(`t:${padded.slice(i, i + 3)}`, 0.35 * weight);
    }
    const vector = new Array<number>(this.dimensions).fill(0);
    for (const [bucket, value] of counts) vector[bucket] = value;
    const norm = Math.hypot(...vector);
    if (norm === 0) {
      vector[0] = 1; // empty text: any fixed unit vector (pgvector rejects cosine on zero vectors)
      return vector;
    }
    return vector.map((v) => v / norm);
  }
}

/** FNV-1a 32-bit hash of a string's UTF-16 code units. */
function fnv1a(input: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < input.length; i++) {
    hash ^= input.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * Turns text into a fixed-length vector for pgvector similarity search. The catalog stores
 * `model` next to each embedding so a model change can be detected and re-embedded.
 */
export interface Embedder {
  /** Model id stored in `embedding_model`, e.g. `dictamesh-hashing-v1`. */
  readonly model: string;
  /** Vector length; must match the `vector(N)` column (384). */
  readonly dimensions: number;
  /** One unit-length vector per text. */
  embed(texts: readonly string[]): Promise<number[][]>;
}

/** A vector as pgvector's text input: `[0.1,0.2,…]`. */
export function toPgVector(vector: readonly number[]): string {
  return `[${vector.join(',')}]`;
}

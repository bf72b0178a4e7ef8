import { describe, expect, it } from 'vitest';
import { HashingEmbedder } from './hashing-embedder';

const cosine = (a: number[], b: number[]) => a.reduce((sum, x, i) => sum + x * b[i]!, 0);

describe('HashingEmbedder', () => {
  const embedder = new HashingEmbedder();

  it('is deterministic and unit-length at 384 dimensions', async () => {
    const [a, b] = await embedder.embed(['The tent fly is torn', 'The tent fly is torn']);
    expect(a).toHaveLength(384);
    expect(a).toEqual(b);
    expect(cosine(a!, a!)).toBeCloseTo(1, 10);
  });

  it('ranks texts sharing words and word forms above unrelated ones', () => {
    const query = embedder.embedOne('torn tent');
    const related = embedder.embedOne('my tent fly arrived torn along a seam');
    const inflected = embedder.embedOne('tents tearing');
    const unrelated = embedder.embedOne('invoice payment overdue for March');
    expect(cosine(query, related)).toBeGreaterThan(cosine(query, unrelated) + 0.3);
    expect(cosine(query, inflected)).toBeGreaterThan(cosine(query, unrelated));
  });

  it('gives empty text a valid unit vector (pgvector rejects zero vectors for cosine)', () => {
    const v = embedder.embedOne('');
    expect(cosine(v, v)).toBeCloseTo(1, 10);
  });
});

import { describe, expect, it } from 'vitest';
import { inputRefusal } from './subgraph-data-source';

const body = (errors: unknown[]) => JSON.stringify({ errors });

describe('inputRefusal', () => {
  it("turns a subgraph's refusal of a value into the caller's 400 BAD_USER_INPUT", () => {
    const message = 'Variable "$f" got invalid value "2026-13-45T00:00:00Z" at "f.updatedSince"; Value is not a valid DateTime';
    for (const code of ['BAD_USER_INPUT', 'GRAPHQL_VALIDATION_FAILED']) {
      const error = inputRefusal(body([{ message, extensions: { code } }]));
      expect(error?.message).toBe(message);
      expect(error?.extensions).toEqual({ code: 'BAD_USER_INPUT', http: { status: 400 } });
    }
  });

  it('cuts a long message; anything else is not a refusal', () => {
    const long = inputRefusal(body([{ message: 'x'.repeat(900_000), extensions: { code: 'BAD_USER_INPUT' } }]));
    expect(long?.message).toMatch(/^x{500}… \(900000 characters\)$/);
    expect(inputRefusal(body([{ message: 'boom', extensions: { code: 'INTERNAL_SERVER_ERROR' } }]))).toBeNull();
    expect(inputRefusal('<html>Bad Request</html>')).toBeNull();
    expect(inputRefusal('null')).toBeNull();
  });
});

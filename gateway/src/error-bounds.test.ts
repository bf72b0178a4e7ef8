import { describe, expect, it } from 'vitest';
import { gatewayOver } from '../test/gateway-over';

// Issue 11, point 7: validation errors repeat what the caller sent; a 900 KB value must not come back whole.
describe('errors repeating a huge input at the gateway', () => {
  const huge = '9'.repeat(900_000);
  const probes = [
    { query: 'query ($n: Int) { entities(first: $n) { totalCount } }', variables: { n: huge } },
    { query: 'query ($f: EntityFilter) { entities(filter: $f) { totalCount } }', variables: { f: { [`k${huge}`]: 'x' } } },
  ];

  it('answers 400 with a bounded body (under 4 KB) that still names the problem', async () => {
    const gateway = await gatewayOver('http://127.0.0.1:9/graphql', { introspection: false });
    try {
      for (const payload of probes) {
        const response = await gateway.app.inject({ method: 'POST', url: '/graphql', payload });
        expect(response.statusCode).toBe(400);
        expect(response.body.length).toBeLessThan(4_096);
        const [error] = (response.json() as { errors: Array<{ message: string; extensions: { code: string } }> }).errors;
        expect(error?.extensions.code).toBe('BAD_USER_INPUT');
        expect(error?.message).toMatch(/^Variable "\$[nf]" got invalid value .*… \(\d+ characters\)$/);
      }
    } finally {
      await gateway.close();
    }
  });
});

import { describe, expect, it } from 'vitest';
import { gatewayOver } from '../../test/gateway-over';

// Issue 11, point 7: a NUL byte in `filter.source` reached PostgreSQL and came back as a 500.
describe('NUL characters in string inputs', () => {
  const probes = [
    {
      payload: { query: 'query ($f: EntityFilter) { entities(filter: $f) { totalCount } }', variables: { f: { source: 'a\u0000b' } } },
      names: { variable: 'f' },
    },
    {
      payload: { query: 'query ($u: ID!) { entity(urn: $u) { urn } }', variables: { u: 'dictamesh:a:b:\u0000' } },
      names: { variable: 'u' },
    },
    { payload: { query: '{ entities(filter: { source: "a\\u0000b" }) { totalCount } }' }, names: { argument: 'filter' } },
    { payload: { query: '{ entity(urn: "x\\u{0}") { urn } }' }, names: { argument: 'urn' } },
  ];

  it('refuses them with 400 BAD_USER_INPUT naming the variable or argument, before any subgraph is called', async () => {
    // the catalog URL answers nothing: a request that reached it would fail differently
    const gateway = await gatewayOver('http://127.0.0.1:9/graphql', { introspection: false });
    try {
      for (const { payload, names } of probes) {
        const response = await gateway.app.inject({ method: 'POST', url: '/graphql', payload });
        expect(response.statusCode, JSON.stringify(payload)).toBe(400);
        const [error] = (response.json() as { errors: Array<{ extensions: Record<string, unknown> }> }).errors;
        expect(error?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', ...names });
      }
      const clean = await gateway.app.inject({
        method: 'POST',
        url: '/graphql',
        payload: { query: '{ entities(filter: { source: "a\\\\u0000b" }) { totalCount } }' }, // an escaped backslash: no NUL
      });
      expect(clean.statusCode).not.toBe(400);
    } finally {
      await gateway.close();
    }
  });
});

import { describe, expect, it } from 'vitest';
import { createLogger } from '@dictamesh/runtime';
import { createGatewayService } from './service';
import { composeSupergraph, dictameshSubgraphs } from './supergraph';

describe('gateway service', () => {
  it('turns Apollo telemetry off unless the operator chose otherwise', async () => {
    delete process.env.APOLLO_TELEMETRY_DISABLED;
    const subgraphs = dictameshSubgraphs({ catalog: 'http://127.0.0.1:9/graphql', adapters: 'http://127.0.0.1:9/adapters/graphql' });
    const gateway = await createGatewayService({
      supergraphSdl: composeSupergraph(subgraphs),
      subgraphs,
      logger: createLogger('test', 'silent'),
      introspection: false,
      dependencies: {
        eventBus: async () => undefined,
        redis: () => Promise.reject(new Error('connect ECONNREFUSED')),
        stuck: () => new Promise(() => {}),
      },
    });
    try {
      expect(process.env.APOLLO_TELEMETRY_DISABLED).toBe('true');
      const response = await gateway.app.inject({
        method: 'POST',
        url: '/graphql',
        payload: { query: '{ __schema { queryType { name } } }' },
      });
      expect(response.json().errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED'); // introspection off
      const bad = await gateway.app.inject({
        method: 'POST',
        url: '/graphql',
        headers: { 'content-type': 'application/json' },
        payload: '{"query": ',
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toMatchObject({ errors: [{ extensions: { code: 'MALFORMED_JSON' } }] });
      const down = await gateway.app.inject({
        method: 'POST',
        url: '/graphql',
        payload: { query: '{ entity(urn: "dictamesh:x:y:1") { urn } }' },
      });
      expect(down.json().errors[0].message).not.toMatch(/ECONNREFUSED|127\.0\.0\.1/); // masked, logged
      const ready = await gateway.app.inject({ method: 'GET', url: '/readyz' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toMatchObject({
        status: 'unavailable',
        subgraphs: { catalog: expect.not.stringMatching(/^ok$/) },
        dependencies: { eventBus: 'ok', redis: 'connect ECONNREFUSED', stuck: 'no answer in 2000 ms' },
      });
    } finally {
      await gateway.close();
    }
  });
});

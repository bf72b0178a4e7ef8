import { describe, expect, it } from 'vitest';
import { InProcessEventBus } from '@dictamesh/events';
import { gatewayOver } from '../test/gateway-over';
import { withoutSuggestions } from './hide-suggestions';

describe('error messages without suggestions', () => {
  it('drops every "Did you mean …?" graphql-js appends, and leaves other messages as they are', () => {
    const format = withoutSuggestions((formatted) => formatted);
    const messages: Array<[string, string]> = [
      ['Cannot query field "urnn" on type "Entity". Did you mean "urn"?', 'Cannot query field "urnn" on type "Entity".'],
      [
        'Cannot query field "pauseAdaptr" on type "Mutation". Did you mean "pauseAdapter", "resumeAdapter", or "updateAdapter"?',
        'Cannot query field "pauseAdaptr" on type "Mutation".',
      ],
      [
        'Variable "$d" got invalid value "INCOMNG"; Value "INCOMNG" does not exist in "RelationshipDirection" enum. Did you mean the enum value "INCOMING"?',
        'Variable "$d" got invalid value "INCOMNG"; Value "INCOMNG" does not exist in "RelationshipDirection" enum.',
      ],
      ['Unexpected error.', 'Unexpected error.'],
    ];
    for (const [message, expected] of messages) expect(format({ message }, undefined).message).toBe(expected);
  });
});

describe('"Did you mean" at the gateway', () => {
  const probes = [
    { query: '{ entity(urn: "x") { urnn } }' },
    { query: 'mutation { pauseAdaptr(id: "x") { id } }' },
    { query: '{ entities(filter: { sourc: "x" }) { totalCount } }' },
    {
      query: 'query ($d: RelationshipDirection) { entity(urn: "x") { related(direction: $d) { urn } } }',
      variables: { d: 'INCOMNG' },
    },
  ];
  const answers = async (introspection: boolean) => {
    const gateway = await gatewayOver('http://127.0.0.1:9/graphql', { introspection });
    try {
      const messages: string[] = [];
      for (const payload of probes) {
        const response = await gateway.app.inject({ method: 'POST', url: '/graphql', payload });
        expect(response.statusCode).toBe(400);
        messages.push(...(response.json() as { errors: Array<{ message: string }> }).errors.map((e) => e.message));
      }
      return messages;
    } finally {
      await gateway.close();
    }
  };

  it('names no field, mutation, input field or enum value the caller did not send when introspection is off', async () => {
    const messages = await answers(false);
    expect(messages).toHaveLength(4);
    for (const message of messages) expect(message).not.toMatch(/Did you mean|"urn"|pauseAdapter|"source"|"INCOMING"/);
  });

  it('keeps the suggestions when introspection is on (development: the schema is public)', async () => {
    const messages = await answers(true);
    expect(messages.filter((m) => m.includes('Did you mean'))).toHaveLength(4);
  });
});

describe('"Did you mean" over the subscription transports', () => {
  it('is not in graphql-sse validation errors when introspection is off', async () => {
    const bus = new InProcessEventBus();
    const gateway = await gatewayOver('http://127.0.0.1:9/graphql', { subscriptions: { bus, appliedByGroup: 'catalog' } });
    try {
      const address = await gateway.app.listen({ host: '127.0.0.1', port: 0 });
      const response = await fetch(`${address}/graphql/stream`, {
        method: 'POST',
        headers: { accept: 'text/event-stream', 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'subscription { entityChangd { urn } }' }),
        signal: AbortSignal.timeout(10_000),
      });
      const body = await response.text();
      expect(body).toMatch(/Cannot query field/);
      expect(body).not.toMatch(/Did you mean|entityChanged/);
    } finally {
      await gateway.close();
      await bus.close();
    }
  });
});

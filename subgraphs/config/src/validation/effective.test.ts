import { describe, expect, it } from 'vitest';
import { nearestSchema, type SchemaMap } from './effective';

describe('effective schema', () => {
  const schemas: SchemaMap = new Map<string, unknown>([
    ['platform', { type: 'integer' }],
    ['platform/production', { type: 'integer', maximum: 100 }],
    ['org:acme/production', { type: 'integer', maximum: 50 }],
    ['org:acme/production/gateway/edge', null],
  ]);

  it('is the nearest schema on the inheritance chain, the scope itself first', () => {
    const scope = (orgId: string | null, environment = '', service = '', component = '') => ({ orgId, environment, service, component });
    expect(nearestSchema(schemas, scope('acme', 'production', 'gateway', 'edge'))).toEqual({ type: 'integer', maximum: 50 });
    expect(nearestSchema(schemas, scope('acme', 'production'))).toEqual({ type: 'integer', maximum: 50 });
    expect(nearestSchema(schemas, scope('acme', 'staging'))).toEqual({ type: 'integer' });
    // the platform's environment level applies to an organisation's environment below it
    expect(nearestSchema(schemas, scope('globex', 'production', 'gateway'))).toEqual({ type: 'integer', maximum: 100 });
    expect(nearestSchema(schemas, scope('globex'))).toEqual({ type: 'integer' });
    expect(nearestSchema(new Map(), scope(null, 'production'))).toBeNull();
  });
});

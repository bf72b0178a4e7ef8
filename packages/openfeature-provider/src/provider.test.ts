import { ErrorCode, OpenFeature, ProviderEvents } from '@openfeature/server-sdk';
import { afterAll, describe, expect, it } from 'vitest';
import { DictaMeshFlagProvider } from './provider';

const FLAGS = {
  'checkout.newFlow': {
    type: 'boolean',
    enabled: true,
    defaultValue: false,
    rules: [{ name: 'ten percent', rollout: 10, groupId: 'Feature.flexibleRollout.10' }],
  },
  'ui.theme': {
    type: 'string',
    enabled: true,
    defaultValue: 'light',
    rules: [{ constraints: [{ contextName: 'plan', operator: 'IN', values: ['pro'] }], value: 'dark' }],
  },
  'search.limit': { type: 'number', enabled: false, defaultValue: 20, offValue: 10, rules: [] },
  'banner.config': { type: 'object', enabled: true, defaultValue: { text: 'hi', ttl: 5 }, rules: [] },
  'broken.flag': { type: 'boolean', enabled: 'yes', defaultValue: false, rules: [] },
};

afterAll(() => OpenFeature.close());

describe('DictaMeshFlagProvider through the OpenFeature SDK', () => {
  it('evaluates the four types with reasons and metadata', async () => {
    await OpenFeature.setProviderAndWait('types', new DictaMeshFlagProvider({ flags: FLAGS }));
    const client = OpenFeature.getClient('types');
    expect(await client.getBooleanDetails('checkout.newFlow', false, { targetingKey: '174' })).toEqual({
      flagKey: 'checkout.newFlow',
      value: true,
      reason: 'SPLIT',
      flagMetadata: { version: 0, revision: '0', source: 'static' },
    });
    expect(await client.getBooleanValue('checkout.newFlow', true, { targetingKey: '499' })).toBe(false);
    expect(await client.getStringDetails('ui.theme', 'x', { targetingKey: 'u', plan: 'pro' })).toMatchObject({
      value: 'dark',
      reason: 'TARGETING_MATCH',
    });
    expect(await client.getStringDetails('ui.theme', 'x', { plan: 'free' })).toMatchObject({ value: 'light', reason: 'DEFAULT' });
    expect(await client.getNumberDetails('search.limit', 99)).toMatchObject({ value: 10, reason: 'DISABLED' });
    expect(await client.getObjectDetails('banner.config', {})).toMatchObject({ value: { text: 'hi', ttl: 5 }, reason: 'STATIC' });
  });

  it('answers the default with TYPE_MISMATCH for another type', async () => {
    await OpenFeature.setProviderAndWait('mismatch', new DictaMeshFlagProvider({ flags: FLAGS }));
    const details = await OpenFeature.getClient('mismatch').getBooleanDetails('ui.theme', true, { targetingKey: 'u', plan: 'pro' });
    expect(details).toEqual({
      flagKey: 'ui.theme',
      value: true,
      reason: 'ERROR',
      errorCode: ErrorCode.TYPE_MISMATCH,
      errorMessage: 'Flag ui.theme: flag is of type string, not boolean',
      flagMetadata: { version: 0, revision: '0', source: 'static' },
    });
    expect(await OpenFeature.getClient('mismatch').getNumberDetails('checkout.newFlow', 7)).toMatchObject({
      value: 7,
      reason: 'ERROR',
      errorCode: 'TYPE_MISMATCH',
    });
  });

  it('answers the default with FLAG_NOT_FOUND and PARSE_ERROR, never throwing', async () => {
    await OpenFeature.setProviderAndWait('errors', new DictaMeshFlagProvider({ flags: FLAGS }));
    const client = OpenFeature.getClient('errors');
    expect(await client.getStringDetails('no.such.flag', 'fallback')).toEqual({
      flagKey: 'no.such.flag',
      value: 'fallback',
      reason: 'ERROR',
      errorCode: ErrorCode.FLAG_NOT_FOUND,
      errorMessage: 'Flag no.such.flag not found',
      flagMetadata: {},
    });
    expect(await client.getBooleanDetails('broken.flag', true)).toMatchObject({
      value: true,
      reason: 'ERROR',
      errorCode: ErrorCode.PARSE_ERROR,
      errorMessage: 'Flag broken.flag has an invalid definition: /enabled type: must be boolean',
    });
  });

  it('emits ConfigurationChanged with the changed keys when flags are replaced', async () => {
    const provider = new DictaMeshFlagProvider({ flags: FLAGS });
    const seen: string[][] = [];
    provider.events.addHandler(ProviderEvents.ConfigurationChanged, (details) => {
      seen.push((details?.flagsChanged as string[] | undefined) ?? []);
    });
    provider.setFlags({ ...FLAGS, 'ui.theme': { ...FLAGS['ui.theme'], defaultValue: 'blue' } });
    provider.setFlags({ 'ui.theme': { ...FLAGS['ui.theme'], defaultValue: 'blue' } });
    expect(seen).toEqual([['ui.theme'], ['banner.config', 'broken.flag', 'checkout.newFlow', 'search.limit']]);
    expect(provider.flagKeys()).toEqual(['ui.theme']);
  });
});

/** A loopback stand-in of the gateway: answers the two queries from `state`, counting requests. */
function fakeGateway(state: {
  revision: string;
  flags: { key: string; definition: unknown; version: number; revision: string; source: { path: string } }[];
  down?: boolean;
}) {
  const requests: { query: string; variables: unknown; headers: Record<string, string> }[] = [];
  const impl = (async (_url: string | URL | Request, init?: RequestInit) => {
    const body = JSON.parse(String(init?.body)) as { query: string; variables: unknown };
    requests.push({ ...body, headers: init?.headers as Record<string, string> });
    if (state.down) return new Response('unavailable', { status: 503 });
    const data = body.query.includes('configChanges')
      ? { configChanges: { revision: state.revision } }
      : body.query.includes('registerConfigWatcher')
        ? { registerConfigWatcher: { id: 'w-1' } }
        : body.query.includes('heartbeatConfigWatcher')
          ? { heartbeatConfigWatcher: { id: 'w-1' } }
          : body.query.includes('unregisterConfigWatcher')
            ? { unregisterConfigWatcher: true }
            : { featureFlags: state.flags };
    return Response.json({ data });
  }) as typeof fetch;
  return { impl, requests };
}

describe('DictaMeshFlagProvider reading the gateway', () => {
  const flag = (version: number, defaultValue: boolean, revision: string) => ({
    key: 'checkout.newFlow',
    definition: { type: 'boolean', enabled: true, defaultValue, rules: [] },
    version,
    revision,
    source: { path: 'org:acme/production' },
  });

  it('fetches at initialize, refetches, reports changes, staleness and recovery', async () => {
    const state = { revision: '41', flags: [flag(3, false, '40')], down: false };
    const gateway = fakeGateway(state);
    const provider = new DictaMeshFlagProvider({
      url: 'http://gateway.invalid/graphql',
      headers: { authorization: 'Bearer t' },
      environment: 'production',
      subscribe: false,
      refreshIntervalMs: 0,
      watcher: false,
      fetch: gateway.impl,
    });
    const events: string[] = [];
    for (const type of [ProviderEvents.ConfigurationChanged, ProviderEvents.Stale, ProviderEvents.Ready])
      provider.events.addHandler(type, (details) => {
        events.push(`${type}${details?.flagsChanged ? ` ${(details.flagsChanged as string[]).join(',')}` : ''}`);
      });
    await OpenFeature.setProviderAndWait('gateway', provider);
    const client = OpenFeature.getClient('gateway');
    expect(provider.revision).toBe('41');
    expect(
      gateway.requests.map((r) => [r.query.includes('configChanges') ? 'revision' : 'flags', r.variables, r.headers.authorization]),
    ).toEqual([
      ['revision', {}, 'Bearer t'],
      ['flags', { environment: 'production' }, 'Bearer t'],
    ]);
    expect(await client.getBooleanDetails('checkout.newFlow', true)).toMatchObject({
      value: false,
      reason: 'STATIC',
      flagMetadata: { version: 3, revision: '40', source: 'org:acme/production' },
    });

    state.flags = [flag(4, true, '42')];
    state.revision = '42';
    await provider.refresh();
    expect(await client.getBooleanValue('checkout.newFlow', false)).toBe(true);
    expect(provider.revision).toBe('42');

    state.down = true;
    await expect(provider.refresh()).rejects.toThrow('DictaMesh config request failed: HTTP 503');
    expect(await client.getBooleanValue('checkout.newFlow', false)).toBe(true);
    state.down = false;
    state.flags = [];
    state.revision = '43';
    await provider.refresh();
    expect(await client.getBooleanDetails('checkout.newFlow', false)).toMatchObject({ value: false, errorCode: 'FLAG_NOT_FOUND' });
    expect(events).toEqual([
      `${ProviderEvents.ConfigurationChanged} checkout.newFlow`,
      `${ProviderEvents.ConfigurationChanged} checkout.newFlow`,
      ProviderEvents.Stale,
      `${ProviderEvents.ConfigurationChanged} checkout.newFlow`,
      ProviderEvents.Ready,
    ]);
  });

  it('folds refreshes asked while one runs into one more fetch', async () => {
    const state = { revision: '1', flags: [flag(1, false, '1')] };
    const gateway = fakeGateway(state);
    const provider = new DictaMeshFlagProvider({
      url: 'http://gateway.invalid/graphql',
      subscribe: false,
      refreshIntervalMs: 0,
      watcher: false,
      fetch: gateway.impl,
    });
    await provider.initialize();
    await Promise.all([provider.refresh(), provider.refresh(), provider.refresh()]);
    // initialize (2 requests), the first refresh (2) and one more for the two folded ones (2)
    expect(gateway.requests).toHaveLength(6);
  });

  it('fails initialize when the flags cannot be read', async () => {
    const gateway = fakeGateway({ revision: '1', flags: [], down: true });
    const provider = new DictaMeshFlagProvider({
      url: 'http://gateway.invalid/graphql',
      subscribe: false,
      refreshIntervalMs: 0,
      watcher: false,
      fetch: gateway.impl,
    });
    await expect(provider.initialize()).rejects.toThrow('HTTP 503');
    await expect(new DictaMeshFlagProvider({}).initialize()).rejects.toThrow('needs `url`');
  });

  it('registers as a config watcher, heartbeats with the revision after each refetch, unregisters on close', async () => {
    const state = { revision: '7', flags: [flag(1, false, '7')] };
    const gateway = fakeGateway(state);
    const provider = new DictaMeshFlagProvider({
      url: 'http://gateway.invalid/graphql',
      environment: 'production',
      service: 'search',
      subscribe: false,
      refreshIntervalMs: 10_000,
      watcher: { name: 'search-flags', instance: 'pod-1' },
      fetch: gateway.impl,
    });
    await provider.initialize();
    state.revision = '9';
    await provider.refresh();
    await provider.onClose();
    const mutations = gateway.requests.filter((r) => r.query.includes('Watcher')).map((r) => r.variables);
    expect(mutations).toEqual([
      {
        input: {
          name: 'search-flags',
          instance: 'pod-1',
          prefix: '',
          ttlSeconds: 30,
          scope: { environment: 'production', service: 'search' },
        },
      },
      { id: 'w-1', revision: '9' },
      { id: 'w-1' },
    ]);
  });
});

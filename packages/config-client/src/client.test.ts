import { afterEach, describe, expect, it } from 'vitest';
import { InProcessEventBus, TOPICS, toDictaMeshEvent, type ConfigChanged, type EventBus } from '@dictamesh/events';
import { createLogger, DictaMeshError } from '@dictamesh/runtime';
import { ConfigClient } from './client';
import type { ConfigExecute } from './executor';
import { DICTAMESH_SETTINGS, settingsOf } from './settings';
import { settingViolations } from './validate';

interface Stored {
  key: string;
  kind: 'VALUE' | 'SECRET' | 'FLAG';
  value: unknown;
}

/** A config subgraph in memory: resolvedConfig answers `values`; watchers only when `watchers` is on. */
function fakeConfigService() {
  const state = {
    reachable: true,
    watchers: true,
    revision: 1,
    values: [] as Stored[],
    reads: 0,
    calls: [] as { query: string; variables: Record<string, unknown> | undefined }[],
    registered: new Map<string, { input: unknown; heartbeats: (string | null)[] }>(),
  };
  const execute: ConfigExecute = async (query, variables) => {
    state.calls.push({ query, variables });
    if (!state.reachable) throw new Error('connect ECONNREFUSED 127.0.0.1:4005');
    if (query.includes('resolvedConfig(')) {
      state.reads += 1;
      return { data: { resolvedConfig: { revision: String(state.revision), values: state.values } } };
    }
    if (!state.watchers) {
      return { errors: [{ message: 'Cannot query field on type "Mutation".', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }] };
    }
    if (query.includes('unregisterConfigWatcher('))
      return { data: { unregisterConfigWatcher: state.registered.delete(String(variables?.id)) } };
    if (query.includes(' registerConfigWatcher(')) {
      const id = `w${state.registered.size + 1}`;
      state.registered.set(id, { input: variables?.input, heartbeats: [] });
      return { data: { registerConfigWatcher: { id } } };
    }
    if (query.includes('heartbeatConfigWatcher(')) {
      const watcher = state.registered.get(String(variables?.id));
      if (!watcher) return { data: null, errors: [{ message: 'unknown', extensions: { code: 'CONFIG_WATCHER_UNKNOWN' } }] };
      watcher.heartbeats.push((variables?.revision as string | null) ?? null);
      return { data: { heartbeatConfigWatcher: { id: variables?.id } } };
    }
    throw new Error(`unexpected operation ${query}`);
  };
  return { state, execute };
}

function capturingLogger() {
  const lines: { level: number; msg: string; key?: string; violations?: string[] }[] = [];
  const log = createLogger('test', 'debug', { write: (line: string) => void lines.push(JSON.parse(line) as (typeof lines)[number]) });
  return { log, lines, warnings: () => lines.filter((l) => l.level === 40).map((l) => l.msg) };
}

const GATEWAY_DEFAULTS = {
  'rateLimit.requests': 6_000,
  'rateLimit.windowSeconds': 60,
  'demandControl.maxDepth': 15,
  'demandControl.mode': 'enforce',
};

const clients: ConfigClient[] = [];
const buses: EventBus[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.stop()));
  await Promise.all(buses.splice(0).map((b) => b.close()));
});

function client(execute: ConfigExecute, log = capturingLogger().log, bus?: EventBus) {
  const c = new ConfigClient({
    execute,
    environment: 'production',
    service: 'gateway',
    defaults: GATEWAY_DEFAULTS,
    log,
    refreshIntervalMs: 0,
    instance: 'test-1',
    now: () => new Date('2030-01-01T00:00:00.000Z'),
    ...(bus ? { bus } : {}),
  });
  clients.push(c);
  return c;
}

function change(key: string, revision: number, scope: Partial<ConfigChanged['scope']> = {}): ConfigChanged {
  return {
    revision: String(revision),
    operation: 'SET',
    kind: 'VALUE',
    key,
    scope: { orgId: null, environment: 'production', service: 'gateway', component: '', ...scope },
    version: 1,
    value: 1,
    redacted: false,
    author: 'ops',
    occurredAt: '2030-01-01T00:00:00.000Z',
  };
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((r) => setImmediate(r));
  expect(condition()).toBe(true);
}

describe('DICTAMESH_SETTINGS', () => {
  it('lists each key once per service, every schema compiling, with the settings of the issue', () => {
    const ids = DICTAMESH_SETTINGS.map((s) => `${s.service}/${s.key}`);
    expect(new Set(ids).size).toBe(ids.length);
    expect(settingsOf('gateway').map((s) => s.key)).toEqual([
      'rateLimit.requests',
      'rateLimit.cost',
      'rateLimit.orgRequests',
      'rateLimit.orgCost',
      'rateLimit.windowSeconds',
      'demandControl.maxCost',
      'demandControl.maxDepth',
      'demandControl.maxAliases',
      'demandControl.maxRootFields',
      'demandControl.maxSelections',
      'demandControl.maxTokens',
      'demandControl.defaultListSize',
      'demandControl.mode',
    ]);
    expect(settingsOf('adapters').map((s) => [s.key, s.env])).toEqual([
      ['sync.intervalMs', 'ADAPTER_SYNC_INTERVAL_MS'],
      ['health.intervalMs', 'ADAPTER_HEALTH_INTERVAL_MS'],
    ]);
    const [channels] = settingsOf('notifications');
    expect(settingViolations(channels!, { email: { enabled: true, fromAddress: 'ops@example.com' }, slack: { enabled: false } })).toEqual(
      [],
    );
    expect(settingViolations(channels!, { email: { enabled: 'yes', fromAddress: 'nope' } })).toEqual([
      '/email/enabled must be boolean',
      '/email/fromAddress must match format "email"',
    ]);
    const depth = settingsOf('gateway').find((s) => s.key === 'demandControl.maxDepth')!;
    expect(settingViolations(depth, 0)).toEqual(['/ must be >= 1']);
    expect(settingViolations(depth, 2.5)).toEqual(['/ must be integer']);
  });
});

describe('ConfigClient', () => {
  it('keeps the defaults while the config service is unreachable, then applies its values on the next refresh', async () => {
    const { state, execute } = fakeConfigService();
    const logger = capturingLogger();
    state.reachable = false;
    const c = client(execute, logger.log);
    const seen: Record<string, unknown>[] = [];
    c.onChange('rateLimit.', (values) => void seen.push(values));
    expect(await c.start()).toBe(false);
    expect(c.get('rateLimit.requests')).toBe(6_000);
    expect(c.sourceOf('rateLimit.requests')).toBe('default');
    expect(c.status()).toEqual({ connected: false, revision: null, lastReadAt: null, watcherId: null });
    expect(logger.warnings()).toEqual(['config service unreachable: using the defaults']);
    expect(seen).toEqual([]);

    state.reachable = true;
    state.revision = 7;
    state.values = [
      { key: 'rateLimit.requests', kind: 'VALUE', value: 5 },
      { key: 'unrelated.key', kind: 'VALUE', value: 'x' },
    ];
    expect(await c.refresh()).toBe(true);
    expect(c.get('rateLimit.requests')).toBe(5);
    expect(c.sourceOf('rateLimit.requests')).toBe('config');
    expect(seen).toEqual([{ 'rateLimit.requests': 5, 'rateLimit.windowSeconds': 60 }]);
    expect(c.status().revision).toBe('7');
    expect(c.status().lastReadAt).toEqual(new Date('2030-01-01T00:00:00.000Z'));
    expect(state.calls[1]!.variables).toEqual({ environment: 'production', service: 'gateway' });

    // unreachable again: the values last read hold
    state.reachable = false;
    expect(await c.refresh()).toBe(false);
    expect(c.get('rateLimit.requests')).toBe(5);
    expect(logger.warnings().at(-1)).toBe('config service unreachable: keeping the settings last read');
  });

  it('ignores a value that breaks the setting schema with a warning, and falls back to the default on delete', async () => {
    const { state, execute } = fakeConfigService();
    const logger = capturingLogger();
    const c = client(execute, logger.log);
    const seen: Record<string, unknown>[] = [];
    c.onChange(['demandControl.maxDepth'], (values) => void seen.push(values));
    state.values = [
      { key: 'demandControl.maxDepth', kind: 'VALUE', value: 3 },
      { key: 'demandControl.mode', kind: 'VALUE', value: 'panic' },
    ];
    await c.start();
    expect(c.get('demandControl.maxDepth')).toBe(3);
    expect(c.get('demandControl.mode')).toBe('enforce');
    expect(c.sourceOf('demandControl.mode')).toBe('default');
    const warning = logger.lines.find((l) => l.level === 40)!;
    expect(warning).toMatchObject({
      msg: 'setting ignored: its value breaks the setting schema (default kept)',
      key: 'demandControl.mode',
      violations: ['/ must be equal to one of the allowed values'],
    });
    state.values = [];
    await c.refresh();
    expect(c.get('demandControl.maxDepth')).toBe(15);
    expect(seen).toEqual([{ 'demandControl.maxDepth': 3 }, { 'demandControl.maxDepth': 15 }]);
    expect(() => c.get('nope')).toThrow(DictaMeshError);
    expect(() => c.get('nope')).toThrow(/"nope" is not a gateway setting/);
  });

  it('re-reads at once on a matching dictamesh.config.changed, and not on other scopes, keys or old revisions', async () => {
    const bus = new InProcessEventBus({ partitions: 1 });
    buses.push(bus);
    const { state, execute } = fakeConfigService();
    state.revision = 3;
    const c = client(execute, undefined, bus);
    await c.start();
    expect(state.reads).toBe(1);
    const publish = (data: ConfigChanged) =>
      bus.publish(TOPICS.configChanged, [
        {
          key: data.scope.orgId ?? 'platform',
          event: toDictaMeshEvent(TOPICS.configChanged, data, { id: `config-rev-${data.revision}`, source: '/test' }),
        },
      ]);
    // ignored: another service, an organisation's scope, another environment, a key that is no setting, an old revision
    await publish(change('rateLimit.requests', 4, { service: 'adapters' }));
    await publish(change('rateLimit.requests', 5, { orgId: 'acme' }));
    await publish(change('rateLimit.requests', 6, { environment: 'staging' }));
    await publish(change('something.else', 7));
    await publish(change('rateLimit.requests', 2));
    state.revision = 8;
    state.values = [{ key: 'rateLimit.requests', kind: 'VALUE', value: 10 }];
    // the platform-wide (environment '') value reaches every environment
    await publish(change('rateLimit.requests', 8, { environment: '', service: '' }));
    await until(() => c.get('rateLimit.requests') === 10);
    expect(state.reads).toBe(2);
    expect(c.status().revision).toBe('8');
    expect(c.consumerGroup).toBe('dictamesh-config-client-gateway-test-1');
  });

  it('registers as a watcher and heartbeats with its revision; unregisters on stop', async () => {
    const { state, execute } = fakeConfigService();
    state.revision = 12;
    const c = client(execute);
    await c.start();
    expect(c.status().watcherId).toBe('w1');
    expect(state.registered.get('w1')).toEqual({
      input: {
        name: 'dictamesh-gateway',
        instance: 'test-1',
        scope: { platform: true, environment: 'production', service: 'gateway' },
        ttlSeconds: 10,
      },
      heartbeats: ['12'],
    });
    // a watcher the config service forgot is registered again
    state.registered.clear();
    state.revision = 13;
    await (c as unknown as { tick(): Promise<boolean> }).tick();
    expect(c.status().watcherId).toBe('w1');
    expect(state.registered.get('w1')?.heartbeats).toEqual(['13']);
    await c.stop();
    expect([...state.registered.keys()]).toEqual([]);
  });

  it('runs without watchers when the config service has none', async () => {
    const { state, execute } = fakeConfigService();
    state.watchers = false;
    state.values = [{ key: 'rateLimit.requests', kind: 'VALUE', value: 9 }];
    const c = client(execute);
    expect(await c.start()).toBe(true);
    expect(c.get('rateLimit.requests')).toBe(9);
    expect(c.status().watcherId).toBeNull();
  });
});

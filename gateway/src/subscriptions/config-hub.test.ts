import { afterEach, describe, expect, it } from 'vitest';
import { InProcessEventBus, toDictaMeshEvent, TOPICS, type ConfigChanged } from '@dictamesh/events';
import { createLogger } from '@dictamesh/runtime';
import { ConfigChangeHub, noticeOf, scopeView, type ConfigChangeNotice } from './config-hub';

const change = (revision: number, orgId: string | null, key: string, extra: Partial<ConfigChanged> = {}): ConfigChanged => ({
  revision: String(revision),
  operation: 'SET',
  kind: 'VALUE',
  key,
  scope: { orgId, environment: '', service: '', component: '' },
  version: 1,
  hasValue: true,
  value: revision,
  redacted: false,
  author: 'ops',
  occurredAt: '2026-12-01T00:00:00.000Z',
  ...extra,
});
const publish = (bus: InProcessEventBus, changes: ConfigChanged[]) =>
  bus.publish(
    TOPICS.configChanged,
    changes.map((c) => ({
      key: c.scope.orgId ?? 'platform',
      event: toDictaMeshEvent(TOPICS.configChanged, c, { source: 'dictamesh:config', id: `config-rev-${c.revision}` }),
    })),
  );

let bus: InProcessEventBus | undefined;
let hub: ConfigChangeHub | undefined;
afterEach(async () => {
  await hub?.stop();
  await bus?.close();
});

describe('config change hub', () => {
  it('shows scopes as the config subgraph does', () => {
    expect(scopeView({ orgId: null, environment: '', service: '', component: '' })).toEqual({
      level: 'PLATFORM',
      organizationId: null,
      environment: null,
      service: null,
      component: null,
      path: 'platform',
    });
    expect(scopeView({ orgId: 'acme', environment: 'production', service: 'gateway', component: '' })).toMatchObject({
      level: 'SERVICE',
      path: 'org:acme/production/gateway',
    });
    expect(noticeOf(change(3, 'acme', 'db.password', { kind: 'SECRET', value: 'leak?', redacted: true }))).toMatchObject({
      type: 'SET',
      value: null,
      redacted: true,
    });
  });

  it('pushes each change to the listeners whose watch it reaches: own organisation and platform, scope chain, prefix', async () => {
    bus = new InProcessEventBus({ partitions: 1 });
    hub = new ConfigChangeHub({ bus, log: createLogger('test', 'silent'), groupId: 'gw' });
    await hub.start();
    const seen: Record<string, string[]> = { acme: [], acmeProd: [], globex: [], platform: [] };
    const record = (name: string) => (n: ConfigChangeNotice) => void seen[name]!.push(n.revision);
    const stopAcme = hub.listen({ orgId: 'acme', platform: false }, record('acme'));
    hub.listen({ orgId: 'acme', platform: false, environment: 'production', prefix: 'rate' }, record('acmeProd'));
    hub.listen({ orgId: 'globex', platform: false }, record('globex'));
    hub.listen({ orgId: null, platform: true }, record('platform'));
    expect(hub.size).toBe(4);
    await publish(bus, [
      change(1, 'acme', 'rateLimit'),
      change(2, 'globex', 'rateLimit'),
      change(3, null, 'rateLimit'),
      change(4, 'acme', 'rateLimit', { scope: { orgId: 'acme', environment: 'staging', service: '', component: '' } }),
      change(5, 'acme', 'other'),
    ]);
    await expect.poll(() => Object.values(seen).flat().length, { timeout: 5_000 }).toBe(9);
    expect(seen).toEqual({ acme: ['1', '3', '4', '5'], acmeProd: ['1', '3'], globex: ['2', '3'], platform: ['3'] });
    stopAcme();
    expect(hub.size).toBe(3);
  });
});

import { describe, expect, it } from 'vitest';
import { decide, isEnabled, type SubscriberFacts } from './decide';

const now = new Date('2026-06-10T21:30:00Z'); // 23:30 in Paris
const normal = { key: 'adapter.unhealthy', critical: false };
const critical = { key: 'billing.payment.failed', critical: true };
const base: SubscriberFacts = {
  timezone: 'Europe/Paris',
  quietHoursStart: null,
  quietHoursEnd: null,
  addresses: [
    { channel: 'EMAIL', address: 'ann@acme.test' },
    { channel: 'EMAIL', address: 'ops@acme.test' },
    { channel: 'SMS', address: '+33612345678' },
  ],
  preferences: [],
};

describe('isEnabled', () => {
  it('lets the most specific preference win: type+channel > type > channel > global, default enabled', () => {
    const rows = [
      { typeKey: null, channel: null, enabled: false },
      { typeKey: null, channel: 'EMAIL' as const, enabled: true },
      { typeKey: 't', channel: null, enabled: false },
      { typeKey: 't', channel: 'SMS' as const, enabled: true },
    ];
    expect(isEnabled(rows, 't', 'SMS')).toBe(true);
    expect(isEnabled(rows, 't', 'EMAIL')).toBe(false);
    expect(isEnabled(rows, 'u', 'EMAIL')).toBe(true);
    expect(isEnabled(rows, 'u', 'PUSH')).toBe(false);
    expect(isEnabled([], 'u', 'PUSH')).toBe(true);
  });
});

describe('decide', () => {
  it('sends with the subscriber’s addresses, IN_APP without one, and suppresses channels without an address', () => {
    expect(decide(base, { type: normal, channels: ['IN_APP', 'EMAIL', 'SMS', 'PUSH'], now })).toEqual([
      { channel: 'IN_APP', action: 'SEND', addresses: [] },
      { channel: 'EMAIL', action: 'SEND', addresses: ['ann@acme.test', 'ops@acme.test'] },
      { channel: 'SMS', action: 'SEND', addresses: ['+33612345678'] },
      { channel: 'PUSH', action: 'SUPPRESS', reason: 'NO_ADDRESS', addresses: [] },
    ]);
  });

  it('mutes by preference, defers to the end of quiet hours and sets the digest window except on IN_APP', () => {
    const subscriber: SubscriberFacts = {
      ...base,
      quietHoursStart: '22:00',
      quietHoursEnd: '07:00',
      preferences: [{ typeKey: 'adapter.unhealthy', channel: 'SMS', enabled: false }],
      digestWindowSeconds: 3600,
    };
    const notBefore = new Date('2026-06-11T05:00:00.000Z');
    expect(decide(subscriber, { type: normal, channels: ['IN_APP', 'EMAIL', 'SMS'], now })).toEqual([
      { channel: 'IN_APP', action: 'SEND', addresses: [], notBefore },
      { channel: 'EMAIL', action: 'SEND', addresses: ['ann@acme.test', 'ops@acme.test'], notBefore, digestWindowSeconds: 3600 },
      { channel: 'SMS', action: 'SUPPRESS', reason: 'MUTED', addresses: ['+33612345678'] },
    ]);
    // outside quiet hours: no notBefore
    expect(decide(subscriber, { type: normal, channels: ['EMAIL'], now: new Date('2026-06-10T10:00:00Z') })).toEqual([
      { channel: 'EMAIL', action: 'SEND', addresses: ['ann@acme.test', 'ops@acme.test'], digestWindowSeconds: 3600 },
    ]);
  });

  it('always sends critical types: no mute, no quiet hours, no digest (an address is still needed)', () => {
    const subscriber: SubscriberFacts = {
      ...base,
      quietHoursStart: '22:00',
      quietHoursEnd: '07:00',
      preferences: [{ typeKey: null, channel: null, enabled: false }],
      digestWindowSeconds: 3600,
    };
    expect(decide(subscriber, { type: critical, channels: ['EMAIL', 'IN_APP', 'PUSH'], now })).toEqual([
      { channel: 'EMAIL', action: 'SEND', addresses: ['ann@acme.test', 'ops@acme.test'] },
      { channel: 'IN_APP', action: 'SEND', addresses: [] },
      { channel: 'PUSH', action: 'SUPPRESS', reason: 'NO_ADDRESS', addresses: [] },
    ]);
    expect(decide(subscriber, { type: normal, channels: ['EMAIL', 'IN_APP'], now })).toEqual([
      { channel: 'EMAIL', action: 'SUPPRESS', reason: 'MUTED', addresses: ['ann@acme.test', 'ops@acme.test'] },
      { channel: 'IN_APP', action: 'SUPPRESS', reason: 'MUTED', addresses: [] },
    ]);
  });
});

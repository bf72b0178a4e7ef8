import { describe, expect, it } from 'vitest';
import { channelSettings, disabledChannels } from './own-settings';

describe('notifications.channels', () => {
  it('switches off exactly the channels whose entry says enabled: false (IN_APP as in-app or in_app)', () => {
    expect(
      disabledChannels({
        email: { enabled: false, fromAddress: 'ops@example.com' },
        sms: { enabled: true },
        'in-app': { enabled: false },
        pagerduty: { enabled: false },
        fax: { enabled: false },
      }),
    ).toEqual(['EMAIL', 'IN_APP', 'PAGERDUTY']);
    expect(disabledChannels({ in_app: { enabled: false }, webhook: { enabled: 'false' } })).toEqual(['IN_APP']);
  });

  it('switches nothing off without a value or with one of another shape', () => {
    expect(disabledChannels({})).toEqual([]);
    expect(disabledChannels(null)).toEqual([]);
    expect(disabledChannels('email')).toEqual([]);
    expect(disabledChannels({ email: null, slack: false })).toEqual([]);
  });

  it("hands each channel its own entry (EMAIL's fromAddress), ignoring other names and shapes", () => {
    expect(
      channelSettings({ email: { enabled: true, fromAddress: 'ops@example.com' }, in_app: { enabled: false }, fax: {}, slack: false }),
    ).toEqual({ EMAIL: { enabled: true, fromAddress: 'ops@example.com' }, IN_APP: { enabled: false } });
    expect(channelSettings(undefined)).toEqual({});
  });
});

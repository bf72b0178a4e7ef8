import { describe, expect, it } from 'vitest';
import { audienceRequests, type Audience } from './audience';

const base = { orgId: 'acme', typeKey: 'adapter.unhealthy', variables: { adapterId: 'a' }, source: { eventId: 'e1', type: 't' } };
const email = { kind: 'address' as const, channel: 'EMAIL' as const, address: 'ap@acme.example' };
const audience = (over: Partial<Audience>): Audience => ({
  subscriberIds: [],
  addresses: [],
  personalChannels: ['IN_APP', 'EMAIL'],
  endpointChannels: [],
  ...over,
});
const subs = (n: number) => Array.from({ length: n }, (_, i) => `s${i}`);

describe('audienceRequests', () => {
  it('asks nothing when nobody is told', () => {
    expect(audienceRequests(audience({}), base, 100)).toEqual([]);
    // subscribers but no channel of theirs available, no address, no endpoint
    expect(audienceRequests(audience({ subscriberIds: ['s1'], personalChannels: [] }), base, 100)).toEqual([]);
  });

  it('puts the addresses and the endpoint channels in the first request only, subscribers in chunks', () => {
    const requests = audienceRequests(audience({ subscriberIds: subs(5), addresses: [email], endpointChannels: ['WEBHOOK'] }), base, 2);
    expect(requests.map((r) => [r.recipients.map((x) => (x.kind === 'address' ? x.address : x.subscriberId)), r.channels])).toEqual([
      [
        ['ap@acme.example', 's0'],
        ['IN_APP', 'EMAIL', 'WEBHOOK'],
      ],
      [
        ['s1', 's2'],
        ['IN_APP', 'EMAIL'],
      ],
      [
        ['s3', 's4'],
        ['IN_APP', 'EMAIL'],
      ],
    ]);
    expect(requests[0]).toMatchObject(base);
  });

  it('tells the endpoints alone when they are all there is', () => {
    expect(audienceRequests(audience({ endpointChannels: ['SLACK'] }), base, 100)).toEqual([
      { ...base, recipients: [], channels: ['IN_APP', 'EMAIL', 'SLACK'] },
    ]);
  });
});

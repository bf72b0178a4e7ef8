import { describe, expect, it } from 'vitest';
import { AddressGuard, assertPublicAddress, isPublicAddress } from './address-policy';
import { AddressForbiddenError, isAddressForbidden } from './forbidden';

const NOT_PUBLIC = {
  loopback: ['127.0.0.1', '127.1.2.3', '::1'],
  'private (RFC 1918)': ['10.1.2.3', '172.16.0.1', '172.31.255.254', '192.168.1.1'],
  'unique local (fc00::/7)': ['fc00::1', 'fd12:3456::1'],
  'link-local (cloud metadata)': ['169.254.169.254', '169.254.0.1', 'fe80::1'],
  unspecified: ['0.0.0.0', '0.1.2.3', '::'],
  'carrier-grade NAT': ['100.64.0.1', '100.127.255.254'],
  'multicast, broadcast, reserved, benchmarking': ['224.0.0.1', 'ff02::1', '255.255.255.255', '240.0.0.1', '198.18.0.1', '192.0.2.1'],
  'IPv4 inside IPv6 (mapped, NAT64, 6to4)': [
    '::ffff:127.0.0.1',
    '::ffff:169.254.169.254',
    '::ffff:10.0.0.1',
    '64:ff9b::7f00:1',
    '2002:7f00:1::1',
  ],
  'not an address': ['localhost', '', '127.0.0.1:80', '[::1]'],
};
const PUBLIC = ['8.8.8.8', '1.1.1.1', '93.184.216.34', '2606:4700:4700::1111', '::ffff:8.8.8.8'];

describe('isPublicAddress', () => {
  for (const [kind, addresses] of Object.entries(NOT_PUBLIC)) {
    it(`refuses ${kind}`, () => {
      for (const address of addresses) expect(isPublicAddress(address), address).toBe(false);
    });
  }
  it('accepts public unicast addresses', () => {
    for (const address of PUBLIC) expect(isPublicAddress(address), address).toBe(true);
  });
});

describe('AddressGuard', () => {
  it('allows what the operator listed: CIDR ranges and single addresses whatever the name, host names whatever their address', () => {
    const guard = new AddressGuard({ allowedHosts: ['10.0.0.0/8', 'fd00::/8', '192.168.1.20', 'CRM.internal.'] });
    expect(guard.permits('10.1.2.3', '10.1.2.3')).toBe(true);
    expect(guard.permits('db.corp', '10.200.0.1')).toBe(true);
    expect(guard.permits('fd00::5', 'fd00::5')).toBe(true);
    expect(guard.permits('192.168.1.20', '192.168.1.20')).toBe(true);
    expect(guard.permits('192.168.1.21', '192.168.1.21')).toBe(false);
    expect(guard.permits('crm.internal', '127.0.0.1')).toBe(true);
    expect(guard.permits('other.internal', '127.0.0.1')).toBe(false);
    expect(guard.permits('metadata', '169.254.169.254')).toBe(false);
  });

  it('allows everything in development mode (allowPrivateNetworks)', () => {
    expect(new AddressGuard({ allowPrivateNetworks: true }).permits('localhost', '127.0.0.1')).toBe(true);
  });

  it('refuses an allow-list entry that is neither a host name nor an address range', () => {
    expect(() => new AddressGuard({ allowedHosts: ['http://x/'] })).toThrow(/neither a host name nor an IP address or CIDR/);
    expect(() => new AddressGuard({ allowedHosts: ['10.0.0.0/33'] })).toThrow();
  });

  it('resolves a name to the allowed addresses only, and refuses a name with none (the error names the host, not the address)', async () => {
    const resolve = async (name: string) =>
      name === 'mixed.example'
        ? [
            { address: '127.0.0.1', family: 4 as const },
            { address: '93.184.216.34', family: 4 as const },
          ]
        : [{ address: '10.0.0.7', family: 4 as const }];
    const guard = new AddressGuard({ resolve });
    expect(await guard.resolve('mixed.example')).toEqual([{ address: '93.184.216.34', family: 4 }]);
    const refused = await guard.resolve('intranet.example').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AddressForbiddenError);
    expect(refused).toMatchObject({ host: 'intranet.example' });
    expect(isAddressForbidden(refused)).toBe(true);
    expect((refused as Error).message).not.toContain('10.0.0.7');
  });

  it('refuses with the error the policy builds (each caller keeps its own code)', async () => {
    class Refused extends Error {
      constructor(readonly where: string) {
        super(`no: ${where}`);
      }
    }
    const guard = new AddressGuard({ resolve: async () => [{ address: '10.0.0.7', family: 4 }], forbidden: (host) => new Refused(host) });
    const refused = await guard.resolve('intranet.example').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(Refused);
    expect(refused).toMatchObject({ where: 'intranet.example' });
    expect(isAddressForbidden(refused)).toBe(true);
    expect(isAddressForbidden(new Refused('x'))).toBe(false);
    expect(() => assertPublicAddress('127.0.0.1', 'localhost', guard)).toThrow(Refused);
  });

  it('check(): a literal as it is, a name only when every address it resolves to is allowed', async () => {
    const answers: Record<string, string[]> = {
      'public.example': ['93.184.216.34', '2606:4700:4700::1111'],
      'mixed.example': ['93.184.216.34', '10.0.0.7'],
      'none.example': [],
    };
    const guard = new AddressGuard({
      resolve: async (name) =>
        (answers[name] ?? []).map((address) => ({ address, family: address.includes(':') ? (6 as const) : (4 as const) })),
    });
    const outcome = (host: string) =>
      guard.check(host).then(
        () => 'ok',
        (e: unknown) => (e instanceof AddressForbiddenError ? `refused ${e.host}` : 'other'),
      );
    expect(await outcome('public.example')).toBe('ok');
    expect(await outcome('93.184.216.34')).toBe('ok');
    expect(await outcome('[2606:4700:4700::1111]')).toBe('ok');
    expect(await outcome('mixed.example')).toBe('refused mixed.example');
    expect(await outcome('none.example')).toBe('refused none.example');
    expect(await outcome('127.0.0.1')).toBe('refused 127.0.0.1');
    expect(await outcome('[::1]')).toBe('refused [::1]');
    expect(await new AddressGuard({ allowPrivateNetworks: true }).check('127.0.0.1')).toBeUndefined();
    expect(await new AddressGuard({ allowedHosts: ['hooks.internal'] }).check('hooks.internal')).toBeUndefined();
  });
});

describe('assertPublicAddress', () => {
  it('throws for a non-public address unless the policy allows it', () => {
    expect(() => assertPublicAddress('169.254.169.254', 'metadata.example')).toThrow(AddressForbiddenError);
    expect(() => assertPublicAddress('8.8.8.8')).not.toThrow();
    expect(() => assertPublicAddress('10.0.0.1', '10.0.0.1', { allowedHosts: ['10.0.0.0/24'] })).not.toThrow();
  });
});

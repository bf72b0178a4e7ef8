import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { SourceAddressForbiddenError } from '../errors';
import { AddressGuard, assertPublicAddress } from './address-policy';
import { guardedFetch } from './guarded-agent';

// The address rules themselves are @dictamesh/net-guard's (tested there); what the SDK adds is
// adapters' refusal: SOURCE_ADDRESS_FORBIDDEN, naming the host and never the address.
describe("the adapter SDK's outbound guard", () => {
  it('refuses a name resolving to private addresses with SOURCE_ADDRESS_FORBIDDEN, naming the host only', async () => {
    const guard = new AddressGuard({ resolve: async () => [{ address: '10.0.0.7', family: 4 }] });
    const refused = await guard.resolve('intranet.example').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SourceAddressForbiddenError);
    expect(refused).toMatchObject({
      code: 'SOURCE_ADDRESS_FORBIDDEN',
      status: 403,
      retryable: false,
      details: { host: 'intranet.example' },
    });
    expect((refused as Error).message).not.toContain('10.0.0.7');
  });

  it('assertPublicAddress throws SourceAddressForbiddenError unless the policy allows the address', () => {
    expect(() => assertPublicAddress('169.254.169.254', 'metadata.example')).toThrow(SourceAddressForbiddenError);
    expect(() => assertPublicAddress('8.8.8.8')).not.toThrow();
    expect(() => assertPublicAddress('10.0.0.1', '10.0.0.1', { allowedHosts: ['10.0.0.0/24'] })).not.toThrow();
  });

  it('guardedFetch rejects a loopback URL with SourceAddressForbiddenError before connecting, and reaches it when development allows it', async () => {
    let connections = 0;
    const server = createServer((_req, res) => res.end('internal')).on('connection', () => void connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      await expect(guardedFetch({})(url)).rejects.toBeInstanceOf(SourceAddressForbiddenError);
      expect(connections).toBe(0);
      expect(await (await guardedFetch({ allowPrivateNetworks: true })(url)).text()).toBe('internal');
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

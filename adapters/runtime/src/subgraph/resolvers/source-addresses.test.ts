import { describe, expect, it } from 'vitest';
import { withoutSourceAddresses } from './source-addresses';

describe('withoutSourceAddresses', () => {
  it('removes URLs, IP addresses with or without a port, and hosts named in the configuration', () => {
    const config = { baseUrl: 'https://billing.internal.example:8443/api', accountId: 12, nested: { host: 'db-primary' } };
    expect(withoutSourceAddresses('GET https://billing.internal.example:8443/api/v1/accounts/12 failed: 500', config)).toBe(
      'GET <url> failed: 500',
    );
    expect(withoutSourceAddresses('getaddrinfo ENOTFOUND billing.internal.example', config)).toBe('getaddrinfo ENOTFOUND <host>');
    expect(withoutSourceAddresses('connect ECONNREFUSED 10.0.3.7:8443', config)).toBe('connect ECONNREFUSED <host>');
    expect(withoutSourceAddresses('connect ECONNREFUSED ::1:5432; also [fe80::1]:80 and 169.254.169.254.', config)).toBe(
      'connect ECONNREFUSED <host>; also <host> and <host>.',
    );
    expect(withoutSourceAddresses('could not connect to db-primary:5432 (timeout)', config)).toBe('could not connect to <host> (timeout)');
  });

  it('keeps the rest of the message: times, versions, words that merely contain a host', () => {
    const config = { host: 'db' };
    expect(withoutSourceAddresses('timeout after 10:30 (v1.2.3), dbname is wrong, code 08006', config)).toBe(
      'timeout after 10:30 (v1.2.3), dbname is wrong, code 08006',
    );
  });
});

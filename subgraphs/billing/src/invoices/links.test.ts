import { describe, expect, it } from 'vitest';
import { InvoiceLinks, LINK_TTL_SECONDS } from './links';

const key = new Uint8Array(32).fill(7);

function query(url: string) {
  return Object.fromEntries(new URL(url).searchParams);
}

describe('invoice download links', () => {
  it('verifies on any instance with the shared key until they expire', () => {
    let now = new Date('2026-11-30T12:00:00Z');
    const a = new InvoiceLinks('http://127.0.0.1:4004', key, () => now);
    const b = new InvoiceLinks('http://billing.internal:4004', key, () => now);
    const url = a.url('inv-1', 'acme');
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:4004\/invoices\/inv-1\/pdf\?org=acme&expires=\d+&signature=[\w-]+$/);
    expect(b.verify('inv-1', query(url))).toBe('acme');
    now = new Date(now.getTime() + LINK_TTL_SECONDS * 1000 + 1000);
    expect(() => b.verify('inv-1', query(url))).toThrow(
      expect.objectContaining({ code: 'UNAUTHENTICATED', message: 'The download link has expired.' }),
    );
  });

  it('refuses another invoice, another organisation, a changed expiry, another key and missing parts', () => {
    const links = new InvoiceLinks('http://127.0.0.1:4004', key);
    const q = query(links.url('inv-1', 'acme'));
    const bad = { code: 'UNAUTHENTICATED' };
    expect(() => links.verify('inv-2', q)).toThrow(expect.objectContaining(bad));
    expect(() => links.verify('inv-1', { ...q, org: 'globex' })).toThrow(expect.objectContaining(bad));
    expect(() => links.verify('inv-1', { ...q, expires: String(Number(q.expires) + 3600) })).toThrow(expect.objectContaining(bad));
    expect(() => new InvoiceLinks('http://x', new Uint8Array(32).fill(8)).verify('inv-1', q)).toThrow(expect.objectContaining(bad));
    expect(() => links.verify('inv-1', { org: 'acme' })).toThrow(expect.objectContaining(bad));
  });
});

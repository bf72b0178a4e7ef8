import { describe, expect, it } from 'vitest';
import { formatInvoiceNumber } from './numbering';

describe('formatInvoiceNumber', () => {
  it('upper-cases the organisation, replaces every other character by -, cuts it to 20 and pads the sequence to 6', () => {
    expect(formatInvoiceNumber('acme', 1)).toBe('ACME-000001');
    expect(formatInvoiceNumber('globex.eu', 42)).toBe('GLOBEX-EU-000042');
    expect(formatInvoiceNumber('a_b c/ü', 7)).toBe('A-B-C---000007');
    expect(formatInvoiceNumber('very-long-organisation-name', 999999)).toBe('VERY-LONG-ORGANISATI-999999');
    expect(formatInvoiceNumber('acme', 1234567)).toBe('ACME-1234567');
  });
});

import { describe, expect, it } from 'vitest';
import { currency } from '../money';
import { type DraftLine, type TaxRate, computeInvoice } from './invoice-calc';

const USD = currency('USD');
const JPY = currency('JPY');
const KWD = currency('KWD');
const vat = (ratePercent: string): TaxRate => ({ jurisdiction: 'DE', name: 'VAT', ratePercent });
const line = (kind: DraftLine['kind'], amountMinor: bigint, description = kind): DraftLine => ({
  kind,
  description,
  quantity: '1',
  unitPrice: '0',
  amountMinor,
});
const failure = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error as { code: string; details: Record<string, unknown> };
  }
  throw new Error('expected a refusal');
};
/** Per line: [amount, credit applied, taxable, tax]. */
const figures = (invoice: ReturnType<typeof computeInvoice>) =>
  invoice.lines.map((l) => [l.amountMinor, l.creditAppliedMinor, l.taxableMinor, l.taxMinor]);

describe('computeInvoice', () => {
  it('taxes each line and sums the figures (19 % VAT)', () => {
    const invoice = computeInvoice({ currency: USD, lines: [line('fixed', 1000n), line('usage', 11000n)], credits: [], tax: vat('19') });
    expect(figures(invoice)).toEqual([
      [1000n, 0n, 1000n, 190n],
      [11000n, 0n, 11000n, 2090n],
    ]);
    expect(invoice).toMatchObject({
      currency: 'USD',
      subtotalMinor: 12000n,
      creditsAppliedMinor: 0n,
      creditUsage: [],
      taxMinor: 2280n,
      totalMinor: 14280n,
      carriedCreditMinor: 0n,
    });
    expect(invoice.lines.map((l) => l.taxRatePercent)).toEqual(['19', '19']);
  });

  it('rounds tax per line half-even; the invoice tax is the sum of the line taxes (JPY)', () => {
    // 10 % of ¥25 = 2.5 → 2, of ¥35 = 3.5 → 4; Σ 10, where 10 % of the ¥110 subtotal would be 11
    const invoice = computeInvoice({
      currency: JPY,
      lines: [line('fixed', 25n), line('usage', 35n), line('usage', 25n), line('usage', 25n)],
      credits: [],
      tax: vat('10'),
    });
    expect(invoice.lines.map((l) => l.taxMinor)).toEqual([2n, 4n, 2n, 2n]);
    expect(invoice).toMatchObject({ subtotalMinor: 110n, taxMinor: 10n, totalMinor: 120n });
    expect(invoice.taxMinor).toBe(invoice.lines.reduce((sum, l) => sum + l.taxMinor, 0n));
  });

  it('rounds tax to fils (KWD, 3 decimals) and at a fractional rate (8.875 %)', () => {
    // 112.5 fils → 112, 113.5 → 114
    const kwd = computeInvoice({ currency: KWD, lines: [line('usage', 1125n), line('usage', 1135n)], credits: [], tax: vat('10') });
    expect(kwd.lines.map((l) => l.taxMinor)).toEqual([112n, 114n]);
    expect(kwd).toMatchObject({ subtotalMinor: 2260n, taxMinor: 226n, totalMinor: 2486n });
    // 8.875 % of 10000 = 887.5 → 888; of 6000 = 532.5 → 532
    const ny = computeInvoice({ currency: USD, lines: [line('fixed', 10000n), line('usage', 6000n)], credits: [], tax: vat('8.875') });
    expect(ny.lines.map((l) => [l.taxRatePercent, l.taxMinor])).toEqual([
      ['8.875', 888n],
      ['8.875', 532n],
    ]);
    expect(ny).toMatchObject({ taxMinor: 1420n, totalMinor: 17420n });
  });

  it('applies prepaid credits before tax, line by line, oldest credit first', () => {
    const invoice = computeInvoice({
      currency: USD,
      lines: [line('fixed', 1000n), line('usage', 500n)],
      credits: [
        { id: 'old', remainingMinor: 700n },
        { id: 'new', remainingMinor: 500n },
      ],
      tax: vat('10'),
    });
    expect(figures(invoice)).toEqual([
      [1000n, 1000n, 0n, 0n],
      [500n, 200n, 300n, 30n],
    ]);
    expect(invoice).toMatchObject({
      subtotalMinor: 1500n,
      creditsAppliedMinor: 1200n,
      creditUsage: [
        { creditId: 'old', amountMinor: 700n },
        { creditId: 'new', amountMinor: 500n },
      ],
      taxMinor: 30n,
      totalMinor: 330n,
    });
  });

  it('leaves what the invoice does not need on the credits (only what was used is listed)', () => {
    const invoice = computeInvoice({
      currency: USD,
      lines: [line('fixed', 1000n), line('usage', 500n)],
      credits: [
        { id: 'a', remainingMinor: 300n },
        { id: 'b', remainingMinor: 5000n },
        { id: 'c', remainingMinor: 9000n },
      ],
      tax: vat('10'),
    });
    expect(invoice).toMatchObject({
      creditsAppliedMinor: 1500n,
      creditUsage: [
        { creditId: 'a', amountMinor: 300n },
        { creditId: 'b', amountMinor: 1200n },
      ],
      taxMinor: 0n,
      totalMinor: 0n,
      carriedCreditMinor: 0n,
    });
  });

  it('nets a proration credit against the charges before tax and credits', () => {
    // −5.00 credit, +10.00 charge, +3.00 usage at 20 %: taxable 5.00 and 3.00 → tax 1.00 + 0.60
    const invoice = computeInvoice({
      currency: USD,
      lines: [line('proration_credit', -500n), line('proration_charge', 1000n), line('usage', 300n)],
      credits: [{ id: 'a', remainingMinor: 10000n }],
      tax: vat('20'),
    });
    expect(figures(invoice)).toEqual([
      [-500n, 0n, 0n, 0n],
      [1000n, 500n, 0n, 0n],
      [300n, 300n, 0n, 0n],
    ]);
    // the prepaid credit pays the net 8.00, not the gross 13.00
    expect(invoice).toMatchObject({
      subtotalMinor: 800n,
      creditsAppliedMinor: 800n,
      creditUsage: [{ creditId: 'a', amountMinor: 800n }],
      totalMinor: 0n,
    });
    const taxed = computeInvoice({
      currency: USD,
      lines: [line('proration_credit', -500n), line('proration_charge', 1000n), line('usage', 300n)],
      credits: [],
      tax: vat('20'),
    });
    expect(figures(taxed)).toEqual([
      [-500n, 0n, 0n, 0n],
      [1000n, 0n, 500n, 100n],
      [300n, 0n, 300n, 60n],
    ]);
    expect(taxed).toMatchObject({ subtotalMinor: 800n, taxMinor: 160n, totalMinor: 960n });
  });

  it('carries a negative subtotal over as new credit, with a total of 0 and no credit used', () => {
    const invoice = computeInvoice({
      currency: USD,
      lines: [line('proration_credit', -2000n), line('proration_charge', 500n)],
      credits: [{ id: 'a', remainingMinor: 1000n }],
      tax: vat('19'),
    });
    expect(invoice).toMatchObject({
      subtotalMinor: -1500n,
      creditsAppliedMinor: 0n,
      creditUsage: [],
      taxMinor: 0n,
      totalMinor: 0n,
      carriedCreditMinor: 1500n,
    });
  });

  it('tops up to the minimum commitment from the positive lines only', () => {
    const below = computeInvoice({
      currency: USD,
      lines: [line('proration_credit', -1000n), line('fixed', 1000n), line('usage', 500n)],
      minimumCommitmentMinor: 5000n,
      credits: [],
      tax: null,
    });
    expect(below.lines.at(-1)).toMatchObject({
      kind: 'minimum_commitment',
      quantity: '1',
      unitPrice: '35.00',
      amountMinor: 3500n,
      taxRatePercent: '0',
    });
    expect(below).toMatchObject({ subtotalMinor: 4000n, taxMinor: 0n, totalMinor: 4000n });
    const above = computeInvoice({ currency: USD, lines: [line('fixed', 6000n)], minimumCommitmentMinor: 5000n, credits: [], tax: null });
    expect(above.lines.map((l) => l.kind)).toEqual(['fixed']);
    expect(above.totalMinor).toBe(6000n);
  });

  it('keeps zero lines and refuses negative credits, commitments and tax rates (QUANTITY_INVALID)', () => {
    const zero = computeInvoice({
      currency: USD,
      lines: [line('fixed', 0n), line('usage', 0n)],
      credits: [{ id: 'a', remainingMinor: 100n }],
      tax: vat('19'),
    });
    expect(figures(zero)).toEqual([
      [0n, 0n, 0n, 0n],
      [0n, 0n, 0n, 0n],
    ]);
    expect(zero).toMatchObject({ subtotalMinor: 0n, creditUsage: [], totalMinor: 0n });
    expect(
      failure(() => computeInvoice({ currency: USD, lines: [], credits: [{ id: 'a', remainingMinor: -1n }], tax: null })),
    ).toMatchObject({
      code: 'QUANTITY_INVALID',
      details: { creditId: 'a' },
    });
    expect(failure(() => computeInvoice({ currency: USD, lines: [], minimumCommitmentMinor: -1n, credits: [], tax: null })).code).toBe(
      'QUANTITY_INVALID',
    );
    expect(failure(() => computeInvoice({ currency: USD, lines: [], credits: [], tax: vat('-1') })).code).toBe('QUANTITY_INVALID');
  });
});

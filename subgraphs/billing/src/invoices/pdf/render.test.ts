import * as mupdf from 'mupdf';
import { describe, expect, it } from 'vitest';
import type { InvoiceDocument, InvoiceDocumentLine } from './document';
import { renderInvoicePdf } from './render';

const utc = (date: string) => new Date(`${date}T00:00:00Z`);
const CREATED = new Date('2026-11-01T08:30:00Z');

/** The PDF read back with MuPDF: page count, text of each page (whitespace runs as one space), metadata. */
function read(pdf: Buffer) {
  const document = mupdf.Document.openDocument(pdf, 'application/pdf');
  const pages: string[] = [];
  for (let i = 0; i < document.countPages(); i++) {
    pages.push(document.loadPage(i).toStructuredText('preserve-whitespace').asText().replace(/\s+/g, ' '));
  }
  return {
    pages,
    text: pages.join(' '),
    bounds: document
      .loadPage(0)
      .getBounds()
      .map((v) => Math.round(v * 100) / 100),
    title: document.getMetaData('info:Title'),
    author: document.getMetaData('info:Author'),
    created: document.getMetaData('info:CreationDate'),
  };
}

function line(description: string, fields: Partial<InvoiceDocumentLine> = {}): InvoiceDocumentLine {
  return { description, quantity: '1', unitPrice: '1.00', amountMinor: 100n, taxRatePercent: '0', taxMinor: 0n, ...fields };
}

// USD, hand-computed: 1 × 1,300.00 + 1,100,000 × 0.00012 (= 132.00) = 1,432.00; tax 8.25 % per line
// 107.25 + 10.89 = 118.14; total 1,432.00 − 6.93 credits + 118.14 = 1,543.21; paid 500.00, due 1,043.21
function usdInvoice(fields: Partial<InvoiceDocument> = {}): InvoiceDocument {
  return {
    number: 'INV-2026-000007',
    status: 'finalized',
    issuedAt: utc('2026-11-01'),
    dueAt: utc('2026-12-01'),
    periodStart: utc('2026-10-01'),
    periodEnd: utc('2026-11-01'),
    currency: 'USD',
    seller: { name: 'DictaMesh Cloud', addressLines: ['1 Market Street', 'San Francisco, CA 94105'], email: 'billing@dictamesh.example' },
    buyer: {
      name: 'Initech LLC',
      addressLines: ['4120 Freidrich Lane', 'Austin, TX 78744'],
      orgId: 'org_initech',
      taxJurisdiction: 'US-TX',
    },
    lines: [
      line('Pro plan (annual)', { unitPrice: '1300', amountMinor: 130_000n, taxRatePercent: '8.25', taxMinor: 10_725n }),
      line('API requests', {
        quantity: '1100000',
        unitPrice: '0.00012',
        amountMinor: 13_200n,
        taxRatePercent: '8.25',
        taxMinor: 1_089n,
        periodStart: utc('2026-10-01'),
        periodEnd: utc('2026-11-01'),
      }),
    ],
    subtotalMinor: 143_200n,
    creditsAppliedMinor: 693n,
    taxMinor: 11_814n,
    totalMinor: 154_321n,
    amountPaidMinor: 50_000n,
    amountDueMinor: 104_321n,
    notes: 'Thank you for your business.',
    paymentInstructions: 'Pay by ACH to account 000123456789.',
    ...fields,
  };
}

describe('renderInvoicePdf', () => {
  it('prints the parties, the dates, every line and the totals formatted in the currency (USD)', async () => {
    const pdf = await renderInvoicePdf(usdInvoice(), { creationDate: CREATED });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const { pages, text, bounds, title, author, created } = read(pdf);

    expect(pages).toHaveLength(1);
    expect(bounds).toEqual([0, 0, 595.28, 841.89]); // A4
    expect(title).toBe('Invoice INV-2026-000007');
    expect(author).toBe('DictaMesh Cloud');
    expect(created).toBe('D:20261101083000Z');

    for (const expected of [
      'Invoice',
      'INV-2026-000007',
      'DictaMesh Cloud',
      'BILL TO',
      'Initech LLC',
      '4120 Freidrich Lane',
      'org_initech',
      'US-TX',
      '2026-11-01', // invoice date
      '2026-12-01', // due date
      '2026-10-01 – 2026-11-01', // billing period
      'Description Qty Unit price Tax Amount',
      'Pro plan (annual)',
      'API requests',
      '1,100,000', // quantity, grouped
      '0.00012', // unit price with its 5 decimals
      '1,300.00', // unit price padded to the currency's 2 digits
      '8.25%',
      '107.25', // tax of line 1
      '10.89', // tax of line 2
      '132.00',
      'Subtotal $1,432.00',
      'Credits applied -$6.93',
      'Tax (8.25%) $118.14',
      'Total $1,543.21',
      'Amount paid $500.00',
      'Amount due (USD) $1,043.21',
      'Thank you for your business.',
      'Pay by ACH to account 000123456789.',
      'Page 1 of 1',
    ]) {
      expect(text).toContain(expected);
    }
    expect(text).not.toContain('DRAFT');
  });

  it('prints JPY without decimals and KWD with 3', async () => {
    const jpy = read(
      await renderInvoicePdf(
        usdInvoice({
          currency: 'JPY',
          lines: [line('Team plan', { quantity: '3', unitPrice: '1200', amountMinor: 3_600n, taxRatePercent: '10', taxMinor: 360n })],
          subtotalMinor: 3_600n,
          creditsAppliedMinor: 0n,
          taxMinor: 360n,
          totalMinor: 3_960n,
          amountPaidMinor: 0n,
          amountDueMinor: 3_960n,
        }),
        { creationDate: CREATED },
      ),
    ).text;
    for (const expected of ['Subtotal ¥3,600', 'Tax (10%) ¥360', 'Total ¥3,960', 'Amount due (JPY) ¥3,960', '1,200', '3,600']) {
      expect(jpy).toContain(expected);
    }
    expect(jpy).not.toMatch(/¥[\d,]+\.\d/);
    expect(jpy).not.toContain('1,200.00');

    const kwd = read(
      await renderInvoicePdf(
        usdInvoice({
          currency: 'KWD',
          lines: [line('Storage', { quantity: '10', unitPrice: '0.125', amountMinor: 1_250n, taxRatePercent: '0', taxMinor: 0n })],
          subtotalMinor: 1_250n,
          creditsAppliedMinor: 0n,
          taxMinor: 0n,
          totalMinor: 1_250n,
          amountPaidMinor: 0n,
          amountDueMinor: 1_250n,
        }),
        { creationDate: CREATED },
      ),
    ).text;
    for (const expected of ['Subtotal KWD 1.250', 'Total KWD 1.250', 'Tax (0%) KWD 0.000', '0.125', '1.250']) {
      expect(kwd).toContain(expected);
    }
  });

  it('breaks 60 lines over pages, repeating the table header, with "Page i of n" on each', async () => {
    const lines = Array.from({ length: 60 }, (_, i) =>
      line(`Usage item ${String(i + 1).padStart(2, '0')}: ${'metered component with a long description that wraps '.repeat(i % 3)}`),
    );
    const { pages, text } = read(
      await renderInvoicePdf(usdInvoice({ lines, subtotalMinor: 6_000n, creditsAppliedMinor: 0n, taxMinor: 0n, totalMinor: 6_000n }), {
        creationDate: CREATED,
      }),
    );
    const n = pages.length;
    expect(n).toBeGreaterThan(1);
    expect(pages[0]).toContain(`Page 1 of ${n}`);
    pages.forEach((page, i) => {
      expect(page).toContain(`Page ${i + 1} of ${n}`);
      if (i > 0) expect(page).toContain('Invoice INV-2026-000007 (continued)');
    });
    // the header row opens the table on every page holding lines (the last may hold only the totals)
    const withLines = pages.filter((page) => /Usage item \d\d/.test(page));
    expect(withLines.length).toBeGreaterThan(1);
    for (const page of withLines) expect(page).toContain('Description Qty Unit price Tax Amount');
    for (let i = 1; i <= 60; i++) expect(text).toContain(`Usage item ${String(i).padStart(2, '0')}:`);
    // each line on exactly one page, in order
    expect([...text.matchAll(/Usage item (\d\d):/g)].map((m) => Number(m[1]))).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect(pages[n - 1]).toContain('Total $60.00');
  });

  it('prints DRAFT for a draft (no number) on every page, and titles it "Draft invoice"', async () => {
    const pdf = await renderInvoicePdf(usdInvoice({ number: null, status: 'draft' }), { creationDate: CREATED });
    const { pages, title } = read(pdf);
    expect(title).toBe('Draft invoice');
    for (const page of pages) expect(page).toContain('DRAFT');
    expect(pages[0]).toContain('Status: Draft');
    expect(pages[0]).not.toContain('INV-');
  });

  it('stamps paid invoices PAID and voided ones VOID', async () => {
    const paid = read(await renderInvoicePdf(usdInvoice({ status: 'paid' }), { creationDate: CREATED })).text;
    expect(paid).toContain('PAID');
    expect(paid).not.toContain('VOID');
    const voided = read(await renderInvoicePdf(usdInvoice({ status: 'voided' }), { creationDate: CREATED })).text;
    expect(voided).toContain('VOID');
    expect(voided).not.toContain('PAID');
  });

  it('gives the same bytes for the same document and creation date, other bytes for another date', async () => {
    const a = await renderInvoicePdf(usdInvoice(), { creationDate: CREATED });
    const b = await renderInvoicePdf(usdInvoice(), { creationDate: CREATED });
    expect(b.equals(a)).toBe(true);
    const c = await renderInvoicePdf(usdInvoice(), { creationDate: new Date('2026-11-02T08:30:00Z') });
    expect(c.equals(a)).toBe(false);
  });

  it('prints characters outside the built-in fonts as "?" and rejects an unknown currency', async () => {
    const { text } = read(
      await renderInvoicePdf(usdInvoice({ buyer: { ...usdInvoice().buyer, name: 'Müller 株式会社' } }), { creationDate: CREATED }),
    );
    expect(text).toContain('Müller ????');
    await expect(renderInvoicePdf(usdInvoice({ currency: 'XYZ' }))).rejects.toMatchObject({ code: 'CURRENCY_UNKNOWN' });
  });
});

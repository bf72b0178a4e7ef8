// Renders a realistic sample invoice (DictaMesh Cloud → Acme Robotics GmbH, EUR, October 2026,
// 19 % VAT) to docs/invoice-sample.pdf and its first page to docs/invoice-sample.png (MuPDF, 144 dpi),
// to look at the layout. Same input, same bytes: the creation date is fixed.
// Run: npx tsx --conditions=@dictamesh/source scripts/render-invoice-sample.ts
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as mupdf from 'mupdf';
import { currency, fromMinor, Money, toMinor } from '../subgraphs/billing/src/money';
import { renderInvoicePdf, type InvoiceDocument, type InvoiceDocumentLine } from '../subgraphs/billing/src/invoices/pdf';

const EUR = currency('EUR');
const VAT = '19';
const utc = (date: string) => new Date(`${date}T00:00:00Z`);

/** A line priced as the billing engine does: amount and tax rounded once, half-even, to cents. */
function line(description: string, quantity: string, unitPrice: string, period?: [string, string]): InvoiceDocumentLine {
  const amountMinor = toMinor(new Money(quantity).mul(unitPrice), EUR);
  const taxMinor = toMinor(fromMinor(amountMinor, EUR).mul(VAT).div(100), EUR);
  return {
    description,
    quantity,
    unitPrice,
    amountMinor,
    taxRatePercent: VAT,
    taxMinor,
    ...(period ? { periodStart: utc(period[0]), periodEnd: utc(period[1]) } : {}),
  };
}

const lines = [
  line('Platform plan — Team (monthly fixed fee)', '1', '499.00', ['2026-10-01', '2026-11-01']),
  line('GraphQL operations — graduated usage, tier 1 (first 1,000,000 operations included)', '1000000', '0', ['2026-10-01', '2026-11-01']),
  line('GraphQL operations — graduated usage, tier 2 (1,000,001 to 5,000,000 operations)', '2347812', '0.00125', [
    '2026-10-01',
    '2026-11-01',
  ]),
  line('Kafka events ingested', '18400000', '0.00002', ['2026-10-01', '2026-11-01']),
  line('Storage (GB-month, average over the period)', '412.5', '0.023', ['2026-10-01', '2026-11-01']),
  line('Proration credit: unused time on Starter plan after upgrade to Team', '1', '-35.48', ['2026-10-12', '2026-11-01']),
];
const subtotalMinor = lines.reduce((sum, l) => sum + l.amountMinor, 0n);
const taxMinor = lines.reduce((sum, l) => sum + l.taxMinor, 0n);
const creditsAppliedMinor = 10_000n; // €100.00 prepaid credit
const totalMinor = subtotalMinor - creditsAppliedMinor + taxMinor;

const sample: InvoiceDocument = {
  number: 'INV-2026-000142',
  status: 'finalized',
  issuedAt: utc('2026-11-01'),
  dueAt: utc('2026-11-15'),
  periodStart: utc('2026-10-01'),
  periodEnd: utc('2026-11-01'),
  currency: EUR.code,
  seller: {
    name: 'DictaMesh Cloud',
    addressLines: ['DictaMesh Cloud GmbH', 'Torstraße 42', '10119 Berlin', 'Germany'],
    email: 'billing@dictamesh.example',
    taxId: 'DE123456789',
  },
  buyer: {
    name: 'Acme Robotics GmbH',
    addressLines: ['Attn: Accounts Payable', 'Industriestraße 7', '80939 München', 'Germany'],
    email: 'ap@acme-robotics.example',
    taxId: 'DE987654321',
    orgId: 'org_7f3c2a9e41',
    taxJurisdiction: 'DE',
  },
  lines,
  subtotalMinor,
  creditsAppliedMinor,
  taxMinor,
  totalMinor,
  amountPaidMinor: 0n,
  amountDueMinor: totalMinor,
  notes:
    'Credits applied: €100.00 of prepaid credit (balance after this invoice: €150.00). Usage details are in the DictaMesh console under Billing › Usage.',
  paymentInstructions:
    'Please pay by 2026-11-15 by SEPA credit transfer to DictaMesh Cloud GmbH, IBAN DE89 3704 0044 0532 0130 00, BIC COBADEFFXXX, quoting INV-2026-000142.',
};

const pdf = await renderInvoicePdf(sample, { creationDate: utc('2026-11-01') });
const docs = new URL('../docs/', import.meta.url);
mkdirSync(docs, { recursive: true });
writeFileSync(new URL('invoice-sample.pdf', docs), pdf);

const document = mupdf.Document.openDocument(pdf, 'application/pdf');
const page = document.loadPage(0);
const png = page.toPixmap(mupdf.Matrix.scale(2, 2), mupdf.ColorSpace.DeviceRGB).asPNG();
writeFileSync(new URL('invoice-sample.png', docs), png);
console.log(
  `${fileURLToPath(new URL('invoice-sample.pdf', docs))}: ${pdf.length} bytes, ${document.countPages()} page(s); page 1 as PNG: ${png.length} bytes`,
);

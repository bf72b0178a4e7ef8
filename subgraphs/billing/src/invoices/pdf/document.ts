/**
 * The printable view of an invoice: everything the PDF shows, already computed. The renderer
 * does no arithmetic (no rounding, no summing): amounts are integer minor units of
 * {@link InvoiceDocument.currency} (`123456n` EUR = €1,234.56), as the invoice stored them.
 */

/** A party of the invoice (seller or buyer) as printed in its address block. */
export interface InvoiceParty {
  /** Legal name (`DictaMesh Cloud GmbH`). */
  name: string;
  /** Postal address, one printed line each (street, postcode and city, country). */
  addressLines: string[];
  /** Billing e-mail address, printed under the address when set. */
  email?: string | null;
  /** VAT / tax identification number, printed as `Tax ID: …` when set. */
  taxId?: string | null;
}

/** One row of the invoice table. */
export interface InvoiceDocumentLine {
  /** What is billed (`GraphQL operations (graduated, 1,000,001–10,000,000)`); long texts wrap. */
  description: string;
  /** Quantity as a decimal string (`1250000`, `12.5`); printed with thousands separators. */
  quantity: string;
  /**
   * Unit price as a decimal string in currency units, up to 5 decimals (`0.00125`); printed
   * with at least the currency's digits (`49` EUR → `49.00`). May be negative for credits.
   */
  unitPrice: string;
  /** Line amount before tax, minor units (negative for a credit line). */
  amountMinor: bigint;
  /** Tax rate of the line in percent, as a decimal string (`19`, `7.7`). */
  taxRatePercent: string;
  /** Tax of the line, minor units. */
  taxMinor: bigint;
  /** Service period of the line, printed under the description when both ends are set (end exclusive). */
  periodStart?: Date;
  periodEnd?: Date;
}

/** The lifecycle state of the invoice; `paid` and `voided` print a stamp, `draft` a watermark. */
export type InvoiceDocumentStatus = 'draft' | 'finalized' | 'paid' | 'voided' | 'uncollectible';

/** An invoice ready to render ({@link renderInvoicePdf}). */
export interface InvoiceDocument {
  /** Invoice number (`INV-2026-000042`); `null` for a draft, which prints `DRAFT` instead. */
  number: string | null;
  status: InvoiceDocumentStatus;
  /** Invoice date (printed as the UTC calendar date). */
  issuedAt: Date;
  /** Payment due date (UTC calendar date). */
  dueAt: Date;
  /** Billing period, start inclusive, end exclusive (UTC calendar dates). */
  periodStart: Date;
  periodEnd: Date;
  /** ISO 4217 code of every amount (`EUR`). */
  currency: string;
  seller: InvoiceParty;
  buyer: InvoiceParty & {
    /** Organization id, printed as the customer number. */
    orgId: string;
    /** Tax jurisdiction (`DE`), printed in the invoice details when set. */
    taxJurisdiction?: string | null;
  };
  lines: InvoiceDocumentLine[];
  /** Sum of the line amounts before tax, minor units. */
  subtotalMinor: bigint;
  /** Prepaid or promotional credit applied, minor units, non-negative (printed as a deduction). */
  creditsAppliedMinor: bigint;
  /** Total tax, minor units. */
  taxMinor: bigint;
  /** Subtotal − credits + tax, minor units. */
  totalMinor: bigint;
  /** Already paid, minor units. */
  amountPaidMinor: bigint;
  /** Total − paid, minor units. */
  amountDueMinor: bigint;
  /** Free text printed under the totals (`Reverse charge: …`). */
  notes?: string | null;
  /** How to pay (bank details, a payment link), printed under the totals. */
  paymentInstructions?: string | null;
}

/** Rendering options of {@link renderInvoicePdf}. */
export interface RenderInvoicePdfOptions {
  /**
   * The PDF's CreationDate (metadata and file id). Defaults to the time of rendering; pass a
   * fixed date for byte-identical output of the same document.
   */
  creationDate?: Date;
}

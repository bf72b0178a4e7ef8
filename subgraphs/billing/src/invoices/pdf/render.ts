import PDFDocument from 'pdfkit';
import { currency, formatMoney, formatUnits, Money, type Currency } from '../../money';
import type { InvoiceDocument, InvoiceDocumentLine, InvoiceDocumentStatus, InvoiceParty, RenderInvoicePdfOptions } from './document';

type Pdf = PDFKit.PDFDocument;

// A4 in PDF points (1/72 in), ISO 216
const PAGE_WIDTH = 595.28;
const PAGE_HEIGHT = 841.89;
const MARGIN_X = 50;
const MARGIN_TOP = 50;
const RIGHT = PAGE_WIDTH - MARGIN_X;
const CONTENT_WIDTH = RIGHT - MARGIN_X;
/** Lowest y content may reach; the footer lies below it. */
const CONTENT_BOTTOM = PAGE_HEIGHT - 72;
const FOOTER_Y = PAGE_HEIGHT - 42;

const FONT = 'Helvetica';
const FONT_BOLD = 'Helvetica-Bold';

const INK = '#1f2328';
const MUTED = '#59636e';
const ACCENT = '#1f4e79';
const RULE = '#d1d9e0';
const HEADER_FILL = '#eef2f6';

/** Table columns: x, width, alignment; numbers right-aligned. */
const CELL_PAD = 5;
const COLUMNS = [
  { title: 'Description', width: 221, align: 'left' },
  { title: 'Qty', width: 70, align: 'right' },
  { title: 'Unit price', width: 72, align: 'right' },
  { title: 'Tax', width: 55, align: 'right' },
  { title: 'Amount', width: CONTENT_WIDTH - 221 - 70 - 72 - 55, align: 'right' },
] as const;
const COLUMN_X = COLUMNS.map((_, i) => MARGIN_X + COLUMNS.slice(0, i).reduce((sum, c) => sum + c.width, 0));
const TABLE_HEADER_HEIGHT = 20;
const ROW_FONT_SIZE = 9;
const ROW_SUB_FONT_SIZE = 7.5;
const ROW_PAD_Y = 5;
/** A row never grows beyond this (a longer description is cut with an ellipsis). */
const MAX_ROW_HEIGHT = 300;

const TOTALS_X = RIGHT - 250;
const TOTALS_WIDTH = 250;
const TOTALS_LABEL_WIDTH = 105;

const STAMPS: Partial<Record<InvoiceDocumentStatus, { text: string; color: string }>> = {
  paid: { text: 'PAID', color: '#1a7f37' },
  voided: { text: 'VOID', color: '#cf222e' },
  uncollectible: { text: 'UNCOLLECTIBLE', color: '#9a6700' },
};

const STATUS_LABELS: Record<InvoiceDocumentStatus, string> = {
  draft: 'Draft',
  finalized: 'Open',
  paid: 'Paid',
  voided: 'Void',
  uncollectible: 'Uncollectible',
};

/**
 * Renders an invoice as an A4 PDF (PDFKit, built-in Helvetica: no font files, no network).
 *
 * Layout: seller block top left, title `Invoice` with the number and status top right; the
 * `Bill to` block and the invoice details (invoice date, due date, billing period, customer,
 * tax jurisdiction, currency); the lines as a table Description | Qty | Unit price | Tax |
 * Amount (numbers right-aligned, long descriptions wrapped, the header row repeated on every
 * page the table continues on); the totals (Subtotal, Credits applied, Tax, Total, Amount paid,
 * Amount due); notes and payment instructions; `Page i of n` on every page. A draft (no number)
 * prints `DRAFT` as its number and a diagonal watermark on every page; a paid, void or
 * uncollectible invoice a stamp next to the totals.
 *
 * Amounts are formatted by the money module (`formatMoney` for totals, `formatUnits` with
 * thousands separators in the table) at the currency's ISO 4217 digits (JPY 0, KWD 3); dates are
 * printed as UTC ISO dates (`2026-11-01`). Text outside Windows-1252 (the encoding of the
 * built-in fonts) is printed as `?`.
 *
 * Metadata: Title `Invoice <number>` (`Draft invoice` for a draft), Author and Creator the seller,
 * CreationDate `options.creationDate` (default: now); the same document and creation date give
 * the same bytes.
 *
 * @returns the PDF file
 * @throws DictaMeshError `CURRENCY_UNKNOWN` (as a rejection) when `doc.currency` is not an ISO 4217 code
 */
export async function renderInvoicePdf(doc: InvoiceDocument, options: RenderInvoicePdfOptions = {}): Promise<Buffer> {
  const cur = currency(doc.currency);
  const title = doc.number === null ? 'Draft invoice' : `Invoice ${doc.number}`;
  const pdf = new PDFDocument({
    size: [PAGE_WIDTH, PAGE_HEIGHT],
    margins: { top: MARGIN_TOP, bottom: PAGE_HEIGHT - CONTENT_BOTTOM, left: MARGIN_X, right: MARGIN_X },
    bufferPages: true,
    autoFirstPage: false,
    lang: 'en',
    info: {
      Title: clean(title),
      Author: clean(doc.seller.name),
      Subject: clean(`${title} for ${doc.buyer.name}`),
      Creator: clean(doc.seller.name),
      Producer: 'DictaMesh billing (PDFKit)',
      CreationDate: options.creationDate ?? new Date(),
    },
  });
  const chunks: Buffer[] = [];
  const written = new Promise<Buffer>((resolve, reject) => {
    pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  // every page, also one PDFKit adds itself when notes overflow, gets the draft watermark beneath its content
  if (doc.number === null || doc.status === 'draft') pdf.on('pageAdded', () => drawWatermark(pdf));
  pdf.addPage();

  let y = drawHeader(pdf, doc);
  y = drawParties(pdf, doc, cur, y + 16);
  y = drawTable(pdf, doc, cur, y + 20);
  y = drawTotals(pdf, doc, cur, y + 10);
  drawNotes(pdf, doc, y + 18);
  drawFooters(pdf, doc);

  pdf.end();
  return written;
}

/** Seller block (left) and title, number, status (right); returns the y below both. */
function drawHeader(pdf: Pdf, doc: InvoiceDocument): number {
  const leftWidth = 270;
  let left = MARGIN_TOP;
  pdf.font(FONT_BOLD).fontSize(13).fillColor(INK);
  left = text(pdf, doc.seller.name, MARGIN_X, left, { width: leftWidth }) + 3;
  left = partyDetails(pdf, doc.seller, MARGIN_X, left, leftWidth);

  const rightX = MARGIN_X + leftWidth + 10;
  const rightWidth = RIGHT - rightX;
  pdf.font(FONT_BOLD).fontSize(26).fillColor(ACCENT);
  let right = text(pdf, 'Invoice', rightX, MARGIN_TOP - 4, { width: rightWidth, align: 'right' }) + 2;
  pdf.font(FONT_BOLD).fontSize(11).fillColor(INK);
  right = text(pdf, doc.number ?? 'DRAFT', rightX, right, { width: rightWidth, align: 'right' }) + 3;
  pdf.font(FONT).fontSize(9).fillColor(MUTED);
  right = text(pdf, `Status: ${STATUS_LABELS[doc.status]}`, rightX, right, { width: rightWidth, align: 'right' });
  return Math.max(left, right);
}

/** Address, e-mail and tax id of a party, 9 pt; returns the y below. */
function partyDetails(pdf: Pdf, party: InvoiceParty, x: number, y: number, width: number): number {
  pdf.font(FONT).fontSize(9).fillColor(MUTED);
  const lines = [...party.addressLines];
  if (party.email) lines.push(party.email);
  if (party.taxId) lines.push(`Tax ID: ${party.taxId}`);
  for (const line of lines) y = text(pdf, line, x, y, { width }) + 1;
  return y;
}

/** Rule, `Bill to` block (left) and invoice details (right); returns the y below both. */
function drawParties(pdf: Pdf, doc: InvoiceDocument, cur: Currency, y: number): number {
  rule(pdf, MARGIN_X, RIGHT, y, RULE, 0.75);
  const top = y + 12;
  const leftWidth = TOTALS_X - MARGIN_X - 24;

  pdf.font(FONT_BOLD).fontSize(7.5).fillColor(MUTED);
  let left = text(pdf, 'BILL TO', MARGIN_X, top, { width: leftWidth, characterSpacing: 0.6 }) + 4;
  pdf.font(FONT_BOLD).fontSize(11).fillColor(INK);
  left = text(pdf, doc.buyer.name, MARGIN_X, left, { width: leftWidth }) + 2;
  left = partyDetails(pdf, doc.buyer, MARGIN_X, left, leftWidth);

  const details: [string, string][] = [
    ['Invoice number', doc.number ?? 'DRAFT'],
    ['Invoice date', isoDate(doc.issuedAt)],
    ['Due date', isoDate(doc.dueAt)],
    ['Billing period', `${isoDate(doc.periodStart)} \u2013 ${isoDate(doc.periodEnd)}`],
    ['Customer ID', doc.buyer.orgId],
  ];
  if (doc.buyer.taxJurisdiction) details.push(['Tax jurisdiction', doc.buyer.taxJurisdiction]);
  details.push(['Currency', cur.code]);

  const labelX = TOTALS_X;
  const labelWidth = 78;
  const valueX = labelX + labelWidth;
  const valueWidth = RIGHT - valueX;
  let right = top;
  for (const [label, value] of details) {
    pdf.font(FONT).fillColor(MUTED);
    one(pdf, label, labelX, right, labelWidth, 9);
    pdf.font(label === 'Due date' ? FONT_BOLD : FONT).fillColor(INK);
    right = one(pdf, value, valueX, right, valueWidth, 9, 'right') + 3;
  }
  return Math.max(left, right);
}

/** The lines table, over as many pages as it needs; returns the y below its last rule. */
function drawTable(pdf: Pdf, doc: InvoiceDocument, cur: Currency, y: number): number {
  y = drawTableHeader(pdf, y);
  if (doc.lines.length === 0) {
    pdf.font(FONT).fontSize(ROW_FONT_SIZE).fillColor(MUTED);
    y = text(pdf, 'No billable items in this period.', MARGIN_X + CELL_PAD, y + ROW_PAD_Y, { width: CONTENT_WIDTH }) + ROW_PAD_Y;
    rule(pdf, MARGIN_X, RIGHT, y, RULE, 0.5);
    return y;
  }
  doc.lines.forEach((line, index) => {
    const cells = lineCells(line, cur);
    const height = rowHeight(pdf, cells);
    if (y + height > CONTENT_BOTTOM) {
      y = continuationPage(pdf, doc);
      y = drawTableHeader(pdf, y);
    }
    drawRow(pdf, cells, y, height);
    y += height;
    const last = index === doc.lines.length - 1;
    rule(pdf, MARGIN_X, RIGHT, y, last ? MUTED : RULE, last ? 0.75 : 0.5);
  });
  return y;
}

interface RowCells {
  description: string;
  period: string | null;
  quantity: string;
  unitPrice: string;
  taxRate: string;
  tax: string;
  amount: string;
}

function lineCells(line: InvoiceDocumentLine, cur: Currency): RowCells {
  return {
    description: line.description,
    period: line.periodStart && line.periodEnd ? `${isoDate(line.periodStart)} \u2013 ${isoDate(line.periodEnd)}` : null,
    quantity: formatDecimal(line.quantity, 0),
    unitPrice: formatDecimal(line.unitPrice, cur.exponent),
    taxRate: `${formatDecimal(line.taxRatePercent, 0)}%`,
    tax: amount(line.taxMinor, cur),
    amount: amount(line.amountMinor, cur),
  };
}

const DESCRIPTION_WIDTH = COLUMNS[0].width - 2 * CELL_PAD;

function rowHeight(pdf: Pdf, cells: RowCells): number {
  pdf.font(FONT).fontSize(ROW_FONT_SIZE);
  let content = Math.min(pdf.heightOfString(clean(cells.description), { width: DESCRIPTION_WIDTH }), MAX_ROW_HEIGHT);
  if (cells.period) content += 1 + pdf.fontSize(ROW_SUB_FONT_SIZE).currentLineHeight(true);
  // the tax cell holds two lines: the rate and the tax amount
  const taxCell = pdf.fontSize(ROW_FONT_SIZE).currentLineHeight(true) + 1 + pdf.fontSize(ROW_SUB_FONT_SIZE).currentLineHeight(true);
  return Math.ceil(Math.max(content, taxCell) + 2 * ROW_PAD_Y);
}

function drawRow(pdf: Pdf, cells: RowCells, y: number, height: number): void {
  const top = y + ROW_PAD_Y;
  const cell = (index: number) => ({ x: COLUMN_X[index]! + CELL_PAD, width: COLUMNS[index]!.width - 2 * CELL_PAD });

  pdf.font(FONT).fontSize(ROW_FONT_SIZE).fillColor(INK);
  const description = cell(0);
  const below = text(pdf, cells.description, description.x, top, {
    width: description.width,
    height: Math.min(height - 2 * ROW_PAD_Y, MAX_ROW_HEIGHT),
    ellipsis: true,
  });
  if (cells.period) {
    pdf.fontSize(ROW_SUB_FONT_SIZE).fillColor(MUTED);
    text(pdf, cells.period, description.x, below + 1, { width: description.width });
  }
  pdf.fillColor(INK);
  for (const [index, value] of [
    [1, cells.quantity],
    [2, cells.unitPrice],
    [4, cells.amount],
  ] as const) {
    const c = cell(index);
    one(pdf, value, c.x, top, c.width, ROW_FONT_SIZE, 'right');
  }
  const tax = cell(3);
  const taxBelow = one(pdf, cells.taxRate, tax.x, top, tax.width, ROW_FONT_SIZE, 'right');
  pdf.fillColor(MUTED);
  one(pdf, cells.tax, tax.x, taxBelow + 1, tax.width, ROW_SUB_FONT_SIZE, 'right');
}

/** The table's header row (filled band, bold titles, rule); returns the y below it. */
function drawTableHeader(pdf: Pdf, y: number): number {
  pdf.save().rect(MARGIN_X, y, CONTENT_WIDTH, TABLE_HEADER_HEIGHT).fill(HEADER_FILL).restore();
  pdf.font(FONT_BOLD).fillColor(INK);
  COLUMNS.forEach((column, index) => {
    one(pdf, column.title, COLUMN_X[index]! + CELL_PAD, y + 6, column.width - 2 * CELL_PAD, 8.5, column.align);
  });
  rule(pdf, MARGIN_X, RIGHT, y + TABLE_HEADER_HEIGHT, MUTED, 0.75);
  return y + TABLE_HEADER_HEIGHT;
}

/** Opens a new page with a one-line reminder of the invoice; returns the y to continue at. */
function continuationPage(pdf: Pdf, doc: InvoiceDocument): number {
  pdf.addPage();
  pdf.font(FONT_BOLD).fillColor(INK);
  one(pdf, doc.seller.name, MARGIN_X, MARGIN_TOP, CONTENT_WIDTH / 2 - 10, 9);
  pdf.font(FONT).fillColor(MUTED);
  const y = one(
    pdf,
    `Invoice ${doc.number ?? 'DRAFT'} (continued)`,
    MARGIN_X + CONTENT_WIDTH / 2,
    MARGIN_TOP,
    CONTENT_WIDTH / 2,
    9,
    'right',
  );
  rule(pdf, MARGIN_X, RIGHT, y + 6, RULE, 0.75);
  return y + 18;
}

/** The totals block, right; a status stamp to its left; returns the y below. */
function drawTotals(pdf: Pdf, doc: InvoiceDocument, cur: Currency, y: number): number {
  const rates = [...new Set(doc.lines.map((line) => formatDecimal(line.taxRatePercent, 0)))];
  const rows: { label: string; value: string; strong?: boolean; ruleAbove?: boolean; band?: boolean }[] = [
    { label: 'Subtotal', value: formatMoney(doc.subtotalMinor, cur) },
    { label: 'Credits applied', value: formatMoney(-doc.creditsAppliedMinor, cur) },
    { label: rates.length === 1 ? `Tax (${rates[0]}%)` : 'Tax', value: formatMoney(doc.taxMinor, cur) },
    { label: 'Total', value: formatMoney(doc.totalMinor, cur), strong: true, ruleAbove: true },
    { label: 'Amount paid', value: formatMoney(doc.amountPaidMinor, cur) },
    { label: `Amount due (${cur.code})`, value: formatMoney(doc.amountDueMinor, cur), strong: true, band: true },
  ];
  const rowHeight = 18;
  const height = rows.length * rowHeight + 15;
  if (y + height > CONTENT_BOTTOM) y = continuationPage(pdf, doc);
  const top = y;

  for (const row of rows) {
    if (row.ruleAbove) {
      y += 3;
      rule(pdf, TOTALS_X, RIGHT, y, MUTED, 0.75);
      y += 2;
    }
    if (row.band) {
      y += 4;
      pdf
        .save()
        .rect(TOTALS_X, y, TOTALS_WIDTH, rowHeight + 4)
        .fill(HEADER_FILL)
        .restore();
      y += 2;
    }
    const size = row.strong ? 10.5 : 9;
    const offset = (rowHeight - size) / 2;
    pdf.font(row.strong ? FONT_BOLD : FONT).fillColor(row.strong ? INK : MUTED);
    one(pdf, row.label, TOTALS_X + CELL_PAD, y + offset, TOTALS_LABEL_WIDTH, size);
    pdf.fillColor(INK);
    const valueX = TOTALS_X + CELL_PAD + TOTALS_LABEL_WIDTH + 4;
    one(pdf, row.value, valueX, y + offset, RIGHT - CELL_PAD - valueX, size, 'right');
    y += rowHeight;
  }
  const stamp = STAMPS[doc.status];
  if (stamp) drawStamp(pdf, stamp.text, stamp.color, MARGIN_X + (TOTALS_X - MARGIN_X) / 2 - 20, top + (y - top) / 2);
  return y + 2;
}

/** A rotated, framed status word centred on (cx, cy). */
function drawStamp(pdf: Pdf, word: string, color: string, cx: number, cy: number): void {
  pdf.font(FONT_BOLD).fontSize(word.length > 6 ? 18 : 30);
  const width = pdf.widthOfString(word, { characterSpacing: 2 }) + 24;
  const height = pdf.currentLineHeight() + 12;
  pdf.save();
  pdf.rotate(-12, { origin: [cx, cy] });
  pdf.opacity(0.85);
  pdf.lineWidth(2.5).strokeColor(color);
  pdf.roundedRect(cx - width / 2, cy - height / 2, width, height, 6).stroke();
  pdf.fillColor(color);
  text(pdf, word, cx - width / 2, cy - height / 2 + 8, { width, align: 'center', characterSpacing: 2, lineBreak: false });
  pdf.restore();
}

/** Notes, then payment instructions, full width; PDFKit continues them on a new page if needed. */
function drawNotes(pdf: Pdf, doc: InvoiceDocument, y: number): void {
  const blocks = [
    ['Notes', doc.notes],
    ['Payment instructions', doc.paymentInstructions],
  ].filter((block): block is [string, string] => Boolean(block[1]?.trim()));
  for (const [label, body] of blocks) {
    pdf.font(FONT).fontSize(9);
    const needed = 14 + Math.min(pdf.heightOfString(clean(body), { width: CONTENT_WIDTH }), 3 * 12);
    if (y + needed > CONTENT_BOTTOM) y = continuationPage(pdf, doc);
    pdf.font(FONT_BOLD).fontSize(9).fillColor(INK);
    y = text(pdf, label, MARGIN_X, y, { width: CONTENT_WIDTH }) + 3;
    pdf.font(FONT).fontSize(9).fillColor(MUTED);
    y = text(pdf, body, MARGIN_X, y, { width: CONTENT_WIDTH }) + 10;
  }
}

/** `Page i of n` and the invoice reference at the foot of every page. */
function drawFooters(pdf: Pdf, doc: InvoiceDocument): void {
  const { start, count } = pdf.bufferedPageRange();
  for (let i = start; i < start + count; i++) {
    pdf.switchToPage(i);
    // writing below the bottom margin would make PDFKit open a page
    const bottom = pdf.page.margins.bottom;
    pdf.page.margins.bottom = 0;
    rule(pdf, MARGIN_X, RIGHT, FOOTER_Y - 8, RULE, 0.5);
    pdf.font(FONT).fillColor(MUTED);
    const reference = `${doc.seller.name} \u00b7 ${doc.number === null ? 'Draft invoice' : `Invoice ${doc.number}`}`;
    one(pdf, reference, MARGIN_X, FOOTER_Y, CONTENT_WIDTH - 110, 8);
    one(pdf, `Page ${i - start + 1} of ${count}`, RIGHT - 100, FOOTER_Y, 100, 8, 'right');
    pdf.page.margins.bottom = bottom;
  }
}

/** A large diagonal `DRAFT` across the page, faint, beneath the content drawn after it. */
function drawWatermark(pdf: Pdf): void {
  pdf.save();
  pdf.rotate(-40, { origin: [PAGE_WIDTH / 2, PAGE_HEIGHT / 2] });
  pdf.font(FONT_BOLD).fontSize(130).fillColor('#8c959f').fillOpacity(0.13);
  const width = pdf.widthOfString('DRAFT');
  pdf.text('DRAFT', PAGE_WIDTH / 2 - width / 2, PAGE_HEIGHT / 2 - 65, { lineBreak: false });
  pdf.restore();
  pdf.x = MARGIN_X;
  pdf.y = MARGIN_TOP;
}

/** Writes `value` at (x, y) with the current font; returns the y below it. */
function text(pdf: Pdf, value: string, x: number, y: number, options: PDFKit.Mixins.TextOptions): number {
  pdf.text(clean(value), x, y, options);
  return pdf.y;
}

/**
 * Writes `value` on one line in the box (x, width) at `size` points, the font shrunk (down to
 * 5 pt) until it fits, aligned in the box; returns the y below the line at `size`.
 */
function one(
  pdf: Pdf,
  value: string,
  x: number,
  y: number,
  width: number,
  size: number,
  align: 'left' | 'right' | 'center' = 'left',
): number {
  const printed = clean(value);
  let fitted = size;
  pdf.fontSize(fitted);
  while (fitted > 5 && pdf.widthOfString(printed) > width) pdf.fontSize((fitted -= 0.25));
  const free = width - pdf.widthOfString(printed);
  const dx = align === 'right' ? free : align === 'center' ? free / 2 : 0;
  // a smaller font sits on the same baseline as the full-size one
  pdf.text(printed, x + Math.max(dx, 0), y + (size - fitted) * 0.8, { lineBreak: false });
  pdf.fontSize(size);
  return y + pdf.currentLineHeight(true);
}

function rule(pdf: Pdf, x1: number, x2: number, y: number, color: string, width: number): void {
  pdf.save().moveTo(x1, y).lineTo(x2, y).lineWidth(width).strokeColor(color).stroke().restore();
}

/** A UTC calendar date, ISO 8601 (`2026-11-01`). */
function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** Minor units as currency units with thousands separators, no symbol (`-1,234.50`, JPY `1,200`). */
function amount(minor: bigint, cur: Currency): string {
  return groupThousands(formatUnits(minor, cur));
}

/**
 * A decimal string printed with at least `minDecimals` digits after the point and thousands
 * separators (`1250000` → `1,250,000`; `0.00125` at 2 → `0.00125`; `49` at 2 → `49.00`).
 * A string that is not a decimal is printed as it is.
 */
function formatDecimal(value: string, minDecimals: number): string {
  let parsed;
  try {
    parsed = new Money(value.trim());
  } catch {
    return value;
  }
  if (!parsed.isFinite()) return value;
  return groupThousands(parsed.toFixed(Math.max(minDecimals, parsed.decimalPlaces())));
}

function groupThousands(plain: string): string {
  const match = /^(-?)(\d+)(\.\d+)?$/.exec(plain);
  if (!match) return plain;
  return `${match[1]}${match[2]!.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${match[3] ?? ''}`;
}

// Windows-1252 characters 0x80–0x9F; with Latin-1 (0x20–0x7E, 0xA0–0xFF) they are what the
// built-in (standard 14) fonts can show
const WIN_ANSI_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');
const REPLACEMENTS: Record<string, string> = { '\u2212': '-', '\u2009': ' ', '\u202f': ' ', '\u2010': '-', '\u2011': '-' };

/** Text the built-in fonts can show: NFC, a few look-alikes mapped, anything else `?`. */
function clean(value: string): string {
  let out = '';
  for (const ch of value.normalize('NFC')) {
    const code = ch.codePointAt(0)!;
    if (ch === '\n' || (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRA.has(ch)) out += ch;
    else if (REPLACEMENTS[ch] !== undefined) out += REPLACEMENTS[ch];
    else if (ch === '\t' || ch === '\r') out += ' ';
    else out += '?';
  }
  return out;
}

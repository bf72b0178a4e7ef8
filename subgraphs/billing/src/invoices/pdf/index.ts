/** Invoice PDF: the printable invoice document and its A4 rendering (PDFKit). */
export type { InvoiceDocument, InvoiceDocumentLine, InvoiceDocumentStatus, InvoiceParty, RenderInvoicePdfOptions } from './document';
export { renderInvoicePdf } from './render';

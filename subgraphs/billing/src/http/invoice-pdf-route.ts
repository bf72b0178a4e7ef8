import type { FastifyInstance } from 'fastify';
import type { PrismaClient } from '@dictamesh/db';
import { err } from '@dictamesh/runtime';
import { invoiceDocument } from '../invoices/document-of';
import { INVOICE_PDF_PATH, type InvoiceLinks } from '../invoices/links';
import { renderInvoicePdf, type InvoiceParty } from '../invoices/pdf';

/**
 * `GET /invoices/:id/pdf?org&expires&signature`: the invoice as PDF for whoever holds a link
 * from `Invoice.downloadUrl` (signed, 15 minutes). 401 `UNAUTHENTICATED` for a bad or expired
 * link, 404 `NOT_FOUND` when the invoice is not the link's organisation's.
 */
export function registerInvoicePdfRoute(
  app: FastifyInstance,
  deps: { prisma: PrismaClient; links: InvoiceLinks; seller: InvoiceParty; now: () => Date },
): void {
  app.get<{ Params: { id: string }; Querystring: Record<string, string> }>(INVOICE_PDF_PATH, async (request, reply) => {
    const org = deps.links.verify(request.params.id, request.query);
    const found = await deps.prisma.invoice.findFirst({
      where: { id: request.params.id, orgId: org },
      select: { id: true, number: true },
    });
    if (!found) throw err('NOT_FOUND', 'No such invoice.');
    const pdf = await renderInvoicePdf(await invoiceDocument(deps.prisma, found.id, deps.seller, deps.now()));
    return reply
      .header('content-type', 'application/pdf')
      .header('content-disposition', `attachment; filename="${found.number ?? `draft-${found.id}`}.pdf"`)
      .header('cache-control', 'private, no-store')
      .send(pdf);
  });
}

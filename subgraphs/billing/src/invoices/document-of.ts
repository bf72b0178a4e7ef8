import type { PrismaClient } from '@dictamesh/db';
import type { InvoiceDocument, InvoiceParty } from './pdf';

/**
 * The printable document of a stored invoice (its lines and its organisation as the buyer).
 * Drafts are dated now and due at the plan's terms from now; the PDF prints them as drafts.
 */
export async function invoiceDocument(prisma: PrismaClient, invoiceId: string, seller: InvoiceParty, now: Date): Promise<InvoiceDocument> {
  const invoice = await prisma.invoice.findUniqueOrThrow({
    where: { id: invoiceId },
    include: { lines: { orderBy: { position: 'asc' } } },
  });
  const org = await prisma.organization.findUniqueOrThrow({ where: { id: invoice.orgId } });
  const issuedAt = invoice.finalizedAt ?? now;
  return {
    number: invoice.number,
    status: invoice.status.toLowerCase() as InvoiceDocument['status'],
    issuedAt,
    dueAt: invoice.dueAt ?? new Date(issuedAt.getTime() + 30 * 86_400_000),
    periodStart: invoice.periodStart,
    periodEnd: invoice.periodEnd,
    currency: invoice.currency,
    seller,
    buyer: { name: org.name, addressLines: [], email: org.billingEmail, orgId: org.id, taxJurisdiction: org.taxJurisdiction },
    lines: invoice.lines.map((line) => ({
      description: line.description,
      quantity: line.quantity.toString(),
      unitPrice: line.unitPrice,
      amountMinor: line.amountMinor,
      taxRatePercent: line.taxRatePercent.toString(),
      taxMinor: line.taxMinor,
    })),
    subtotalMinor: invoice.subtotalMinor,
    creditsAppliedMinor: invoice.creditsAppliedMinor,
    taxMinor: invoice.taxMinor,
    totalMinor: invoice.totalMinor,
    amountPaidMinor: invoice.amountPaidMinor,
    amountDueMinor: invoice.status === 'VOIDED' ? 0n : invoice.totalMinor - invoice.amountPaidMinor,
  };
}

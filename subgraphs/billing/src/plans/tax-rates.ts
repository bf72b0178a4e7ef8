import type { PrismaClient } from '@dictamesh/db';
import { err } from '@dictamesh/runtime';
import { parseDecimal } from '../money';

/**
 * Sets (creates or replaces) the tax rate of a jurisdiction; invoices created from now on use it.
 * @param input.ratePercent percent, 0–100, up to 5 decimals (`19`, `8.875`)
 * @throws DictaMeshError `BAD_USER_INPUT` (jurisdiction, name), `QUANTITY_INVALID` (rate)
 */
export async function setTaxRate(prisma: PrismaClient, input: { jurisdiction: string; name: string; ratePercent: string }) {
  const jurisdiction = input.jurisdiction.trim();
  if (!/^[A-Za-z0-9-]{2,32}$/.test(jurisdiction))
    throw err('BAD_USER_INPUT', 'A jurisdiction is 2–32 letters, digits and dashes (`DE`, `US-NY`).', { field: 'jurisdiction' });
  if (!input.name.trim()) throw err('BAD_USER_INPUT', 'A tax rate needs a name (`VAT`).', { field: 'name' });
  const rate = parseDecimal(input.ratePercent, 'ratePercent', 5);
  if (rate.gt(100)) throw err('QUANTITY_INVALID', 'ratePercent must be at most 100.', { field: 'ratePercent' });
  const data = { name: input.name.trim(), ratePercent: rate.toString() };
  return prisma.taxRate.upsert({ where: { jurisdiction }, create: { jurisdiction, ...data }, update: data });
}

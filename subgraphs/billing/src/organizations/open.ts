import type { PrismaClient } from '@dictamesh/db';
import { releaseParkedUsage } from '../metering/record-usage';
import { ManualPaymentProvider, PaymentProviders } from '../payments';
import { createOrganization, type NewOrganization } from './organizations';

/**
 * Creates an organisation and meters the usage parked while it did not exist: what the
 * `createOrganization` mutation does, and what `dictamesh apikey create` does for an
 * organisation it does not find (the production bootstrap).
 *
 * @param providers the configured payment providers; default: `manual` only
 * @returns the organisation
 * @throws DictaMeshError `BAD_USER_INPUT` (id, name, e-mail), `CURRENCY_UNKNOWN`,
 *   `PAYMENT_PROVIDER_UNKNOWN`, `ORGANIZATION_EXISTS`
 */
export async function openOrganization(
  prisma: PrismaClient,
  input: NewOrganization,
  providers: PaymentProviders = new PaymentProviders([new ManualPaymentProvider()]),
) {
  const org = await createOrganization(prisma, providers, input);
  await releaseParkedUsage(prisma, org.id);
  return org;
}

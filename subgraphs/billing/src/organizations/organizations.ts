import type { PrismaClient } from '@dictamesh/db';
import { err } from '@dictamesh/runtime';
import { currency as isoCurrency } from '../money';
import type { PaymentProviders } from '../payments';

/** An organisation id: lower-case letters, digits and dashes, 1–100 characters (the `org` of principals). */
const ORG_ID = /^[a-z0-9][a-z0-9-]{0,99}$/;

/** A new organisation. */
export interface NewOrganization {
  id: string;
  name: string;
  billingEmail?: string | null;
  /** ISO 4217; default USD. */
  currency?: string | null;
  taxJurisdiction?: string | null;
  /** Default `manual`. */
  paymentProvider?: string | null;
}

/** Changes to an organisation (absent fields stay). */
export interface OrganizationChanges {
  name?: string | null;
  billingEmail?: string | null;
  status?: 'ACTIVE' | 'SUSPENDED' | 'CLOSED' | null;
  taxJurisdiction?: string | null;
  paymentProvider?: string | null;
}

/** Checks a non-empty, bounded text field. @throws DictaMeshError `BAD_USER_INPUT` */
function text(value: string, field: string, max = 200): string {
  const trimmed = value.trim();
  if (trimmed.length === 0 || trimmed.length > max) throw err('BAD_USER_INPUT', `${field} must have 1 to ${max} characters.`, { field });
  return trimmed;
}

/** Checks an e-mail address (the WHATWG `input type=email` rule). @throws DictaMeshError `BAD_USER_INPUT` */
function email(value: string): string {
  if (
    !/^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/.test(
      value,
    ) ||
    value.length > 254
  )
    throw err('BAD_USER_INPUT', 'billingEmail is not an e-mail address.', { field: 'billingEmail' });
  return value;
}

/**
 * Creates an organisation (a row of `dictamesh_organizations`).
 * @throws DictaMeshError `BAD_USER_INPUT` (id, name, e-mail), `CURRENCY_UNKNOWN`,
 *   `PAYMENT_PROVIDER_UNKNOWN`, `ORGANIZATION_EXISTS`
 */
export async function createOrganization(prisma: PrismaClient, providers: PaymentProviders, input: NewOrganization) {
  if (!ORG_ID.test(input.id))
    throw err('BAD_USER_INPUT', 'An organisation id has lower-case letters, digits and dashes (1–100).', { field: 'id' });
  const code = isoCurrency(input.currency ?? 'USD').code;
  const provider = input.paymentProvider ?? 'manual';
  providers.get(provider);
  const data = {
    id: input.id,
    name: text(input.name, 'name'),
    billingEmail: input.billingEmail ? email(input.billingEmail) : null,
    currency: code,
    taxJurisdiction: input.taxJurisdiction ? text(input.taxJurisdiction, 'taxJurisdiction', 32) : null,
    paymentProvider: provider,
  };
  const created = await prisma.organization.createManyAndReturn({ data: [data], skipDuplicates: true });
  if (created.length === 0) throw err('ORGANIZATION_EXISTS', undefined, { id: input.id });
  return created[0]!;
}

/**
 * Changes an organisation.
 * @throws DictaMeshError `ORGANIZATION_UNKNOWN`, `BAD_USER_INPUT`, `PAYMENT_PROVIDER_UNKNOWN`
 */
export async function updateOrganization(prisma: PrismaClient, providers: PaymentProviders, orgId: string, changes: OrganizationChanges) {
  if (changes.paymentProvider) providers.get(changes.paymentProvider);
  const data = {
    ...(changes.name ? { name: text(changes.name, 'name') } : {}),
    ...(changes.billingEmail !== undefined ? { billingEmail: changes.billingEmail ? email(changes.billingEmail) : null } : {}),
    ...(changes.status ? { status: changes.status } : {}),
    ...(changes.taxJurisdiction !== undefined
      ? { taxJurisdiction: changes.taxJurisdiction ? text(changes.taxJurisdiction, 'taxJurisdiction', 32) : null }
      : {}),
    ...(changes.paymentProvider ? { paymentProvider: changes.paymentProvider } : {}),
  };
  const { count } = await prisma.organization.updateMany({ where: { id: orgId }, data });
  if (count === 0) throw err('ORGANIZATION_UNKNOWN', undefined, { id: orgId });
  return prisma.organization.findUniqueOrThrow({ where: { id: orgId } });
}

/**
 * An organisation by id.
 * @throws DictaMeshError `ORGANIZATION_UNKNOWN`
 */
export async function requireOrganization(prisma: Pick<PrismaClient, 'organization'>, orgId: string) {
  const org = await prisma.organization.findUnique({ where: { id: orgId } });
  if (!org) throw err('ORGANIZATION_UNKNOWN', undefined, { id: orgId });
  return org;
}

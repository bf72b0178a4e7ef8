/**
 * @packageDocumentation
 * The billing subgraph: organisations (owner of `Organization`), plans and charges,
 * subscriptions in anchored periods, metering of DictaMesh's usage events, invoices with
 * proration, credits and tax, PDF invoices, payments (manual, Stripe) and billing events.
 */
export { createBillingService, BILLING_DEFAULTS, type BillingService, type BillingServiceOptions } from './service';
export { StripePaymentProvider, type StripeProviderConfig, STRIPE_API_BASE_URL } from './payments';
export type { InvoiceParty } from './invoices/pdf';
export { BILLING_METERING_CONSUMER_GROUP } from './metering/consumer';
export { METERED_TYPES } from './metering/metrics';
export { openOrganization } from './organizations/open';
export type { NewOrganization } from './organizations/organizations';

/** Payment providers: collecting and refunding invoices (manual, Stripe) and reading their webhooks. */
export {
  PaymentProviders,
  type PaymentProvider,
  type PaymentProviderName,
  type CollectRequest,
  type CollectResult,
  type RefundRequest,
  type RefundResult,
  type PaymentWebhookEvent,
} from './provider';
export { ManualPaymentProvider } from './manual';
export { StripePaymentProvider, type StripeProviderConfig, STRIPE_API_BASE_URL, STRIPE_WEBHOOK_TOLERANCE_SECONDS } from './stripe';

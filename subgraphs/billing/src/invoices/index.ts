/** Invoices: gap-free numbering, drafts priced from plans and usage, the invoice lifecycle, and the period-close scheduler. */
export { formatInvoiceNumber, nextInvoiceNumber } from './numbering';
export { type ChargeRow, type DecimalLike, type PlanRow, planMetricCodes, toPricedPlan } from './plan-pricing';
export {
  type CreateDraftInvoiceInput,
  type InvoiceReason,
  type InvoiceWithLines,
  type Tx,
  type UsageSource,
  availableCredits,
  createDraftInvoice,
  taxRateOf,
} from './generate';
export {
  type CreditSource,
  type GrantCreditInput,
  type InvoiceAction,
  DEFAULT_PAYMENT_TERM_DAYS,
  finalizeInTransaction,
  finalizeInvoice,
  grantCredit,
  invoiceEventData,
  markInvoicePaid,
  markUncollectible,
  voidInvoice,
} from './lifecycle';
export {
  type BillingSchedulerOptions,
  type CloseDuePeriodsOptions,
  type CloseDuePeriodsResult,
  BillingScheduler,
  closeDuePeriods,
  isUniqueViolation,
} from './scheduler';

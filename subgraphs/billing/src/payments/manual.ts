import {
  checkAmount,
  type CollectRequest,
  type CollectResult,
  type PaymentProvider,
  type RefundRequest,
  type RefundResult,
} from './provider';

/**
 * Manual payments (bank transfer, cheque…): nothing is charged. Collecting leaves the payment
 * `pending` under the reference `manual:<invoiceNumber>` (the one the payer quotes on the
 * transfer); an operator records it when the money arrives. A refund is made by the operator
 * too, so it is `succeeded` at once under `manual-refund:<idempotencyKey>`. No webhooks.
 */
export class ManualPaymentProvider implements PaymentProvider {
  readonly name = 'manual' as const;

  /**
   * @throws DictaMeshError `QUANTITY_INVALID` when the amount is not positive
   * @throws DictaMeshError `CURRENCY_UNKNOWN` when the currency is not ISO 4217
   */
  async collect(r: CollectRequest): Promise<CollectResult> {
    checkAmount(r.amountMinor, r.currency);
    return { providerRef: `manual:${r.invoiceNumber}`, status: 'pending' };
  }

  /**
   * @throws DictaMeshError `QUANTITY_INVALID` when the amount is not positive
   * @throws DictaMeshError `CURRENCY_UNKNOWN` when the currency is not ISO 4217
   */
  async refund(r: RefundRequest): Promise<RefundResult> {
    checkAmount(r.amountMinor, r.currency);
    return { refundRef: `manual-refund:${r.idempotencyKey}`, status: 'succeeded' };
  }
}

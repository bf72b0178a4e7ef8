import { describe, expect, it } from 'vitest';
import { TOPICS } from '@dictamesh/events';
import { billingNotice } from './billing';

const invoice = {
  org: 'acme',
  billingEmail: 'ap@acme.example',
  invoiceId: 'inv-1',
  subscriptionId: 'sub-1',
  number: 'ACME-000042',
  status: 'FINALIZED',
  currency: 'EUR',
  totalMinor: '60194',
  amountDueMinor: '60194',
  periodStart: '2026-10-01T00:00:00.000Z',
  periodEnd: '2026-11-01T00:00:00.000Z',
  dueAt: '2026-11-15T00:00:00.000Z',
  occurredAt: '2026-11-01T00:05:00.000Z',
};

describe('billingNotice', () => {
  it('tells an invoice event with formatted amounts, per topic', () => {
    expect(billingNotice(TOPICS.invoiceFinalized, invoice)).toEqual({
      typeKey: 'billing.invoice.finalized',
      billingEmail: 'ap@acme.example',
      variables: {
        invoiceId: 'inv-1',
        currency: 'EUR',
        total: 'EUR 601.94',
        amountDue: 'EUR 601.94',
        invoiceNumber: 'ACME-000042',
        periodStart: '2026-10-01T00:00:00.000Z',
        periodEnd: '2026-11-01T00:00:00.000Z',
        dueAt: '2026-11-15T00:00:00.000Z',
      },
    });
    expect(billingNotice(TOPICS.invoicePaid, { ...invoice, status: 'PAID', amountDueMinor: '0' })?.variables).toMatchObject({
      amountDue: 'EUR 0.00',
    });
    // a voided draft: no number, no due date, no billing email → the optional variables are left out
    expect(billingNotice(TOPICS.invoiceVoided, { ...invoice, number: null, dueAt: null, billingEmail: undefined })).toEqual({
      typeKey: 'billing.invoice.voided',
      billingEmail: null,
      variables: {
        invoiceId: 'inv-1',
        currency: 'EUR',
        total: 'EUR 601.94',
        amountDue: 'EUR 601.94',
        periodStart: '2026-10-01T00:00:00.000Z',
        periodEnd: '2026-11-01T00:00:00.000Z',
      },
    });
  });

  it('tells a failed payment and a usage threshold', () => {
    expect(
      billingNotice(TOPICS.paymentFailed, {
        org: 'acme',
        billingEmail: null,
        paymentId: 'pay-1',
        invoiceId: 'inv-1',
        invoiceNumber: 'ACME-000042',
        provider: 'stripe',
        currency: 'JPY',
        amountMinor: '4900',
        failureMessage: 'Your card was declined.',
        occurredAt: '2026-11-02T00:00:00.000Z',
      }),
    ).toEqual({
      typeKey: 'billing.payment.failed',
      billingEmail: null,
      variables: {
        invoiceId: 'inv-1',
        amount: 'JPY 4900',
        currency: 'JPY',
        provider: 'stripe',
        invoiceNumber: 'ACME-000042',
        failureMessage: 'Your card was declined.',
      },
    });
    expect(
      billingNotice(TOPICS.usageThresholdReached, {
        org: 'acme',
        billingEmail: 'ap@acme.example',
        subscriptionId: 'sub-1',
        metricCode: 'graphql_operations',
        threshold: 80,
        usage: '800',
        included: '1000',
        periodStart: '2026-11-01T00:00:00.000Z',
        periodEnd: '2026-12-01T00:00:00.000Z',
        occurredAt: '2026-11-20T00:00:00.000Z',
      }),
    ).toEqual({
      typeKey: 'billing.usage.threshold_reached',
      billingEmail: 'ap@acme.example',
      variables: { metricCode: 'graphql_operations', threshold: 80, usage: '800', included: '1000', periodEnd: '2026-12-01T00:00:00.000Z' },
    });
  });

  it('ignores other topics and refuses amounts it cannot format', () => {
    expect(billingNotice(TOPICS.adapterEvent, invoice)).toBeNull();
    expect(() => billingNotice(TOPICS.invoiceFinalized, { ...invoice, totalMinor: '6.01' })).toThrow(
      expect.objectContaining({ code: 'BAD_USER_INPUT' }),
    );
  });
});

import type { PrismaClient } from '@dictamesh/db';
import type { Logger } from '@dictamesh/runtime';
import type { SubgraphContext } from '@dictamesh/subgraph-kit';
import type { UsageSource } from './invoices/generate';
import type { InvoiceLinks } from './invoices/links';
import type { PaymentProviders } from './payments';

/** The billing subgraph's own fields of a request's context (one set per process). */
export interface BillingServices {
  /** The process-wide Prisma client. */
  prisma: PrismaClient;
  /** The clock (tests inject a fixed one). */
  now: () => Date;
  /** Usage of an organisation's metrics over `[from, to)` (the metering's aggregation), by metric code. */
  usage: UsageSource;
  providers: PaymentProviders;
  /** Publishes the outbox now (called after commits that wrote billing events). */
  publishEvents: () => void;
  links: InvoiceLinks;
  log: Logger;
}

/** Per-request context of the billing subgraph: the kit's (principal, org, loaders) and billing's services. */
export type BillingContext = SubgraphContext & BillingServices;

import { DateTimeResolver, JSONResolver } from 'graphql-scalars';
import { guardResolvers } from '@dictamesh/runtime';
import type { Resolvers } from '../__generated__/resolvers-types';
import { operatorOnly } from '../graphql/access';
import { CreditGrant, Invoice, InvoiceLine, Payment, invoiceMutations, invoiceQueries } from './invoices';
import { Money } from './money';
import { Organization, organizationMutations, organizationQueries } from './organization';
import { Charge, Plan, planMutations, planQueries } from './plans';
import { TaxRate, subscriptionMutations, subscriptionQueries } from './subscriptions';

/** All resolvers of the billing subgraph, guarded: arguments holding NUL are refused. */
export const resolvers: Resolvers = guardResolvers<Resolvers>({
  DateTime: DateTimeResolver,
  JSON: JSONResolver,
  Query: { ...organizationQueries, ...planQueries, ...subscriptionQueries, ...invoiceQueries },
  Mutation: operatorOnly({ ...organizationMutations, ...planMutations, ...subscriptionMutations, ...invoiceMutations }),
  Money,
  Organization,
  Plan,
  Charge,
  TaxRate,
  Invoice,
  InvoiceLine,
  Payment,
  CreditGrant,
});

import * as guard from '@dictamesh/net-guard';
import type { Socket } from 'node:net';
import { sourceGuard, type OutboundPolicy } from './address-policy';

/**
 * The net-guard's socket factory (node-postgres' `stream` option), refusing with
 * SourceAddressForbiddenError before anything is sent.
 */
export function guardedSocketFactory(policy: OutboundPolicy | guard.AddressGuard): () => Socket {
  return guard.guardedSocketFactory(sourceGuard(policy));
}

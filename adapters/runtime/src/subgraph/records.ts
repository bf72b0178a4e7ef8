import type { AdapterRegistration } from '@dictamesh/db';

/** An adapter registration row, the parent of `Adapter` resolvers (its secrets never leave it: no field reads them). */
export type AdapterRecord = AdapterRegistration;

/** Parent of `Organization`: the reference of the caller's own organisation (its `org`, e.g. `acme`, `default`). */
export interface OrganizationRecord {
  id: string;
}

import { SignJWT } from 'jose';
import type { EntityChange } from '@dictamesh/events';

/**
 * A caller's JWT as the stacks of the system tests accept it (`JWT_SECRET`): HS256, subject
 * `subject` (default `user@<org>`), the organisation in `org`, scopes space-separated in `scope`,
 * valid 10 minutes.
 */
export function orgToken(secret: string, org: string, scope: string, subject = `user@${org}`): Promise<string> {
  return new SignJWT({ org, scope })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(subject)
    .setExpirationTime('10m')
    .sign(new TextEncoder().encode(secret));
}

/** A schema-valid change of a CRM account `dictamesh:crm:account:<id>` named `name`. */
export function accountChange(urn: string, name: string, occurredAt = '2030-01-01T00:00:00.000Z'): EntityChange {
  return {
    urn,
    source: 'crm',
    entityType: 'account',
    sourceId: urn.split(':').pop()!,
    domain: 'sales',
    operation: 'updated',
    displayName: name,
    attributes: { name },
    occurredAt,
    relationships: [],
  };
}

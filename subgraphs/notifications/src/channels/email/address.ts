import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { err } from '@dictamesh/runtime';

const ajv = new Ajv();
(addFormats as unknown as (a: Ajv, formats: string[]) => void)(ajv, ['email']);
const isEmail = ajv.compile<string>({ type: 'string', format: 'email', maxLength: 254 });

/**
 * Checks an email address (ajv-formats' `email` format, full mode: RFC 5321 local part and
 * host name; at most 254 characters).
 * @throws DictaMeshError `NOTIFICATION_ADDRESS_INVALID` `{ channel: 'EMAIL' }`
 */
export function assertEmailAddress(address: string): void {
  if (!isEmail(address)) throw err('NOTIFICATION_ADDRESS_INVALID', 'Not an email address.', { channel: 'EMAIL' });
}

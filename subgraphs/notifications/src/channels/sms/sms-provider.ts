import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { err } from '@dictamesh/runtime';
import type { ChannelProvider, OutgoingMessage, SendOutcome } from '../channel';

/** One text message. */
export interface SmsMessage {
  /** The delivery id. */
  id: string;
  /** E.164 (`+41791234567`). */
  to: string;
  body: string;
}

/** An SMS gateway (Twilio, …): sends one message and says what the gateway answered (never throws for its errors). */
export interface SmsProvider {
  readonly name: string;
  send(message: SmsMessage): Promise<SendOutcome>;
  close?(): Promise<void>;
}

/** Longest SMS body sent, characters (10 concatenated segments). */
export const SMS_MAX_CHARS = 1_600;

/**
 * Checks a phone number: E.164 (`+` and 8 to 15 digits, no spaces) and a valid number of its
 * country (libphonenumber-js).
 * @throws DictaMeshError `NOTIFICATION_ADDRESS_INVALID` `{ channel: 'SMS' }`
 */
export function assertE164(address: string): void {
  const parsed = /^\+[1-9]\d{7,14}$/.test(address) ? parsePhoneNumberFromString(address) : undefined;
  if (!parsed?.isValid() || parsed.number !== address)
    throw err('NOTIFICATION_ADDRESS_INVALID', 'Not an E.164 phone number.', { channel: 'SMS' });
}

/** The SMS channel over an {@link SmsProvider} (undefined: SMS unavailable, numbers still checked). */
export function createSmsChannel(provider: SmsProvider | undefined): ChannelProvider {
  return {
    channel: 'SMS',
    available: provider !== undefined,
    validateAddress: assertE164,
    async send(message: OutgoingMessage): Promise<SendOutcome> {
      if (!provider) return { outcome: 'FAILED', error: 'SMS is not configured' };
      if (!message.to) return { outcome: 'FAILED', error: 'no phone number' };
      const text = message.subject ? `${message.subject}\n${message.text}` : message.text;
      return provider.send({
        id: message.id,
        to: message.to,
        body: text.length > SMS_MAX_CHARS ? `${text.slice(0, SMS_MAX_CHARS - 1)}…` : text,
      });
    },
    close: async () => provider?.close?.(),
  };
}

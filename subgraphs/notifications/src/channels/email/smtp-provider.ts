import nodemailer from 'nodemailer';
import type { ChannelProvider, OutgoingMessage, SendOutcome } from '../channel';
import { clip } from '../http/attempt';
import { assertEmailAddress } from './address';

/** SMTP settings of the EMAIL channel. */
export interface SmtpSettings {
  /** `smtp://user:pass@host:587` or `smtps://…:465` (nodemailer connection URL). */
  url: string;
  /** The `From` address. */
  from: string;
  /** Connections the pool keeps (default 5). */
  maxConnections?: number;
}

/** SMTP reply codes that reject the recipient itself (RFC 5321 §4.2.3): the address bounced. */
const RECIPIENT_REJECTED = new Set([550, 551, 553]);

/**
 * The outcome of a nodemailer failure: a 4xx reply `RETRY`; 550/551/553 (recipient rejected)
 * `BOUNCED`; another 5xx `FAILED`; no reply at all (connection, timeout, TLS) `RETRY`.
 */
export function smtpFailure(error: unknown): SendOutcome {
  const { responseCode, response, code, message } = error as { responseCode?: number; response?: string; code?: string; message?: string };
  const text = clip(response ?? message ?? String(error));
  if (typeof responseCode !== 'number') return { outcome: 'RETRY', error: `SMTP ${code ?? 'connection'} error: ${text}` };
  const failure = { statusCode: responseCode, response: text, error: `SMTP ${responseCode}` };
  if (responseCode >= 400 && responseCode < 500) return { outcome: 'RETRY', ...failure };
  if (RECIPIENT_REJECTED.has(responseCode)) return { outcome: 'BOUNCED', ...failure };
  return { outcome: 'FAILED', ...failure };
}

/**
 * EMAIL over SMTP (nodemailer, pooled connections): HTML and text bodies, `Message-ID:
 * <deliveryId@dictamesh>` so that a resend after a crash is the same message. The `From`
 * address follows `notifications.channels.email.fromAddress` live (else `settings.from`).
 */
export function createSmtpProvider(settings: SmtpSettings): ChannelProvider {
  const transport = nodemailer.createTransport({ url: settings.url, pool: true, maxConnections: settings.maxConnections ?? 5 });
  let from = settings.from;
  return {
    channel: 'EMAIL',
    available: true,
    validateAddress: assertEmailAddress,
    configure(entry) {
      from = typeof entry['fromAddress'] === 'string' ? entry['fromAddress'] : settings.from;
    },
    async send(message: OutgoingMessage): Promise<SendOutcome> {
      if (!message.to) return { outcome: 'FAILED', error: 'no recipient address' };
      try {
        const info = await transport.sendMail({
          from,
          to: message.to,
          subject: message.subject ?? message.notification.title,
          text: message.text,
          ...(message.html ? { html: message.html } : {}),
          messageId: `<${message.id}@dictamesh>`,
          headers: { 'X-DictaMesh-Notification': message.notification.id, 'X-DictaMesh-Type': message.typeKey },
        });
        return { outcome: 'DELIVERED', providerMessageId: info.messageId, response: clip(info.response) };
      } catch (error) {
        return smtpFailure(error);
      }
    },
    async close() {
      transport.close();
    },
  };
}

/** EMAIL without SMTP configured: addresses are still checked, nothing is sent. */
export function unavailableEmailProvider(): ChannelProvider {
  return {
    channel: 'EMAIL',
    available: false,
    validateAddress: assertEmailAddress,
    send: async () => ({ outcome: 'FAILED', error: 'EMAIL is not configured (NOTIFICATIONS_SMTP_URL)' }),
  };
}

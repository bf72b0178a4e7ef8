import { err } from '@dictamesh/runtime';
import type { ChannelProvider, OutgoingMessage, SendOutcome } from '../channel';

/** One push notification. */
export interface PushMessage {
  /** The delivery id. */
  id: string;
  /** The device's push token. */
  to: string;
  title: string;
  body: string;
  /** Delivered to the app with the notification. */
  data: Record<string, unknown>;
}

/** A push service (Expo, …): sends one notification and says what it answered (never throws for its errors). */
export interface PushProvider {
  readonly name: string;
  /**
   * Checks a device token of this service.
   * @throws DictaMeshError `NOTIFICATION_ADDRESS_INVALID`
   */
  validateToken(token: string): void;
  send(message: PushMessage): Promise<SendOutcome>;
  close?(): Promise<void>;
}

/** The PUSH channel over a {@link PushProvider} (undefined: PUSH unavailable, any non-empty token accepted). */
export function createPushChannel(provider: PushProvider | undefined): ChannelProvider {
  return {
    channel: 'PUSH',
    available: provider !== undefined,
    validateAddress(address: string) {
      if (provider) provider.validateToken(address);
      else if (!address.trim() || address.length > 4096)
        throw err('NOTIFICATION_ADDRESS_INVALID', 'Not a push token.', { channel: 'PUSH' });
    },
    async send(message: OutgoingMessage): Promise<SendOutcome> {
      if (!provider) return { outcome: 'FAILED', error: 'PUSH is not configured' };
      if (!message.to) return { outcome: 'FAILED', error: 'no push token' };
      const { notification } = message;
      return provider.send({
        id: message.id,
        to: message.to,
        title: message.subject ?? notification.title,
        body: message.text,
        data: { notificationId: notification.id, type: message.typeKey, entityUrn: notification.entityUrn },
      });
    },
    close: async () => provider?.close?.(),
  };
}

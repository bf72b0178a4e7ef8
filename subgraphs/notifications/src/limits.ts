/** Bounds of what one request may ask (checked before anything is written or queued). */
export interface NotificationLimits {
  /** Largest `variables` of a notification, bytes of its JSON (default 64 KiB). */
  maxVariablesBytes: number;
  /** Largest template part (subject, body, html), characters (default 100 000). */
  maxTemplateChars: number;
  /** Most recipients of one `sendNotification` (default 100). */
  maxRecipients: number;
  /** Largest rendered body of one delivery, bytes (default 256 KiB). */
  maxRenderedBytes: number;
}

/** Defaults of {@link NotificationLimits}. */
export const NOTIFICATION_LIMITS: NotificationLimits = Object.freeze({
  maxVariablesBytes: 65_536,
  maxTemplateChars: 100_000,
  maxRecipients: 100,
  maxRenderedBytes: 262_144,
});

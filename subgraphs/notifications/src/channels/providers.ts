import type { EventBus } from '@dictamesh/events';
import type { Logger } from '@dictamesh/runtime';
import type { ChannelProvider } from './channel';

/** What the operator configured for each channel (environment variables; see docs/notifications.md). */
export interface ChannelsConfig {
  /** SMTP (`NOTIFICATIONS_SMTP_URL`, e.g. `smtp://user:pass@mail.example.com:587`); unset: EMAIL unavailable. */
  smtp?: { url: string; from: string };
  /** SMS provider (Twilio Messages API shape); unset: SMS unavailable. */
  sms?: { baseUrl: string; accountSid: string; authToken: string; from: string };
  /** Push provider (Expo push API shape); unset: PUSH unavailable. */
  push?: { url: string; accessToken?: string };
  /** PagerDuty Events API v2 URL (default `https://events.pagerduty.com/v2/enqueue`). */
  pagerDutyEventsUrl?: string;
  /** Timeout of one HTTP delivery, ms (default 10 000). */
  httpTimeoutMs?: number;
}

/** What the providers need besides their configuration. */
export interface ChannelDeps {
  /** IN_APP publishes `dictamesh.notification.in_app` here. */
  bus: EventBus;
  log: Logger;
  /** Development only: endpoints on loopback and private addresses are reached. */
  allowPrivateNetworks: boolean;
}

/** SCAFFOLD (issue 15, helper "channels"): one provider per channel. */
export function createChannelProviders(_config: ChannelsConfig, _deps: ChannelDeps): ChannelProvider[] {
  return [];
}

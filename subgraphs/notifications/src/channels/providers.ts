import type { EventBus } from '@dictamesh/events';
import type { Resolver } from '@dictamesh/net-guard';
import type { Logger } from '@dictamesh/runtime';
import type { ChannelProvider } from './channel';
import { createSmtpProvider, unavailableEmailProvider } from './email/smtp-provider';
import type { Fetcher } from './http/attempt';
import { createEndpointFetch } from './http/endpoint-fetch';
import { createInAppProvider } from './in-app/in-app-provider';
import { createPagerDutyProvider } from './pagerduty/pagerduty-provider';
import { createExpoPush } from './push/expo';
import { createPushChannel } from './push/push-provider';
import { createSlackProvider } from './slack/slack-provider';
import { createSmsChannel } from './sms/sms-provider';
import { createTwilioSms } from './sms/twilio';
import { createWebhookProvider } from './webhook/webhook-provider';

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
  /** The clock (signature timestamps, `Retry-After` dates); default the system clock. */
  now?: () => Date;
  /** How endpoint host names are resolved (tests); default the system resolver. */
  resolve?: Resolver;
}

/** Default timeout of one HTTP delivery, ms. */
const HTTP_TIMEOUT_MS = 10_000;

/**
 * One provider per channel: EMAIL over SMTP (nodemailer, pooled), WEBHOOK (Standard Webhooks),
 * SLACK (incoming webhooks), PAGERDUTY (Events API v2), SMS (Twilio Messages API), PUSH (Expo
 * push API), IN_APP (the `dictamesh.notification.in_app` event). Channels whose configuration is
 * missing are unavailable (addresses are still checked). Tenant URLs (webhooks, Slack,
 * PagerDuty) are reached only through the net-guard: loopback and private addresses are refused
 * unless `deps.allowPrivateNetworks`. Operator-configured providers (SMS, push) use plain fetch.
 */
export function createChannelProviders(config: ChannelsConfig, deps: ChannelDeps): ChannelProvider[] {
  const now = deps.now ?? (() => new Date());
  const timeoutMs = config.httpTimeoutMs ?? HTTP_TIMEOUT_MS;
  const endpoints = createEndpointFetch({
    allowPrivateNetworks: deps.allowPrivateNetworks,
    ...(deps.resolve ? { resolve: deps.resolve } : {}),
  });
  const http = { fetch: endpoints.fetch, timeoutMs, now };
  const operatorFetch: Fetcher = (url, init) => fetch(url, init);
  const operator = { fetch: operatorFetch, timeoutMs, now };
  const webhook = createWebhookProvider(http);
  return [
    config.smtp ? createSmtpProvider(config.smtp) : unavailableEmailProvider(),
    createSmsChannel(config.sms ? createTwilioSms(config.sms, operator) : undefined),
    createPushChannel(config.push ? createExpoPush(config.push, operator) : undefined),
    createSlackProvider(http),
    // the endpoint channels share the guarded agent: closed once, with the webhook provider
    { ...webhook, close: () => endpoints.close() },
    createInAppProvider(deps.bus),
    createPagerDutyProvider(http),
  ];
}

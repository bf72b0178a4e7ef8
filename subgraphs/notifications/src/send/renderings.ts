import type { NotificationChannel } from '@dictamesh/db';
import { err } from '@dictamesh/runtime';
import type { NotificationsServices } from '../context';
import { renderNotification, type Rendered } from '../templates/render';

/** Bytes of a rendering as stored and sent: subject + text + HTML (UTF-8). */
export function renderedBytes(rendered: Rendered): number {
  return Buffer.byteLength(rendered.subject ?? '') + Buffer.byteLength(rendered.text) + Buffer.byteLength(rendered.html ?? '');
}

/**
 * The renderings of one request, each (channel, locale) rendered once with the request's
 * variables and checked against `limits.maxRenderedBytes`.
 */
export class Renderings {
  private readonly done = new Map<string, Promise<Rendered>>();

  constructor(
    private readonly services: Pick<NotificationsServices, 'prisma' | 'limits'>,
    private readonly q: { orgId: string; typeKey: string; variables: Record<string, unknown> },
  ) {}

  /**
   * The rendering of the template in use for `channel` and `locale` (after the lookup's fallbacks),
   * dates in `timezone` (IANA, default UTC).
   * @throws DictaMeshError `NOTIFICATION_TEMPLATE_UNKNOWN`, `NOTIFICATION_VARIABLES_INVALID`,
   *   `NOTIFICATION_BODY_TOO_LARGE` ({ channel, locale, bytes, limit })
   */
  get(channel: NotificationChannel, locale: string, timezone = 'UTC'): Promise<Rendered> {
    const key = `${channel}|${locale}|${timezone}`;
    let rendered = this.done.get(key);
    if (!rendered) {
      rendered = this.render(channel, locale, timezone);
      this.done.set(key, rendered);
    }
    return rendered;
  }

  private async render(channel: NotificationChannel, locale: string, timezone: string): Promise<Rendered> {
    const rendered = await renderNotification(this.services.prisma, { ...this.q, channel, locale, timezone });
    const bytes = renderedBytes(rendered);
    const limit = this.services.limits.maxRenderedBytes;
    if (bytes > limit)
      throw err('NOTIFICATION_BODY_TOO_LARGE', `The ${channel} rendering is ${bytes} bytes, over its limit of ${limit}.`, {
        channel,
        locale,
        bytes,
        limit,
      });
    return rendered;
  }
}

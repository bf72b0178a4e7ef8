import type { NotificationChannel, NotificationTemplate, PrismaClient } from '@dictamesh/db';

/** Where templates are looked for: the organisation's, then the platform's. */
export interface TemplateQuery {
  orgId: string;
  typeKey: string;
  channel: NotificationChannel;
  /** BCP 47 locale wanted (`fr-CA`). */
  locale: string;
}

/** The canonical form of a BCP 47 tag (`fr-ca` → `fr-CA`), or null when it is none (or longer than 35 characters). */
export function canonicalLocale(locale: string): string | null {
  if (locale.length === 0 || locale.length > 35) return null;
  try {
    return Intl.getCanonicalLocales(locale)[0] ?? null;
  } catch {
    return null;
  }
}

/** The locale itself (canonical case), then each shorter prefix, then `en`: `fr-CA` → `fr-CA`, `fr`, `en`. */
export function localeChain(locale: string): string[] {
  let canonical = locale;
  try {
    canonical = Intl.getCanonicalLocales(locale)[0] ?? locale;
  } catch {
    // not BCP 47: looked up as given, then `en`
  }
  const chain: string[] = [];
  const parts = canonical.split('-');
  for (let n = parts.length; n > 0; n--) chain.push(parts.slice(0, n).join('-'));
  if (!chain.includes('en')) chain.push('en');
  return chain;
}

/**
 * The template in use for a type, channel and locale: the highest version of the first match,
 * trying the channel then IN_APP (whose subject is the title, body the text), within each the
 * organisation's templates then the platform's, within each the locale chain
 * (`fr-CA` → `fr` → `en`, see {@link localeChain}).
 * @returns null when there is none at all
 */
export async function findTemplate(prisma: PrismaClient, q: TemplateQuery): Promise<NotificationTemplate | null> {
  const channels: NotificationChannel[] = q.channel === 'IN_APP' ? ['IN_APP'] : [q.channel, 'IN_APP'];
  const locales = localeChain(q.locale);
  const rows = await prisma.notificationTemplate.findMany({
    where: { typeKey: q.typeKey, channel: { in: channels }, locale: { in: locales }, OR: [{ orgId: q.orgId }, { orgId: null }] },
    orderBy: { version: 'desc' },
  });
  const rank = (t: NotificationTemplate) =>
    channels.indexOf(t.channel) * 10_000 + (t.orgId === null ? 1 : 0) * 1_000 + locales.indexOf(t.locale);
  let best: NotificationTemplate | null = null;
  for (const row of rows) if (!best || rank(row) < rank(best)) best = row;
  return best;
}

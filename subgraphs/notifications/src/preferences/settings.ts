import type { NotificationChannel, NotificationSubscriber, PrismaClient } from '@dictamesh/db';
import { err } from '@dictamesh/runtime';
import { canonicalLocale } from '../templates/lookup';
import { findType } from '../types/types';
import { assertQuietHours, isValidTimeZone } from './quiet-hours';

/** Shortest and longest digest window, seconds. */
export const DIGEST_WINDOW = { min: 60, max: 604_800 } as const;
/** Most preferences or digests in one update. */
const MAX_ITEMS = 100;

/** A change of a subscriber's settings (`updateNotificationSettings`'s input). */
export interface SettingsChange {
  locale?: string | null;
  timezone?: string | null;
  quietHours?: { start: string; end: string } | null;
  clearQuietHours?: boolean | null;
  preferences?: { type?: string | null; channel?: NotificationChannel | null; enabled: boolean }[] | null;
  digests?: { type: string; windowSeconds?: number | null }[] | null;
}

/** A subscriber's settings as `NotificationSettings` shows them. */
export interface Settings {
  subscriber: NotificationSubscriber;
  preferences: { type: string | null; channel: NotificationChannel | null; enabled: boolean }[];
  digests: { type: string; windowSeconds: number }[];
}

/** A subscriber's preferences (global first, then by type and channel) and digests (by type). */
export async function readSettings(prisma: PrismaClient, subscriber: NotificationSubscriber): Promise<Settings> {
  const [preferences, digests] = await Promise.all([
    prisma.notificationPreference.findMany({ where: { subscriberId: subscriber.id } }),
    prisma.notificationDigestSetting.findMany({ where: { subscriberId: subscriber.id }, orderBy: { typeKey: 'asc' } }),
  ]);
  const rank = (v: string | null) => v ?? '';
  return {
    subscriber,
    preferences: preferences
      .map((p) => ({ type: p.typeKey, channel: p.channel, enabled: p.enabled }))
      .sort((a, b) => rank(a.type).localeCompare(rank(b.type)) || rank(a.channel).localeCompare(rank(b.channel))),
    digests: digests.map((d) => ({ type: d.typeKey, windowSeconds: d.windowSeconds })),
  };
}

/** Checks a locale and a time zone, adding problems; returns the canonical locale. */
export function localeAndZoneProblems(input: { locale?: string | null; timezone?: string | null }, problems: string[]): string | undefined {
  let locale: string | undefined;
  if (input.locale !== undefined && input.locale !== null) {
    locale = canonicalLocale(input.locale) ?? undefined;
    if (!locale) problems.push(`"${input.locale}" is not a BCP 47 locale`);
  }
  if (input.timezone !== undefined && input.timezone !== null && !isValidTimeZone(input.timezone)) {
    problems.push(`"${input.timezone}" is not an IANA time zone`);
  }
  return locale;
}

/**
 * Validates, then applies a change of a subscriber's settings in one transaction: locale (BCP 47,
 * stored canonical), time zone (IANA), quiet hours (`HH:MM`, or cleared), preferences upserted
 * by (type, channel) — a known type; muting a critical type is refused — and digests upserted
 * by type (60 … 604 800 s; null removes; not for critical types). Nothing is written when
 * anything is wrong.
 * @throws DictaMeshError `NOTIFICATION_PREFERENCE_INVALID` `{ problems: string[] }`, `NOTIFICATION_TYPE_UNKNOWN` `{ type }`
 */
export async function updateSettings(prisma: PrismaClient, subscriber: NotificationSubscriber, change: SettingsChange): Promise<Settings> {
  const problems: string[] = [];
  const locale = localeAndZoneProblems(change, problems);
  const timezone = change.timezone ?? subscriber.timezone;
  if (change.quietHours && change.clearQuietHours) problems.push('quietHours and clearQuietHours together');
  if (change.quietHours && isValidTimeZone(timezone)) {
    try {
      assertQuietHours({ ...change.quietHours, timezone });
    } catch (error) {
      problems.push(...((error as { details?: { problems?: string[] } }).details?.problems ?? []));
    }
  }
  const preferences = change.preferences ?? [];
  const digests = change.digests ?? [];
  if (preferences.length > MAX_ITEMS || digests.length > MAX_ITEMS)
    problems.push(`at most ${MAX_ITEMS} preferences and ${MAX_ITEMS} digests at once`);
  const typeKeys = [...new Set([...preferences.flatMap((p) => (p.type ? [p.type] : [])), ...digests.map((d) => d.type)])];
  const types = new Map<string, { critical: boolean }>();
  for (const key of typeKeys.slice(0, MAX_ITEMS * 2)) {
    const type = await findType(prisma, subscriber.orgId, key);
    if (!type) throw err('NOTIFICATION_TYPE_UNKNOWN', undefined, { type: key });
    types.set(key, type);
  }
  const seen = new Set<string>();
  for (const p of preferences) {
    const id = `${p.type ?? '*'}/${p.channel ?? '*'}`;
    if (seen.has(id)) problems.push(`preference ${id} is given twice`);
    seen.add(id);
    if (p.type && !p.enabled && types.get(p.type)?.critical) problems.push(`"${p.type}" is critical: it cannot be muted`);
  }
  const seenDigests = new Set<string>();
  for (const d of digests) {
    if (seenDigests.has(d.type)) problems.push(`digest of "${d.type}" is given twice`);
    seenDigests.add(d.type);
    if (d.windowSeconds === null || d.windowSeconds === undefined) continue;
    if (!Number.isInteger(d.windowSeconds) || d.windowSeconds < DIGEST_WINDOW.min || d.windowSeconds > DIGEST_WINDOW.max) {
      problems.push(`digest window of "${d.type}" must be ${DIGEST_WINDOW.min} to ${DIGEST_WINDOW.max} seconds`);
    }
    if (types.get(d.type)?.critical) problems.push(`"${d.type}" is critical: it cannot be folded into a digest`);
  }
  if (problems.length > 0) throw err('NOTIFICATION_PREFERENCE_INVALID', undefined, { problems });

  const updated = await prisma.$transaction(async (tx) => {
    const row = await tx.notificationSubscriber.update({
      where: { id: subscriber.id },
      data: {
        ...(locale ? { locale } : {}),
        ...(change.timezone ? { timezone: change.timezone } : {}),
        ...(change.quietHours ? { quietHoursStart: change.quietHours.start, quietHoursEnd: change.quietHours.end } : {}),
        ...(change.clearQuietHours ? { quietHoursStart: null, quietHoursEnd: null } : {}),
      },
    });
    for (const p of preferences) {
      const where = { subscriberId: subscriber.id, typeKey: p.type ?? null, channel: p.channel ?? null };
      const { count } = await tx.notificationPreference.updateMany({ where, data: { enabled: p.enabled } });
      if (count === 0) await tx.notificationPreference.create({ data: { ...where, enabled: p.enabled } });
    }
    for (const d of digests) {
      const unique = { subscriberId_typeKey: { subscriberId: subscriber.id, typeKey: d.type } };
      if (d.windowSeconds === null || d.windowSeconds === undefined) {
        await tx.notificationDigestSetting.deleteMany({ where: { subscriberId: subscriber.id, typeKey: d.type } });
      } else {
        await tx.notificationDigestSetting.upsert({
          where: unique,
          create: { subscriberId: subscriber.id, typeKey: d.type, windowSeconds: d.windowSeconds },
          update: { windowSeconds: d.windowSeconds },
        });
      }
    }
    return row;
  });
  return readSettings(prisma, updated);
}

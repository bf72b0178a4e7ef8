import type { PrismaClient } from '@dictamesh/db';
import { variablesToJson } from '../templates/variables';
import { PLATFORM_TYPES } from './platform';

/**
 * Seeds the platform's notification types ({@link PLATFORM_TYPES}) and their templates as
 * version 1, where absent. Idempotent and safe when several processes start at once: rows are
 * inserted with `ON CONFLICT DO NOTHING` on the SQL unique indexes (types: (COALESCE(org_id, ''),
 * key); templates: (COALESCE(org_id, ''), type_key, channel, locale, version)), so existing types
 * and templates (and the platform operator's edits, which are later versions) are left alone.
 */
export async function seedPlatformTypes(prisma: PrismaClient): Promise<void> {
  await prisma.notificationType.createMany({
    data: PLATFORM_TYPES.map((t) => ({
      orgId: null,
      key: t.key,
      description: t.description,
      priority: t.priority,
      critical: t.critical,
      defaultChannels: t.defaultChannels,
      fallbackChannel: t.fallbackChannel,
    })),
    skipDuplicates: true,
  });
  await prisma.notificationTemplate.createMany({
    data: PLATFORM_TYPES.flatMap((t) =>
      t.templates.map((template) => ({
        orgId: null,
        typeKey: t.key,
        channel: template.channel,
        locale: template.locale,
        version: 1,
        subject: template.subject,
        body: template.body,
        html: template.html ?? null,
        variables: variablesToJson(t.variables),
        createdBy: 'platform-seed',
      })),
    ),
    skipDuplicates: true,
  });
}

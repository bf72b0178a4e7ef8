import { type NotificationTemplate, Prisma } from '@dictamesh/db';
import { err } from '@dictamesh/runtime';
import type { Resolvers } from '../__generated__/resolvers-types';
import { assertPlatformOperator, callerOrg } from '../graphql/access';
import { checkTemplate } from '../templates/check';
import { canonicalLocale } from '../templates/lookup';
import { renderNotification } from '../templates/render';
import { variablesFromJson, variablesToJson, type TemplateVariable } from '../templates/variables';
import { requireType } from '../types/types';

/** Whether an error is a unique violation (Prisma `P2002`, or SQLSTATE 23505 through the driver adapter). */
function isUniqueViolation(error: unknown): boolean {
  const e = error as {
    code?: unknown;
    meta?: { code?: unknown; driverAdapterError?: { cause?: { code?: unknown; originalCode?: unknown } } };
  };
  const cause = e?.meta?.driverAdapterError?.cause;
  return (
    e?.code === 'P2002' || e?.code === '23505' || e?.meta?.code === '23505' || cause?.code === '23505' || cause?.originalCode === '23505'
  );
}

/** The newest version of each (org, type, channel, locale) among rows ordered by version, newest first. */
function latest(rows: NotificationTemplate[]): NotificationTemplate[] {
  const seen = new Set<string>();
  return rows.filter((row) => {
    const key = `${row.orgId ?? ''}\u0000${row.typeKey}\u0000${row.channel}\u0000${row.locale}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Templates: `notificationTemplates` (the organisation's and the platform's, latest version of
 * each unless `allVersions`), `previewNotification` (renders the template in use after fallback;
 * nothing is sent), `saveNotificationTemplate` (checked first — every variable used declared,
 * known helpers, syntax, sizes — then written as version = previous highest + 1, the type row
 * locked so concurrent saves get consecutive versions; `platform: true` needs `dictamesh:platform`).
 */
export const templatesResolvers: Resolvers = {
  Query: {
    notificationTemplates: async (_parent, args, ctx) => {
      const orgId = callerOrg(ctx, 'admin');
      const locale = args.locale ? (canonicalLocale(args.locale) ?? args.locale) : null;
      const rows = await ctx.prisma.notificationTemplate.findMany({
        where: {
          OR: [{ orgId }, { orgId: null }],
          ...(args.type ? { typeKey: args.type } : {}),
          ...(args.channel ? { channel: args.channel } : {}),
          ...(locale ? { locale } : {}),
        },
        orderBy: [
          { typeKey: 'asc' },
          { channel: 'asc' },
          { locale: 'asc' },
          { orgId: { sort: 'asc', nulls: 'last' } },
          { version: 'desc' },
        ],
      });
      return args.allVersions ? rows : latest(rows);
    },
    previewNotification: async (_parent, args, ctx) => {
      const orgId = callerOrg(ctx, 'admin');
      await requireType(ctx.prisma, orgId, args.type);
      const variables = args.variables;
      if (typeof variables !== 'object' || variables === null || Array.isArray(variables)) {
        throw err('NOTIFICATION_VARIABLES_INVALID', undefined, { problems: [{ name: '', problem: 'variables must be an object' }] });
      }
      const rendered = await renderNotification(ctx.prisma, {
        orgId,
        typeKey: args.type,
        channel: args.channel,
        locale: args.locale ?? 'en',
        variables: variables as Record<string, unknown>,
      });
      return {
        subject: rendered.subject,
        body: rendered.text,
        html: rendered.html,
        templateVersion: rendered.templateVersion,
        locale: rendered.locale,
      };
    },
  },
  Mutation: {
    saveNotificationTemplate: async (_parent, { input }, ctx) => {
      const org = callerOrg(ctx, 'admin');
      if (input.platform) assertPlatformOperator(ctx);
      const orgId = input.platform ? null : org;
      const type = input.platform
        ? await ctx.prisma.notificationType.findFirst({ where: { orgId: null, key: input.type } })
        : await requireType(ctx.prisma, org, input.type);
      if (!type) throw err('NOTIFICATION_TYPE_UNKNOWN', undefined, { type: input.type });
      const locale = canonicalLocale(input.locale ?? 'en');
      if (!locale) throw err('NOTIFICATION_TEMPLATE_INVALID', undefined, { problems: [`"${input.locale}" is not a BCP 47 locale`] });
      const variables: TemplateVariable[] = input.variables.map((v) => ({ name: v.name, type: v.type, required: v.required ?? true }));
      const parts = { subject: input.subject ?? null, body: input.body, html: input.html ?? null };
      checkTemplate(parts, variables, ctx.limits.maxTemplateChars);
      if (input.channel === 'EMAIL' && !parts.subject?.trim()) {
        throw err('NOTIFICATION_TEMPLATE_INVALID', undefined, { problems: ['an EMAIL template needs a subject'] });
      }
      try {
        return await ctx.prisma.$transaction(async (tx) => {
          // serialises saves of the type's templates: each reads the highest version after the previous commit
          await tx.$queryRaw(Prisma.sql`SELECT id FROM dictamesh_notification_types WHERE id = ${type.id}::uuid FOR UPDATE`);
          const where = { orgId, typeKey: input.type, channel: input.channel, locale };
          const max = await tx.notificationTemplate.aggregate({ where, _max: { version: true } });
          return tx.notificationTemplate.create({
            data: {
              ...where,
              ...parts,
              version: (max._max.version ?? 0) + 1,
              variables: variablesToJson(variables),
              createdBy: ctx.principal.subject,
            },
          });
        });
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw err('NOTIFICATION_TEMPLATE_INVALID', 'Another version of this template was saved at the same time: save again.', {
            problems: ['concurrent save'],
          });
        }
        throw error;
      }
    },
  },
  NotificationTemplate: {
    type: (template) => template.typeKey,
    variables: (template) => variablesFromJson(template.variables),
    platform: (template) => template.orgId === null,
  },
};

import type { EntityChangeOperation, NotificationRuleFilter, Resolvers } from '../__generated__/resolvers-types';
import type { RuleFilter } from '../rules/filter';
import { createRule, deleteRule, enabledRulesOf, listRules, rulesForEntity, updateRule } from '../rules/rules';
import { callerSubscriber } from '../subscribers/subscribers';
import type { NotificationsContext } from '../context';

/** The caller's enabled rules, read once per request (a list of entities asks for each). */
const requestRules = new WeakMap<NotificationsContext, ReturnType<typeof enabledRulesOf>>();

function callerEnabledRules(ctx: NotificationsContext): ReturnType<typeof enabledRulesOf> {
  let rules = requestRules.get(ctx);
  if (!rules) {
    rules = callerSubscriber(ctx, 'read').then((subscriber) => enabledRulesOf(ctx, subscriber));
    requestRules.set(ctx, rules);
  }
  return rules;
}

/** A stored filter as GraphQL shows it (operations upper-case, absent parts null). */
function filterOf(stored: unknown): NotificationRuleFilter {
  const filter = (stored ?? {}) as RuleFilter;
  return {
    entityTypes: filter.entityTypes ?? null,
    sources: filter.sources ?? null,
    urnPrefix: filter.urnPrefix ?? null,
    operations: filter.operations?.map((op) => op.toUpperCase() as EntityChangeOperation) ?? null,
  };
}

/**
 * Rules: "tell me when entities matching this filter change". Each caller (its subscriber, see
 * `callerSubscriber`) reads and writes its own rules only; `Entity.notificationRules` lists the
 * caller's enabled rules an entity's changes can match.
 */
export const rulesResolvers: Resolvers = {
  Query: {
    myNotificationRules: async (_parent, _args, ctx) => listRules(ctx, await callerSubscriber(ctx, 'read')),
  },
  Mutation: {
    createNotificationRule: async (_parent, { input }, ctx) => createRule(ctx, await callerSubscriber(ctx, 'write'), input),
    updateNotificationRule: async (_parent, { id, input }, ctx) => updateRule(ctx, await callerSubscriber(ctx, 'write'), id, input),
    deleteNotificationRule: async (_parent, { id }, ctx) => deleteRule(ctx, await callerSubscriber(ctx, 'write'), id),
  },
  NotificationRule: {
    type: (rule) => rule.typeKey,
    filter: (rule) => filterOf(rule.filter),
  },
  Entity: {
    notificationRules: async (entity, _args, ctx) => rulesForEntity(await callerEnabledRules(ctx), entity.urn),
  },
};

import type { NotificationChannel, NotificationRule, NotificationSubscriber, Prisma } from '@dictamesh/db';
import { err } from '@dictamesh/runtime';
import type { NotificationsServices } from '../context';
import { requireType } from '../types/types';
import { checkRuleFilter, ruleMatchesUrn, type RuleFilter, type RuleFilterInput, type RuleProblem } from './filter';

/** Bounds of a subscriber's rules. */
export const RULE_LIMITS = Object.freeze({
  /** Characters of a rule's name. */
  maxNameChars: 200,
  /** Rules one subscriber may have. */
  maxRulesPerSubscriber: 100,
});

/** Channels a rule cannot name: they go to the organisation's endpoints, which its administrators manage, not to the rule's subscriber. */
const ENDPOINT_CHANNELS: readonly NotificationChannel[] = ['WEBHOOK', 'SLACK', 'PAGERDUTY'];

/** A rule as given (`NotificationRuleInput`, defaults applied by GraphQL). */
export interface RuleInput {
  name: string;
  filter: RuleFilterInput;
  /** Notification type key (default `entity.changed`). */
  type?: string | null;
  /** Empty: the type's default channels. */
  channels?: readonly NotificationChannel[] | null;
  enabled?: boolean | null;
}

/** A rule's checked fields, as stored. */
interface CheckedRule {
  name: string;
  filter: RuleFilter;
  typeKey: string;
  channels: NotificationChannel[];
  enabled: boolean;
}

/**
 * Checks a rule, reading only: name (1…200 characters), filter ({@link checkRuleFilter}) and
 * channels (each once, no endpoint channel) are checked together and every problem listed; then
 * the type must exist for the organisation and every channel be available.
 * @throws DictaMeshError `NOTIFICATION_RULE_INVALID` ({ problems: RuleProblem[] }),
 *   `NOTIFICATION_TYPE_UNKNOWN`, `NOTIFICATION_CHANNEL_UNAVAILABLE`
 */
async function checkRule(services: NotificationsServices, orgId: string, input: RuleInput): Promise<CheckedRule> {
  const problems: RuleProblem[] = [];
  const name = input.name.trim();
  if (name === '') problems.push({ field: 'name', problem: 'must not be empty' });
  else if (name.length > RULE_LIMITS.maxNameChars)
    problems.push({ field: 'name', problem: `at most ${RULE_LIMITS.maxNameChars} characters (got ${name.length})` });
  const { filter, problems: filterProblems } = checkRuleFilter(input.filter);
  problems.push(...filterProblems);
  const channels = [...new Set(input.channels ?? [])];
  channels.forEach((channel) => {
    if (ENDPOINT_CHANNELS.includes(channel))
      problems.push({ field: 'channels', problem: `${channel} goes to the organisation's endpoints, not to the rule's subscriber` });
  });
  if (problems.length > 0) throw err('NOTIFICATION_RULE_INVALID', undefined, { problems });
  const type = await requireType(services.prisma, orgId, input.type ?? 'entity.changed');
  for (const channel of channels) services.channels.require(channel);
  return { name, filter, typeKey: type.key, channels, enabled: input.enabled ?? true };
}

/** The caller's rules, oldest first. */
export function listRules(services: NotificationsServices, subscriber: NotificationSubscriber): Promise<NotificationRule[]> {
  return services.prisma.notificationRule.findMany({
    where: { subscriberId: subscriber.id },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  });
}

/**
 * Creates a rule of the subscriber (checked first; nothing is written when it is refused).
 * @throws DictaMeshError `NOTIFICATION_RULE_INVALID` (also when the subscriber has
 *   {@link RULE_LIMITS}.maxRulesPerSubscriber rules), `NOTIFICATION_TYPE_UNKNOWN`,
 *   `NOTIFICATION_CHANNEL_UNAVAILABLE`
 */
export async function createRule(
  services: NotificationsServices,
  subscriber: NotificationSubscriber,
  input: RuleInput,
): Promise<NotificationRule> {
  const checked = await checkRule(services, subscriber.orgId, input);
  const count = await services.prisma.notificationRule.count({ where: { subscriberId: subscriber.id } });
  if (count >= RULE_LIMITS.maxRulesPerSubscriber) {
    throw err('NOTIFICATION_RULE_INVALID', undefined, {
      problems: [{ field: 'rules', problem: `at most ${RULE_LIMITS.maxRulesPerSubscriber} rules per subscriber` }],
    });
  }
  return services.prisma.notificationRule.create({
    data: { orgId: subscriber.orgId, subscriberId: subscriber.id, ...checked, filter: checked.filter as Prisma.InputJsonValue },
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Replaces a rule of the subscriber (the same checks as {@link createRule}).
 * @throws DictaMeshError `NOTIFICATION_RULE_UNKNOWN` for an unknown id or another subscriber's
 *   rule (never told apart), and the codes of {@link createRule}
 */
export async function updateRule(
  services: NotificationsServices,
  subscriber: NotificationSubscriber,
  id: string,
  input: RuleInput,
): Promise<NotificationRule> {
  if (
    !UUID.test(id) ||
    !(await services.prisma.notificationRule.findFirst({ where: { id, subscriberId: subscriber.id }, select: { id: true } }))
  ) {
    throw err('NOTIFICATION_RULE_UNKNOWN', undefined, { id });
  }
  const checked = await checkRule(services, subscriber.orgId, input);
  const { count } = await services.prisma.notificationRule.updateMany({
    where: { id, subscriberId: subscriber.id },
    data: { ...checked, filter: checked.filter as Prisma.InputJsonValue },
  });
  // deleted meanwhile
  if (count === 0) throw err('NOTIFICATION_RULE_UNKNOWN', undefined, { id });
  return services.prisma.notificationRule.findUniqueOrThrow({ where: { id } });
}

/** Deletes a rule of the subscriber. @returns false when the subscriber has no rule with this id */
export async function deleteRule(services: NotificationsServices, subscriber: NotificationSubscriber, id: string): Promise<boolean> {
  if (!UUID.test(id)) return false;
  const { count } = await services.prisma.notificationRule.deleteMany({ where: { id, subscriberId: subscriber.id } });
  return count > 0;
}

/** A subscriber's enabled rules with their parsed filters (invalid stored filters left out). */
export async function enabledRulesOf(
  services: NotificationsServices,
  subscriber: NotificationSubscriber,
): Promise<{ rule: NotificationRule; filter: RuleFilter }[]> {
  const rules = await services.prisma.notificationRule.findMany({
    where: { subscriberId: subscriber.id, enabled: true },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  });
  return rules.flatMap((rule) => {
    const { filter, problems } = checkRuleFilter(rule.filter as RuleFilterInput);
    return problems.length === 0 ? [{ rule, filter }] : [];
  });
}

/** The rules of {@link enabledRulesOf} that changes of the entity `urn` can match ({@link ruleMatchesUrn}). */
export function rulesForEntity(rules: readonly { rule: NotificationRule; filter: RuleFilter }[], urn: string): NotificationRule[] {
  return rules.filter(({ filter }) => ruleMatchesUrn(filter, urn)).map(({ rule }) => rule);
}

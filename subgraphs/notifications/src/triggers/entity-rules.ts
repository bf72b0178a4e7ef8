import type { NotificationChannel, NotificationRule } from '@dictamesh/db';
import type { BusRecord, EntityChange } from '@dictamesh/events';
import type { NotificationsServices } from '../context';
import { checkRuleFilter, ruleMatches, type RuleFilter } from '../rules/filter';
import type { NotificationRequest } from '../send/request';
import { eventOrg } from './event-org';
import { acceptTriggered } from './notify';

/** An enabled rule with its parsed filter. */
interface LiveRule {
  rule: NotificationRule;
  filter: RuleFilter;
}

/**
 * The enabled rules of the organisations, by organisation, with their filters parsed (one query
 * for the whole batch; a stored filter that no longer parses is left out with a warning).
 */
async function enabledRules(services: NotificationsServices, orgIds: string[]): Promise<Map<string, LiveRule[]>> {
  const rows = await services.prisma.notificationRule.findMany({
    where: { orgId: { in: orgIds }, enabled: true },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  });
  const byOrg = new Map<string, LiveRule[]>();
  for (const rule of rows) {
    const { filter, problems } = checkRuleFilter(rule.filter as never);
    if (problems.length > 0) {
      services.log.warn({ org: rule.orgId, ruleId: rule.id, problems }, 'notification rule skipped: its stored filter is invalid');
      continue;
    }
    byOrg.set(rule.orgId, [...(byOrg.get(rule.orgId) ?? []), { rule, filter }]);
  }
  return byOrg;
}

/** The `entity.changed` variables of a change (optional ones only when the change has them). */
export function entityChangedVariables(ruleName: string, change: EntityChange): Record<string, unknown> {
  return {
    ruleName,
    operation: change.operation,
    entityUrn: change.urn,
    entityType: change.entityType,
    source: change.source,
    occurredAt: change.occurredAt,
    ...(change.displayName ? { entityName: change.displayName } : {}),
    ...(change.changedAttributes && change.changedAttributes.length > 0 ? { changedFields: change.changedAttributes } : {}),
  };
}

/**
 * The rule's channels that are available; undefined (the type's defaults) when it names none;
 * an empty list when none it names is available.
 */
function ruleChannels(services: NotificationsServices, rule: NotificationRule): NotificationChannel[] | undefined {
  if (rule.channels.length === 0) return undefined;
  return rule.channels.filter((channel) => services.channels.isAvailable(channel));
}

/**
 * The write of the `dictamesh-notifications-entities` group: each entity change (in order) is
 * matched against the enabled rules of its organisation (CloudEvent `orgid`, else the default
 * organisation), and each match notifies the rule's subscriber with the rule's type on the rule's
 * channels (or the type's defaults), `ruleId` and `entityUrn` set, the CloudEvent id as the
 * dedupe key (a redelivered change notifies nobody twice). The rules are read once per batch (so
 * a rule written on any instance applies from the next batch).
 * @returns how many notification requests were accepted
 */
export async function notifyRuleMatches(services: NotificationsServices, records: readonly BusRecord[]): Promise<number> {
  const changes = records.map((record) => ({ record, org: eventOrg(record.event), change: record.event.data as EntityChange }));
  const rules = await enabledRules(services, [...new Set(changes.map((c) => c.org))]);
  let accepted = 0;
  for (const { record, org, change } of changes) {
    for (const { rule, filter } of rules.get(org) ?? []) {
      if (!ruleMatches(filter, change, change.operation)) continue;
      const channels = ruleChannels(services, rule);
      if (channels !== undefined && channels.length === 0) {
        services.log.debug(
          { org, ruleId: rule.id, channels: rule.channels },
          'notification rule matched, but none of its channels is available',
        );
        continue;
      }
      const request: NotificationRequest = {
        orgId: org,
        typeKey: rule.typeKey,
        recipients: [{ kind: 'subscriber', subscriberId: rule.subscriberId }],
        variables: entityChangedVariables(rule.name, change),
        ...(channels ? { channels } : {}),
        entityUrn: change.urn,
        ruleId: rule.id,
        source: { eventId: record.event.id, type: record.event.type },
      };
      if (await acceptTriggered(services, request)) accepted += 1;
    }
  }
  return accepted;
}

import { Prisma, type PrismaClient } from '@dictamesh/db';
import { deadLetterHeaders, TOPICS, type BusRecord, type EventBus } from '@dictamesh/events';
import { DEFAULT_ORG, type Logger } from '@dictamesh/runtime';
import type { ChangeItem } from './apply-change';

/** Options of {@link reportForeignChanges}. */
export interface ForeignChangeReport {
  bus: EventBus;
  prisma: PrismaClient;
  log: Logger;
  /** Consumer group that refused the changes (the DLQ header `dlq-consumer-group`). */
  groupId: string;
  /** Counts one refused change (metric `dictamesh_catalog_foreign_changes_total{org, source}`). */
  onForeign?: (org: string, source: string) => void;
}

/**
 * What becomes of changes the ingest refused as `foreign` (their URN is held by another
 * organisation): each is logged (sending and owning organisation, URN, CloudEvent id and
 * source), counted, and sent to the DLQ with the reason in `dlq-error` — so it appears among
 * the dead letters of the organisation that sent it (CloudEvent `orgid`), where its operators
 * can see, replay or discard it. The reason names neither the owner nor its data.
 *
 * @param refused - the refused records with their parsed items
 * @throws bus / database errors (the batch is then retried: applied records are duplicates by then)
 */
export async function reportForeignChanges(
  options: ForeignChangeReport,
  refused: ReadonlyArray<{ record: BusRecord; item: ChangeItem }>,
): Promise<void> {
  if (refused.length === 0) return;
  const urns = [...new Set(refused.map(({ item }) => item.change.urn))];
  const owners = await options.prisma.$queryRaw<Array<{ urn: string; org_id: string }>>`
    SELECT urn, org_id FROM dictamesh_entity_catalog WHERE urn IN (${Prisma.join(urns)})`;
  const ownerOf = new Map(owners.map((o) => [o.urn, o.org_id]));
  for (const { item } of refused) {
    const org = item.envelope.org ?? DEFAULT_ORG;
    const source = item.change.source.slice(0, 64);
    options.log.warn(
      { org, owner: ownerOf.get(item.change.urn), urn: item.change.urn, eventId: item.envelope.id, source: item.envelope.source },
      'foreign change refused',
    );
    options.onForeign?.(org, source);
  }
  await options.bus.publish(
    TOPICS.dlq,
    refused.map(({ record, item }) => ({
      key: record.key,
      event: record.event,
      headers: deadLetterHeaders(
        record,
        options.groupId,
        `foreign: ${item.change.urn} belongs to another organisation; the change was neither logged nor applied`,
        1,
      ),
    })),
  );
}

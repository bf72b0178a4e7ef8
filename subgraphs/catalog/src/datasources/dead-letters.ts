import { type Prisma, type DeadLetterStatus, type PrismaClient } from '@dictamesh/db';
import type { EventBus } from '@dictamesh/events';
import { CloudEvent } from 'cloudevents';
import { echo, err } from '@dictamesh/runtime';
import { assertBetween, decodeCursor, encodeCursor } from './pagination';
import type { DeadLetterConnectionRecord, DeadLetterRecord } from './records';

const MAX_PAGE = 500;

/**
 * Dead letters of organisation `org` in one status, newest first, keyset-paginated on (createdAt, id).
 * @throws DictaMeshError `BAD_USER_INPUT` (field `first`) outside 1–500; `INVALID_CURSOR`
 */
export async function listDeadLetters(
  prisma: PrismaClient,
  args: { org: string; status: DeadLetterStatus; first: number; after?: string | null },
): Promise<DeadLetterConnectionRecord> {
  assertBetween(args.first, 1, MAX_PAGE, 'first');
  const where: Prisma.DeadLetterWhereInput = { status: args.status, orgId: args.org };
  if (args.after) {
    const { at, id } = decodeCursor(args.after);
    where.OR = [{ createdAt: { lt: at } }, { createdAt: at, id: { lt: id } }];
  }
  const rows = await prisma.deadLetter.findMany({ where, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: args.first + 1 });
  const nodes = rows.slice(0, args.first);
  const last = nodes[nodes.length - 1];
  return {
    nodes,
    hasNextPage: rows.length > args.first,
    endCursor: last ? encodeCursor(last.createdAt, last.id) : null,
  };
}

/** A dead letter of organisation `org` by id; null when unknown, malformed or another organisation's. */
export async function deadLetterOf(prisma: PrismaClient, org: string, id: string): Promise<DeadLetterRecord | null> {
  const row = await prisma.deadLetter.findUnique({ where: { id } }).catch(() => null);
  return row?.orgId === org ? row : null;
}

async function pending(prisma: PrismaClient, org: string, id: string): Promise<DeadLetterRecord> {
  const row = await deadLetterOf(prisma, org, id);
  if (!row) throw err('NOT_FOUND', `No dead letter ${echo(id)}`, { field: 'id' });
  if (row.status !== 'PENDING') throw err('BAD_USER_INPUT', `Dead letter ${echo(id)} is already ${row.status}`, { field: 'id' });
  return row;
}

/**
 * Publishes a pending dead letter's CloudEvent again on its original topic, keyed by its
 * subject, and marks it REPLAYED. The event keeps its id, so consumers apply it at most once.
 * @throws DictaMeshError `NOT_FOUND`, `BAD_USER_INPUT` (not pending), `EVENT_BUS_UNAVAILABLE`
 */
export async function replayDeadLetter(prisma: PrismaClient, bus: EventBus, org: string, id: string): Promise<DeadLetterRecord> {
  const row = await pending(prisma, org, id);
  const event = new CloudEvent(row.event as never, false);
  try {
    await bus.publish(row.originalTopic, [{ key: row.subject ?? row.eventId, event }]);
  } catch (cause) {
    throw err('EVENT_BUS_UNAVAILABLE', undefined, {}, cause);
  }
  return prisma.deadLetter.update({ where: { id }, data: { status: 'REPLAYED', resolvedAt: new Date() } });
}

/** Marks a pending dead letter DISCARDED. @throws DictaMeshError `NOT_FOUND`, `BAD_USER_INPUT` */
export async function discardDeadLetter(prisma: PrismaClient, org: string, id: string): Promise<DeadLetterRecord> {
  await pending(prisma, org, id);
  return prisma.deadLetter.update({ where: { id }, data: { status: 'DISCARDED', resolvedAt: new Date() } });
}

import type {
  DeadLetterResolvers,
  DeadLetterConnectionResolvers,
  MutationResolvers,
  QueryResolvers,
} from '../__generated__/resolvers-types';
import { discardDeadLetter, listDeadLetters, replayDeadLetter } from '../datasources/dead-letters';

export const deadLetterQueries: Pick<QueryResolvers, 'deadLetters'> = {
  deadLetters: (_root, { status, first, after }, { prisma }) => listDeadLetters(prisma, { status, first, after: after ?? null }),
};

export const deadLetterMutations: Pick<MutationResolvers, 'replayDeadLetter' | 'discardDeadLetter'> = {
  replayDeadLetter: (_root, { id }, { prisma, bus }) => replayDeadLetter(prisma, bus, id),
  discardDeadLetter: (_root, { id }, { prisma }) => discardDeadLetter(prisma, id),
};

export const DeadLetter: DeadLetterResolvers = {
  __resolveReference: (ref, { prisma }) => prisma.deadLetter.findUnique({ where: { id: ref.id } }),
  topic: (d) => d.originalTopic,
  partition: (d) => d.originalPartition,
  offset: (d) => String(d.originalOffset),
};

export const DeadLetterConnection: DeadLetterConnectionResolvers = {
  pageInfo: (c) => ({ hasNextPage: c.hasNextPage, endCursor: c.endCursor }),
};

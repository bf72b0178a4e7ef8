import type {
  DeadLetterResolvers,
  DeadLetterConnectionResolvers,
  MutationResolvers,
  QueryResolvers,
} from '../__generated__/resolvers-types';
import { deadLetterOf, discardDeadLetter, listDeadLetters, replayDeadLetter } from '../datasources/dead-letters';

export const deadLetterQueries: Pick<QueryResolvers, 'deadLetters' | 'deadLetter'> = {
  deadLetters: (_root, { status, first, after }, { prisma, org }) => listDeadLetters(prisma, { org, status, first, after: after ?? null }),
  deadLetter: (_root, { id }, { prisma, org }) => deadLetterOf(prisma, org, id),
};

export const deadLetterMutations: Pick<MutationResolvers, 'replayDeadLetter' | 'discardDeadLetter'> = {
  replayDeadLetter: (_root, { id }, { prisma, bus, org }) => replayDeadLetter(prisma, bus, org, id),
  discardDeadLetter: (_root, { id }, { prisma, org }) => discardDeadLetter(prisma, org, id),
};

export const DeadLetter: DeadLetterResolvers = {
  __resolveReference: (ref, { prisma, org }) => deadLetterOf(prisma, org, ref.id),
  topic: (d) => d.originalTopic,
  partition: (d) => d.originalPartition,
  offset: (d) => String(d.originalOffset),
};

export const DeadLetterConnection: DeadLetterConnectionResolvers = {
  pageInfo: (c) => ({ hasNextPage: c.hasNextPage, endCursor: c.endCursor }),
};

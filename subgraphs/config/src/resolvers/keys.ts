import type { Resolvers } from '../__generated__/resolvers-types';

/** Filled in by issue 14's work on keys. */
export const keyResolvers: Resolvers = {};

import type { Resolvers } from '../__generated__/resolvers-types';

/** SCAFFOLD (issue 15): filled by the helper that owns this concern. */
export const settingsResolvers: Resolvers = {};

import type { Resolvers } from '../__generated__/resolvers-types';
import { createEndpoint, deleteEndpoint, listEndpoints, rotateEndpointSecret, setEndpointStatus } from '../endpoints/store';
import { callerOrg } from '../graphql/access';

/** Default grace of a rotation (the SDL's): 24 h, seconds. */
const DEFAULT_GRACE_SECONDS = 86_400;

/**
 * The organisation's endpoints (WEBHOOK, SLACK, PAGERDUTY): list, create, rotate the signing
 * secret, enable/disable, delete. Every one needs the admin level of `notifications` and acts on
 * the caller's organisation only (another organisation's endpoint is unknown). Secrets are never
 * answered, except the one-time `secret` of create and rotate.
 */
export const endpointsResolvers: Resolvers = {
  Query: {
    notificationEndpoints: (_parent, _args, ctx) => listEndpoints(ctx, callerOrg(ctx, 'admin')),
  },
  Mutation: {
    createNotificationEndpoint: (_parent, { input }, ctx) =>
      createEndpoint(ctx, callerOrg(ctx, 'admin'), {
        channel: input.channel,
        name: input.name,
        url: input.url ?? null,
        routingKey: input.routingKey ?? null,
        types: input.types ?? [],
      }),
    rotateNotificationEndpointSecret: (_parent, { id, graceSeconds }, ctx) =>
      rotateEndpointSecret(ctx, callerOrg(ctx, 'admin'), id, graceSeconds ?? DEFAULT_GRACE_SECONDS),
    setNotificationEndpointStatus: (_parent, { id, status }, ctx) => setEndpointStatus(ctx, callerOrg(ctx, 'admin'), id, status),
    deleteNotificationEndpoint: (_parent, { id }, ctx) => deleteEndpoint(ctx, callerOrg(ctx, 'admin'), id),
  },
  NotificationEndpoint: {
    types: (endpoint) => endpoint.typeKeys,
  },
};

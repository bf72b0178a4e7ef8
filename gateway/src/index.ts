export { createGatewayService, type GatewayService, type GatewayServiceOptions } from './service';
export { GATEWAY_DEFAULTS } from './defaults';
export {
  apiSchemaOf,
  composeSupergraph,
  composeSdl,
  COMPOSITION_VERSION,
  dictameshSubgraphs,
  loadSupergraphConfig,
  routingUrlVariable,
  DEFAULT_SUPERGRAPH_CONFIG,
  type SubgraphSource,
  type SubgraphUrls,
  type SupergraphConfig,
} from './supergraph';
export { createAuthenticator, type AuthenticationOptions } from './plugins/authentication';
export { jwtVerifier, type JwtOptions } from './auth/jwt';
export { ApiKeyVerifier, type ApiKeyRecord, type ApiKeyStore } from './auth/api-keys';
export { GatewayRateLimits, type RateLimitBudgets, type RateLimitOptions } from './plugins/rate-limit';
export { GatewaySettings, type DemandControlLimits, type GatewaySettingsState, type GatewaySettingsUpdate } from './settings';
export { buildSubscriptionSchema } from './subscriptions/schema';
export { manifestFromFolder } from './persisted-operations/publish';
export { readManifest, operationId, type PersistedQueryManifest, type PersistedOperation } from './persisted-operations/manifest';
export type { SafelistMode } from './plugins/persisted-operations';

export { createGatewayService, type GatewayService, type GatewayServiceOptions } from './service';
export { composeSupergraph, composeSdl, type SubgraphSource } from './supergraph';
export { dictameshSubgraphs, type SubgraphUrls } from './subgraphs';
export { createAuthenticator, type AuthenticationOptions } from './plugins/authentication';
export { jwtVerifier, type JwtOptions } from './auth/jwt';
export { ApiKeyVerifier, type ApiKeyRecord, type ApiKeyStore } from './auth/api-keys';
export { GatewayRateLimits, type RateLimitOptions } from './plugins/rate-limit';

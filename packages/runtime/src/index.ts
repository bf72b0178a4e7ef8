export { ERROR_CODES, DictaMeshError, err, type ErrorCode, type ErrorDetails } from './errors';
export { createLogger, type Logger } from './logger';
export { parseEnv, port, logLevel, splitList, type ParseEnvOptions } from './env';
export { createHttpApp, DEFAULT_BODY_LIMIT_BYTES, installErrorHandler, rawBodyOf, tracedRoute, type HttpAppOptions } from './http';
export { DEFAULT_SERVER_LIMITS, type ServerLimits } from './server-limits';
export { createErrorFormatter } from './graphql-errors';
export { guardResolvers } from './graphql-guard';
export { nulPath } from './nul-arguments';
export { boundedError, echo, echoed, MAX_ECHO } from './echo';
export {
  ANONYMOUS,
  DEFAULT_ORG,
  GatewayTokens,
  NO_ORIGIN,
  orgOf,
  PRINCIPAL_HEADER,
  USER_AGENT_MAX,
  type Principal,
  type RequestOrigin,
} from './principal';
export { readOrCreateKeyFile } from './key-file';
export { generateApiKey, parseApiKey, hashApiKeySecret } from './api-key';
export {
  activeTraceIds,
  extractContext,
  injectContext,
  inSpan,
  SpanKind,
  startTracing,
  tracer,
  type Tracing,
  type TracingOptions,
} from './telemetry';

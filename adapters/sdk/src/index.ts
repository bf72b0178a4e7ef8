export type {
  WebhookAdapter,
  WebhookContext,
  ParsedWebhook,
  IgnoredWebhook,
  WebhookFactory,
  WebhookFactoryContext,
  WebhookRegistration,
  WebhookRegistrations,
} from './webhook-adapter';
export { verifyTimestampedHmac, secretsEqual, type TimestampedHmac } from './webhooks/signature';
export { publishChanges, type PublishedEvent } from './publish';
export { createWebhookServer, type WebhookDelivery, type WebhookObserver, type WebhookServerOptions } from './webhook-server';
export type {
  Adapter,
  AdapterCapability,
  AdapterContext,
  AdapterDefinition,
  AdapterHealth,
  ChangeBatch,
  Checkpoint,
  Page,
  ResourceAdapter,
  StreamingAdapter,
  SyncMode,
} from './contracts/adapter';
export { isStreaming, probeHealth } from './contracts/adapter';
export {
  isRetryableStatus,
  SourceHttpError,
  SourceTimeoutError,
  SourceUnavailableError,
  SourceAddressForbiddenError,
  AdapterConfigError,
  type ConfigProblem,
} from './errors';
export { HttpClient, type HttpClientOptions, type HttpRequest, type HttpResponse, type CircuitState } from './http/http-client';
export { bearerToken, apiKeyHeader, oauth2ClientCredentials, type AuthProvider, type ClientCredentialsOptions } from './http/auth';
export { parseRetryAfter } from './http/retry-after';
export { parseAdapterConfig, configJsonSchema, splitSecrets, mergeSecrets } from './config';
export { pagedChanges, type PagedResource, type ChangePage, type PagedCheckpoint } from './sync/paged-changes';
export { withStateEventId } from './sync/event-id';
export { runSync, MemoryCheckpointStore, type CheckpointStore, type SyncProgress, type RunSyncOptions } from './sync/run-sync';
export {
  AddressGuard,
  assertPublicAddress,
  isPublicAddress,
  PUBLIC_ONLY,
  type OutboundPolicy,
  type ResolvedAddress,
  type Resolver,
} from './net/address-policy';
export { createGuardedAgent, guardedConnector, guardedFetch } from './net/guarded-agent';
export { guardedLookup } from './net/guarded-lookup';
export { guardedSocketFactory } from './net/guarded-socket';
export { adapterDefinitionFile, type AdapterManifestEntry } from './manifest';

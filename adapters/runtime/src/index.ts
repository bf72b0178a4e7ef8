export { createAdapterRuntime, type AdapterRuntime, type AdapterRuntimeOptions } from './service';
export { ADAPTER_HOST_DEFAULTS, AdapterHost, type AdapterHostOptions, type AdapterEventOptions, type RegisterInput } from './host';
export { AdapterKinds } from './kinds';
export { type AdapterSecretKeys } from './adapter-secrets';
export { RegistrationRegistry } from './registrations';
export { SecretBox } from './secret-box';
export { buildAdaptersSchema } from './subgraph/schema';

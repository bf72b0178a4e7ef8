/**
 * @packageDocumentation
 * The config subgraph: hierarchical configuration (platform → organisation → environment →
 * service → component) with provenance, JSON Schema validation, versions with diff and rollback,
 * compare-and-set, envelope-encrypted secrets, an audit trail, a change log that watchers resume
 * from, and feature flags.
 */
export { CONFIG_DEFAULTS, createConfigService, type ConfigService, type ConfigServiceOptions } from './service';

export { DictaMeshFlagProvider, type DictaMeshFlagProviderOptions } from './provider';
export type { FlagSnapshot } from './flag-set';

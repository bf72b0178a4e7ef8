export { default as restJsonAdapter } from './definition';
export { RestJsonAdapter } from './rest-json-adapter';
export { restJsonConfigSchema, type RestJsonConfig, type RestResource, type Pagination } from './config';
export { recordChange, type RecordResult } from './records';

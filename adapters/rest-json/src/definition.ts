import type { AdapterDefinition } from '@dictamesh/adapter-sdk';
import { restJsonConfigSchema, type RestJsonConfig } from './config';
import { RestJsonAdapter } from './rest-json-adapter';

/** The `rest-json` adapter kind: any JSON API described by configuration. */
const restJson: AdapterDefinition<RestJsonConfig> = {
  kind: 'rest-json',
  version: '0.1.0',
  description: 'Any REST/JSON API, described declaratively: resources, id/updated-at fields, page|offset|cursor|link-header pagination',
  capabilities: ['read', 'stream', 'pagination', 'batch'],
  configSchema: restJsonConfigSchema,
  secretFields: ['auth.token', 'auth.key', 'auth.clientSecret'],
  create: (id, config, context) => new RestJsonAdapter(id, config, context),
};

export default restJson;

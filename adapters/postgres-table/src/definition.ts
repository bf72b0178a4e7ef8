import type { AdapterDefinition } from '@dictamesh/adapter-sdk';
import { postgresTableConfigSchema, type PostgresTableConfig } from './config';
import { PostgresTableAdapter } from './postgres-table-adapter';

/** The `postgres-table` adapter kind: row changes of PostgreSQL tables through logical replication. */
const postgresTable: AdapterDefinition<PostgresTableConfig> = {
  kind: 'postgres-table',
  version: '0.1.0',
  description: 'PostgreSQL tables: snapshot, then inserts/updates/deletes streamed from a logical replication slot (pgoutput)',
  capabilities: ['read', 'stream', 'pagination', 'batch'],
  configSchema: postgresTableConfigSchema,
  secretFields: ['password'],
  create: (id, config, context) => new PostgresTableAdapter(id, config, context),
};

export default postgresTable;

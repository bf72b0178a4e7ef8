export { default as postgresTableAdapter } from './definition';
export { PostgresTableAdapter, type PostgresCheckpoint } from './postgres-table-adapter';
export { postgresTableConfigSchema, type PostgresTableConfig, type TableConfig } from './config';
export { ReplicationSlot, type WalChange, type WalTransaction } from './replication';

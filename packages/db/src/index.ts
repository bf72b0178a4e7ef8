export { openDatabase, MIGRATIONS_DIR, type Database, type DatabaseConfig, type OpenDatabaseOptions } from './database';
export { applyMigrations, readMigrations, type MigrationFile, type MigrationReport } from './migrate';
export { openPGlite, pgliteRunner } from './pglite';
export type { SqlRunner } from './sql-runner';
export { createBusOutbox, type BusOutbox, type BusOutboxEntry } from './bus-outbox';
export { Prisma, PrismaClient } from '../generated/prisma/client';
export type { AdapterRegistration, ApiKey, DeadLetter, EntityCatalog, EntityRelationship, EventLog } from '../generated/prisma/client';
export type { DeadLetterStatus } from '../generated/prisma/enums';
export { checkTables, failingTables, type TableReadiness } from './table-readiness';

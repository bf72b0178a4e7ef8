export { openDatabase, MIGRATIONS_DIR, type Database, type DatabaseConfig, type OpenDatabaseOptions } from './database';
export {
  applyMigrations,
  migrationStatus,
  readMigrations,
  type MigrationFile,
  type MigrationReport,
  type MigrationStatus,
} from './migrate';
export { openPGlite, pgliteRunner } from './pglite';
export type { SqlRunner } from './sql-runner';
export { createBusOutbox, type BusOutbox, type BusOutboxEntry } from './bus-outbox';
export { createApiKeyStore, type ApiKeyStore, type StoredApiKey } from './api-keys';
export { Prisma, PrismaClient } from '../generated/prisma/client';
export type { AdapterRegistration, DeadLetter, EntityCatalog, EntityRelationship, EventLog } from '../generated/prisma/client';
export type {
  Notification,
  NotificationDelivery,
  NotificationDeliveryAttempt,
  NotificationDigest,
  NotificationEndpoint,
  NotificationEndpointSecret,
  NotificationRule,
  NotificationSubscriber,
  NotificationSubscriberAddress,
  NotificationTemplate,
  NotificationType,
} from '../generated/prisma/client';
export type {
  DeadLetterStatus,
  NotificationAttemptOutcome,
  NotificationChannel,
  NotificationPriority,
  NotificationStatus,
} from '../generated/prisma/enums';
export { checkTables, failingTables, type TableReadiness } from './table-readiness';

import { z } from 'zod';

const NAME = /^[a-z0-9][a-z0-9_-]*$/;
const TYPE = /^[a-z0-9_]+$/;
/** A PostgreSQL identifier as written in the catalog (no quoting needed in the config). */
const identifier = z.string().min(1).max(63);

/** One table streamed as one entity type. */
export const tableSchema = z
  .object({
    schema: identifier.default('public'),
    table: identifier,
    /** Entity type of its rows (`customer`). */
    entityType: z.string().regex(TYPE, 'expected lower_snake_case'),
    /** Columns identifying a row (default: the primary key). They form the URN's source id. */
    keyColumns: z.array(identifier).min(1).optional(),
    displayNameColumn: identifier.optional(),
    /** Columns never copied into the catalog (`password_hash`). */
    excludeColumns: z.array(identifier).default([]),
    /** A reference column: its value is the source id of a row of another configured entity type. */
    relationships: z
      .array(
        z
          .object({
            column: identifier,
            type: z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'expected UPPER_SNAKE_CASE'),
            entityType: z.string().regex(TYPE, 'expected lower_snake_case'),
            cardinality: z.enum(['ONE_TO_ONE', 'ONE_TO_MANY', 'MANY_TO_ONE', 'MANY_TO_MANY']).default('MANY_TO_ONE'),
          })
          .strict(),
      )
      .default([]),
  })
  .strict();

/**
 * Configuration of a `postgres-table` adapter: row changes of chosen tables through logical
 * replication (`pgoutput`), after an initial snapshot. The server needs `wal_level = logical`;
 * the user needs the REPLICATION attribute (or superuser) and ownership of the tables (for the
 * publication). Secret: `password`.
 */
export const postgresTableConfigSchema = z
  .object({
    host: z.string().min(1),
    port: z.number().int().min(1).max(65_535).default(5432),
    database: identifier,
    user: identifier,
    password: z.string().min(1).optional(),
    /** TLS to the server (`require` verifies nothing but encrypts; `verify-full` checks the certificate and host name). */
    ssl: z.enum(['disable', 'require', 'verify-full']).default('disable'),
    /** Source name in URNs and events (`shop`). */
    source: z.string().regex(NAME, 'expected lower-case letters, digits, - or _'),
    domain: z.string().min(1).default('database'),
    tables: z
      .array(tableSchema)
      .min(1)
      .refine((tables) => new Set(tables.map((t) => `${t.schema}.${t.table}`)).size === tables.length, 'tables must be unique'),
    /** Replication slot and publication name (default `dictamesh_<adapter id>`). */
    slotName: z
      .string()
      .regex(/^[a-z0-9_]{1,63}$/, 'expected lower-case letters, digits and _')
      .optional(),
    /** Rows per snapshot page and WAL changes per read. */
    batchSize: z.number().int().min(1).max(50_000).default(1_000),
    /** Keep streaming after catching up (polling the slot every `pollIntervalMs`); false ends each run once caught up. */
    follow: z.boolean().default(true),
    pollIntervalMs: z.number().int().min(50).max(60_000).default(1_000),
  })
  .strict();

export type PostgresTableConfig = z.infer<typeof postgresTableConfigSchema>;
export type TableConfig = z.infer<typeof tableSchema>;

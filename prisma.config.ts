// Prisma CLI configuration (Prisma 7). The runtime never reads this file: services build their
// client with a driver adapter in packages/db. DATABASE_URL is only needed by CLI commands
// that talk to a database (migrate deploy / status) where the CLI can fetch its engine. The schema
// is a folder: one .prisma file per owning service (Prisma's multi-file schema).
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/dictamesh' },
});

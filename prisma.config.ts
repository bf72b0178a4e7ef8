// Prisma CLI configuration (Prisma 7). The runtime never reads this file: services build their
// client with a driver adapter in packages/db. DATABASE_URL is only needed by CLI commands
// that talk to a database (migrate deploy / status) where the CLI can fetch its engine.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/dictamesh' },
});

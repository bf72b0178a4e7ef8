// Generates the Prisma client (packages/db/generated/prisma) offline from the multi-file schema in
// prisma/schema/ (one file per owning service; prisma.config.ts names the folder).
// Every Prisma CLI command first looks for its schema engine binary and tries to download it,
// which fails without internet; `generate` itself does not use the engine, so pointing
// PRISMA_SCHEMA_ENGINE_BINARY at any existing file lets it run (see ../shared/ENVIRONMENT.md).
import { spawnSync } from 'node:child_process';

const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.execPath;
const result = spawnSync('npx', ['--no-install', 'prisma', 'generate'], { stdio: 'inherit', env });
process.exit(result.status ?? 1);

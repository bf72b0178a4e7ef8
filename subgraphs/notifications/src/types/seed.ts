import type { PrismaClient } from '@dictamesh/db';

/** SCAFFOLD (issue 15, helper "templates"): seeds the platform's notification types and their default templates when absent. */
export async function seedPlatformTypes(_prisma: PrismaClient): Promise<void> {}

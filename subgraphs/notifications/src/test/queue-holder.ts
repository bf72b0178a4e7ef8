// Child process of pg-boss-queue.integration.test.ts: runs the delivery queue over a PostgreSQL
// URL with a handler that never ends, prints one JSON line per job it took, and waits to be
// killed (SIGKILL: its jobs stay active in pg-boss until they expire).
import pino from 'pino';
import { createDeliveryQueue } from '../queue/pg-boss-queue';
import { bareDatabase } from './postgres-queue-database';

const db = bareDatabase(process.argv[2]!);
const queue = createDeliveryQueue({ db, log: pino({ level: 'silent' }), pollIntervalMs: 100, batchSize: 10 });
queue.handle('deliver', (id) => {
  process.stdout.write(`${JSON.stringify({ took: id })}\n`);
  return new Promise<void>(() => undefined);
});
await queue.start();
setInterval(() => undefined, 60_000);

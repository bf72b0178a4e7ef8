// Child process of deliver.crash.integration.test.ts: a delivery worker (the queue + deliver,
// EMAIL over SMTP) over the PostgreSQL database at a URL (the notifications tables there); prints "ready" once it runs, and
// runs until killed (SIGKILL: like a crash, nothing is closed or flushed).
import { createSmtpProvider } from '../channels/email/smtp-provider';
import { workerServices } from './delivery-fixtures';
import { bareDatabase } from './postgres-queue-database';

const [url, smtpUrl] = [process.argv[2]!, process.argv[3]!];
const db = bareDatabase(url);
// jobs of a killed worker come back after 20 s; batches of 5 stay well within that on a busy machine
const services = workerServices(db, {
  providers: [createSmtpProvider({ url: smtpUrl, from: 'notifications@dictamesh.test' })],
  queue: { batchSize: 5, expireInSeconds: 20 },
});
await services.queue.start();
process.stdout.write('ready\n');
setInterval(() => undefined, 60_000);

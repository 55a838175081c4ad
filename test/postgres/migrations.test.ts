import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresPool, PostgresConnectionError, redactDatabaseUrl } from '../../src/postgres/connection.js';
import { loadMigrations, migrate, MigrationError, type Migration } from '../../src/postgres/migrations.js';
import { startTestPostgres, type TestPostgres } from '../support/postgres.js';

let postgres: TestPostgres | undefined;
beforeAll(async () => { postgres = await startTestPostgres(); }, 60_000);
afterAll(async () => { await postgres?.stop(); });

async function newPool(): Promise<pg.Pool> {
  if (!postgres) throw new Error('PostgreSQL did not start');
  return await openPostgresPool(await postgres.createDatabase());
}

async function tables(pool: pg.Pool): Promise<string[]> {
  const { rows } = await pool.query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename");
  return rows.map((row) => row.tablename);
}

describe('state schema migrations', () => {
  it('creates every table of the bot state once, and a second run applies nothing', async () => {
    const pool = await newPool();
    try {
      const migrations = await loadMigrations();
      expect(migrations.map((migration) => migration.version)).toEqual(migrations.map((_, index) => index + 1));
      const first = await migrate(pool, migrations);
      expect(first.applied).toEqual(migrations.map((migration) => migration.version));
      expect(await tables(pool)).toEqual(expect.arrayContaining([
        'approval_requests', 'audit_entries', 'bot_schema_migrations', 'conversation_references', 'alert_subscriptions', 'domain_events', 'event_consumers', 'jobs', 'outbox_messages', 'rate_limit_sends',
      ]));
      const second = await migrate(pool, migrations);
      expect(second).toEqual({ applied: [], current: first.current });
    } finally {
      await pool.end();
    }
  });

  it('applies each migration exactly once when several instances start together', async () => {
    const pool = await newPool();
    const pools = [pool, await openPostgresPool(pool.options.connectionString ?? ''), await openPostgresPool(pool.options.connectionString ?? '')];
    try {
      const migrations = await loadMigrations();
      const reports = await Promise.all(pools.map((each) => migrate(each, migrations)));
      const appliedCounts = reports.map((report) => report.applied.length);
      expect(appliedCounts.reduce((sum, count) => sum + count, 0)).toBe(migrations.length);
      const { rows } = await pool.query<{ count: string }>('SELECT count(*) FROM bot_schema_migrations');
      expect(Number(rows[0]?.count)).toBe(migrations.length);
    } finally {
      await Promise.all(pools.map((each) => each.end()));
    }
  });

  it('refuses a database migrated by a newer bot, and changes nothing', async () => {
    const pool = await newPool();
    try {
      const migrations = await loadMigrations();
      const newer: Migration = { version: migrations.length + 1, name: 'from_the_future', sql: 'CREATE TABLE from_the_future (id int)' };
      await migrate(pool, [...migrations, newer]);
      const before = await tables(pool);
      const refusal = await migrate(pool, migrations).then(() => undefined, (error: unknown) => error);
      expect(refusal).toBeInstanceOf(MigrationError);
      expect(String(refusal)).toContain(`at version ${newer.version}, newer than this bot knows (${migrations.length})`);
      expect(String(refusal)).toContain('Refusing to start rather than downgrade');
      expect(await tables(pool)).toEqual(before);
    } finally {
      await pool.end();
    }
  });

  it('rolls back a failing migration whole and names it', async () => {
    const pool = await newPool();
    try {
      const broken: Migration[] = [{ version: 1, name: 'half_broken', sql: 'CREATE TABLE first_half (id int); SELECT no_such_function();' }];
      const failure = await migrate(pool, broken).then(() => undefined, (error: unknown) => error);
      expect(failure).toBeInstanceOf(MigrationError);
      expect(String(failure)).toContain('0001_half_broken failed and was rolled back');
      expect(await tables(pool)).toEqual(['bot_schema_migrations']);
    } finally {
      await pool.end();
    }
  });

  it('rejects migration files that are misnamed or not consecutive', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'migrations-'));
    await writeFile(join(directory, '0001_first.sql'), 'SELECT 1');
    await writeFile(join(directory, '0003_third.sql'), 'SELECT 1');
    await expect(loadMigrations(directory)).rejects.toThrow(/version 3 follows 1/);
    const misnamed = await mkdtemp(join(tmpdir(), 'migrations-'));
    await writeFile(join(misnamed, '1-First.sql'), 'SELECT 1');
    await expect(loadMigrations(misnamed)).rejects.toThrow(/NNNN_lowercase_words\.sql/);
  });
});

describe('connecting to DATABASE_URL', () => {
  it('names DATABASE_URL without its password when the server refuses the password', async () => {
    if (!postgres) throw new Error('PostgreSQL did not start');
    const wrong = new URL(`${postgres.serverUrl}/postgres`);
    wrong.password = 'S3cret-Wrong-Password';
    const failure = await openPostgresPool(wrong.toString()).then(() => undefined, (error: unknown) => error);
    expect(failure).toBeInstanceOf(PostgresConnectionError);
    const message = String(failure);
    expect(message).toContain('DATABASE_URL postgres://postgres:***@127.0.0.1');
    expect(message).toContain('the password was refused');
    expect(message).not.toContain('S3cret-Wrong-Password');
  });

  it('names DATABASE_URL without its password when nothing listens', async () => {
    const failure = await openPostgresPool('postgres://bot:Hunter2-Secret@127.0.0.1:1/state', { connectionTimeoutMillis: 2_000 }).then(() => undefined, (error: unknown) => error);
    expect(String(failure)).toMatch(/DATABASE_URL postgres:\/\/bot:\*\*\*@127\.0\.0\.1:1\/state: cannot connect to PostgreSQL: nothing is listening there/);
    expect(String(failure)).not.toContain('Hunter2-Secret');
  });

  it('redacts passwords in the user part and in query parameters', () => {
    expect(redactDatabaseUrl('postgres://u:p%40ss@db.example:5432/x?sslmode=require&password=zz')).toBe('postgres://u:***@db.example:5432/x?sslmode=require&password=***');
    expect(redactDatabaseUrl('not a url')).toBe('(not a URL)');
  });
});

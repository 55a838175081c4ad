// Connecting to the PostgreSQL that holds the bot's own state (issue "Several bot instances on PostgreSQL").
// Errors name DATABASE_URL without its password: the URL is configuration, the password a secret.
import pg from 'pg';
import { databaseUrlSchema } from '../shared/config.js';
import { describeIssues } from '../shared/zod-problems.js';

/** PostgreSQL 13 is the oldest version pg-boss 12 supports. */
export const MINIMUM_SERVER_VERSION_NUM = 130000;

export class PostgresConnectionError extends Error {
  override readonly name = 'PostgresConnectionError';
}


/** The URL as it may appear in a message or a log line: the password, if any, replaced by ***. */
export function redactDatabaseUrl(text: string): string {
  if (!URL.canParse(text)) return '(not a URL)';
  const url = new URL(text);
  if (url.password !== '') url.password = '***';
  // Query parameters may carry a password too (e.g. ?password=...).
  for (const key of [...url.searchParams.keys()]) {
    if (/pass|secret|key/i.test(key)) url.searchParams.set(key, '***');
  }
  return url.toString();
}

/** Checks DATABASE_URL's shape; the problem, if any, in words fit for the start-up report. */
export function parseDatabaseUrl(text: string | undefined): { ok: true; url: string } | { ok: false; problem: string } {
  const parsed = databaseUrlSchema.safeParse(text ?? '');
  if (parsed.success) return { ok: true, url: parsed.data };
  return { ok: false, problem: `DATABASE_URL ${describeIssues(parsed.error, { root: null }).join('; ')}` };
}

function describeCause(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as Error & { code?: unknown }).code;
    const reasons: Record<string, string> = {
      ECONNREFUSED: 'nothing is listening there',
      ENOTFOUND: 'the host name does not resolve',
      ETIMEDOUT: 'the connection timed out',
      '28P01': 'the password was refused',
      '28000': 'the user may not connect',
      '3D000': 'the database does not exist',
    };
    if (typeof code === 'string' && Object.hasOwn(reasons, code)) return `${reasons[code]} (${code})`;
    return error.message;
  }
  return String(error);
}

/**
 * A pool to DATABASE_URL, checked before it is handed out: the server answers and runs PostgreSQL 13 or later.
 * The failure message names DATABASE_URL, redacted, and never the password (even when the driver quotes it).
 */
export async function openPostgresPool(url: string, options: { readonly max?: number; readonly connectionTimeoutMillis?: number } = {}): Promise<pg.Pool> {
  const shown = redactDatabaseUrl(url);
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, connectionTimeoutMillis: options.connectionTimeoutMillis ?? 10_000 });
  // An idle client losing its server must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  try {
    const { rows } = await pool.query<{ server_version_num: string }>('SHOW server_version_num');
    const version = Number(rows[0]?.server_version_num ?? 0);
    if (version < MINIMUM_SERVER_VERSION_NUM) {
      throw new PostgresConnectionError(`DATABASE_URL ${shown}: PostgreSQL ${Math.floor(version / 10000)} is too old; the bot needs PostgreSQL 13 or later`);
    }
    return pool;
  } catch (error) {
    await pool.end().catch(() => undefined);
    if (error instanceof PostgresConnectionError) throw error;
    const password = URL.canParse(url) ? decodeURIComponent(new URL(url).password) : '';
    const cause = describeCause(error);
    const safeCause = password === '' ? cause : cause.split(password).join('***');
    throw new PostgresConnectionError(`DATABASE_URL ${shown}: cannot connect to PostgreSQL: ${safeCause}`);
  }
}

// Losing PostgreSQL while the bot runs: connection-level failures become one StateStoreUnavailableError, which
// the bot answers with "temporarily unavailable, nothing was changed" instead of a generic error. Everything
// else (a constraint, a bug in a query) stays as it was. The pool reconnects by itself: every query checks a
// connection out afresh, and clients broken by the outage are dropped from the pool.
import type pg from 'pg';
import { StateStoreUnavailableError } from '../app/ports/state-store.js';

/** Node's socket errors: the server is not there or the network to it broke. */
const SOCKET_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * SQLSTATEs of a server going away or not taking connections: 57P01 admin_shutdown, 57P02 crash_shutdown,
 * 57P03 cannot_connect_now (starting up or shutting down), 53300 too_many_connections; class 08 (connection
 * exception) is matched by its prefix.
 */
const SERVER_CODES: ReadonlySet<string> = new Set(['57P01', '57P02', '57P03', '53300']);

/** node-postgres and pg-pool report these without a code. */
const DRIVER_MESSAGES: readonly { readonly text: string; readonly reason: string }[] = [
  { text: 'Connection terminated', reason: 'connection terminated' },
  { text: 'timeout exceeded when trying to connect', reason: 'connect timeout' },
  { text: 'Client has encountered a connection error and is not queryable', reason: 'connection broken' },
  { text: 'Query read timeout', reason: 'read timeout' },
  { text: 'timeout expired', reason: 'connect timeout' },
];

function codeOf(error: object): string | undefined {
  const code: unknown = 'code' in error ? error.code : undefined;
  return typeof code === 'string' ? code : undefined;
}

/** The kind of connection loss `error` is (a code or a few words, nothing the error quoted), or undefined when it is none. */
export function connectionLossReason(error: unknown, depth = 0): string | undefined {
  if (!(error instanceof Error) || depth > 3) return undefined;
  if (error instanceof StateStoreUnavailableError) return error.reason;
  const code = codeOf(error);
  if (code !== undefined && (SOCKET_CODES.has(code) || SERVER_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return code;
  const known = DRIVER_MESSAGES.find(({ text }) => error.message.startsWith(text));
  if (known !== undefined) return known.reason;
  // pg-pool wraps a connect timeout's socket error as `cause`; Node reports a refused dual-stack connect as an AggregateError.
  const inner = [...(error instanceof AggregateError ? (error.errors as unknown[]) : []), error.cause];
  for (const candidate of inner) {
    const reason = connectionLossReason(candidate, depth + 1);
    if (reason !== undefined) return reason;
  }
  return undefined;
}

/** `error` as a StateStoreUnavailableError when it is a connection loss; otherwise `error` itself. */
export function asUnavailable(error: unknown): unknown {
  if (error instanceof StateStoreUnavailableError) return error;
  const reason = connectionLossReason(error);
  return reason === undefined ? error : new StateStoreUnavailableError(reason);
}

function rethrowAsUnavailable(error: unknown): never {
  throw asUnavailable(error);
}

/**
 * `pool` whose `query` and `connect` report a lost database as StateStoreUnavailableError. The repositories use
 * it for every statement; `inTransaction` translates failures on its checked-out client the same way.
 */
export function reportingUnavailability(pool: pg.Pool): pg.Pool {
  return new Proxy(pool, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      // Methods run on the pool itself (its private fields are not the proxy's).
      if (property !== 'query' && property !== 'connect') return (...args: unknown[]): unknown => Reflect.apply(value, target, args);
      return (...args: unknown[]): unknown => {
        const result: unknown = Reflect.apply(value, target, args);
        return result instanceof Promise ? result.catch(rethrowAsUnavailable) : result;
      };
    },
  });
}

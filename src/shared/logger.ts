// Structured logs: pino JSON lines behind the small Logger interface the code uses, so call sites stay
// `logger.info(message, fields)`. Callers pass ids and outcomes, never credentials; redaction is the second
// line of defence for what slips through (an error carrying request headers, a token in a message).
import { AsyncLocalStorage } from 'node:async_hooks';
import { pino, type DestinationStream } from 'pino';

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger whose every line also carries `bindings` (a turn's activity, a job's id). */
  child(bindings: LogFields): Logger;
}

/** LOG_LEVEL: this level and above are written; `silent` writes nothing. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

const REDACTED = '[redacted]';
/** Field names whose values are secrets wherever they appear: app passwords, client secrets, headers, tokens. */
const SECRET_KEY = /password|secret|token|authorization|credential|api[-_]?key|cookie|signature/i;
/** Secrets that can hide inside ordinary strings: bearer credentials and JWTs. */
const SECRET_IN_TEXT = [/\b(Bearer|Basic)\s+[A-Za-z0-9\-._~+/]+=*/gi, /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g];
const MAX_DEPTH = 8;

function redactText(text: string): string {
  return SECRET_IN_TEXT.reduce((result, pattern) => result.replace(pattern, (match, scheme?: string) => (typeof scheme === 'string' && /^(bearer|basic)$/i.test(scheme) ? `${scheme} ${REDACTED}` : REDACTED)), text);
}

/** A copy of `value` fit to log: secret-named fields replaced at any depth, errors as plain objects. */
export function redactSecrets(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redactText(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[too deep]';
  seen.add(value);
  if (value instanceof Error) {
    const own = Object.fromEntries(Object.entries(value).map(([key, field]) => [key, SECRET_KEY.test(key) ? REDACTED : redactSecrets(field, depth + 1, seen)]));
    const cause = value.cause === undefined ? {} : { cause: redactSecrets(value.cause, depth + 1, seen) };
    return { ...own, type: value.name, message: redactText(value.message), stack: value.stack === undefined ? undefined : redactText(value.stack), ...cause };
  }
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((item: unknown) => redactSecrets(item, depth + 1, seen));
  if (value instanceof Map) return redactSecrets(Object.fromEntries(value), depth, seen);
  return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, SECRET_KEY.test(key) ? REDACTED : redactSecrets(field, depth + 1, seen)]));
}

const redactFields = (fields: LogFields): LogFields => redactSecrets(fields) as LogFields;

// Bindings of the work in progress (a turn, a job), carried across awaits: every line logged inside
// `withLogBindings` carries them, without passing a child logger through every call.
const context = new AsyncLocalStorage<LogFields>();

/** Runs `work` so that every line any logger writes during it (and its awaits) carries `bindings`. */
export function withLogBindings<T>(bindings: LogFields, work: () => T): T {
  return context.run({ ...context.getStore(), ...redactFields(bindings) }, work);
}

function adapt(logger: pino.Logger): Logger {
  const at = (level: Exclude<LogLevel, 'silent'>) => (message: string, fields?: LogFields) => {
    if (!logger.isLevelEnabled(level)) return;
    if (fields === undefined) logger[level](redactText(message));
    else logger[level](redactFields(fields), redactText(message));
  };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (bindings) => adapt(logger.child(redactFields(bindings))),
  };
}

/**
 * A logger writing JSON lines at `level` and above (`silent`: nothing). `write` receives each line without its
 * newline (tests capture them); by default lines go to stderr, as diagnostics (stdout stays for what a
 * command prints), synchronously, so none is lost on a crash.
 */
export function createLogger(level: LogLevel, write?: (line: string) => void): Logger {
  const destination: DestinationStream = write === undefined ? pino.destination({ dest: 2, sync: true }) : { write: (line: string) => write(line.replace(/\n$/, '')) };
  return adapt(
    pino(
      {
        level,
        base: null,
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
        mixin: () => context.getStore() ?? {},
      },
      destination,
    ),
  );
}

export const silentLogger: Logger = createLogger('silent', () => undefined);

// A small structured logger. Secrets never reach it: callers pass ids and outcomes, never credentials.

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LEVELS)[number];

const SECRET_KEYS = /password|secret|token|authorization/i;

function render(fields: Record<string, unknown> | undefined): string {
  if (fields === undefined) return '';
  const safe = Object.entries(fields).map(([key, value]) => {
    if (SECRET_KEYS.test(key)) return [key, '[redacted]'];
    if (value instanceof Error) return [key, value.message];
    return [key, value];
  });
  return ` ${JSON.stringify(Object.fromEntries(safe))}`;
}

export function createLogger(level: LogLevel, write: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): Logger {
  const threshold = LEVELS.indexOf(level);
  const at = (lineLevel: Exclude<LogLevel, 'silent'>) => (message: string, fields?: Record<string, unknown>) => {
    if (LEVELS.indexOf(lineLevel) < threshold) return;
    write(`${new Date().toISOString()} ${lineLevel.toUpperCase()} ${message}${render(fields)}`);
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export const silentLogger: Logger = createLogger('silent');

// What "nothing changed" means for hostile-input tests: the organization's records, i.e. the whole data
// file except the notify section (conversation references and outbox are kept fresh by every activity).
import type { DocumentEmailConfigStore } from '../../../src/store/email-config-store.js';
import type { Logger } from '../../../src/shared/logger.js';

export function organizationRecords(store: Pick<DocumentEmailConfigStore, 'document'>): string {
  const { notify: _notify, ...records } = store.document();
  return JSON.stringify(records);
}

export interface CapturedLog extends Logger {
  readonly lines: readonly string[];
  /** The ERROR lines so far. */
  errors(): readonly string[];
}

/** A logger that keeps every line, so tests can assert that none is an ERROR. */
export function capturingLogger(): CapturedLog {
  const lines: string[] = [];
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    lines.push(`${level} ${message}${fields === undefined ? '' : ` ${JSON.stringify(fields, (_key, value: unknown) => (value instanceof Error ? value.message : value))}`}`);
  };
  const log: CapturedLog = {
    lines,
    debug: at('DEBUG'),
    info: at('INFO'),
    warn: at('WARN'),
    error: at('ERROR'),
    errors: () => lines.filter((line) => line.startsWith('ERROR')),
    // A child writes to the same lines: the tests care whether any ERROR was logged, not by whom.
    child: () => log,
  };
  return log;
}

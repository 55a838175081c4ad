// Runs TypeScript entry points of this repository in a child Node process (through tsx, as `npm run bench`
// runs its scripts), for tests that need a real second process: locks, signals, exit codes.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

export const PROJECT_ROOT = resolve(import.meta.dirname, '../../..');

export interface RunningChild {
  readonly process: ChildProcess;
  readonly pid: number;
  /** Everything the child wrote so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves when `pattern` appears in stdout or stderr; rejects if the child exits first or after `timeoutMs`. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** The exit code (`null` when killed by a signal) and signal, once the child has exited. */
  exited: Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null }>;
}

export function runTypeScript(
  entry: string,
  args: readonly string[],
  options: { readonly env?: Readonly<Record<string, string>>; readonly detached?: boolean } = {},
): RunningChild {
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(PROJECT_ROOT, entry), ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  });
  if (child.pid === undefined) throw new Error(`could not start ${entry}`);
  let stdout = '';
  let stderr = '';
  /** Set once the child exited and all its output was read. */
  let closed = false;
  const listeners = new Set<() => void>();
  const notify = (): void => {
    for (const listener of listeners) listener();
  };
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
    notify();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
    notify();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolveExit) => {
    child.once('close', (code, signal) => {
      closed = true;
      resolveExit({ code, signal });
      notify();
    });
  });
  return {
    process: child,
    pid: child.pid,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    waitForOutput: (pattern, timeoutMs = 20_000) =>
      new Promise<void>((resolveWait, reject) => {
        const check = (): void => {
          if (pattern.test(stdout) || pattern.test(stderr)) finish();
          else if (closed) finish(new Error(`the child exited before printing ${String(pattern)}:\n${stdout}\n${stderr}`));
        };
        const timer = setTimeout(() => finish(new Error(`no ${String(pattern)} after ${timeoutMs} ms:\n${stdout}\n${stderr}`)), timeoutMs);
        const finish = (error?: Error): void => {
          clearTimeout(timer);
          listeners.delete(check);
          if (error === undefined) resolveWait();
          else reject(error);
        };
        listeners.add(check);
        check();
      }),
  };
}

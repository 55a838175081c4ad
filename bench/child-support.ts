// The child side of bench/processes.ts: answer the parent's requests, say when ready, stop on SIGTERM.
import { z } from 'zod';
import { parentRequestSchema, type ChildMessage, type ChildRuntime, type MemorySnapshot } from './processes.js';

export type RequestHandler = (argument: unknown) => unknown;

function send(message: ChildMessage): void {
  if (process.send === undefined) throw new Error('This script runs as a child of bench/run.ts (it needs an IPC channel).');
  process.send(message);
}

const errorText = (error: unknown): string => (error instanceof Error ? (error.stack ?? error.message) : String(error));

export function memorySnapshot(): MemorySnapshot {
  const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
  return { rss, heapUsed, heapTotal, external, arrayBuffers };
}

const gcArgument = z.object({ collectGarbage: z.boolean().default(false) }).prefault({});

/** Full collections until the heap stops shrinking (needs --expose-gc; a no-op without it). */
export function collectGarbage(): void {
  const gc: unknown = Reflect.get(globalThis, 'gc');
  if (typeof gc !== 'function') return;
  for (let round = 0; round < 3; round++) Reflect.apply(gc, undefined, []);
}

/**
 * The highest value of each `process.memoryUsage()` field, sampled every 50 ms between `start` and the read
 * that stops it. Off unless asked for: sampling costs a little CPU, which the chat benchmark would see.
 */
function memoryPeaks(): { start(): void; stop(): MemorySnapshot } {
  let peaks = memorySnapshot();
  let timer: NodeJS.Timeout | undefined;
  const sample = (): void => {
    const now = memorySnapshot();
    peaks = {
      rss: Math.max(peaks.rss, now.rss),
      heapUsed: Math.max(peaks.heapUsed, now.heapUsed),
      heapTotal: Math.max(peaks.heapTotal, now.heapTotal),
      external: Math.max(peaks.external, now.external),
      arrayBuffers: Math.max(peaks.arrayBuffers, now.arrayBuffers),
    };
  };
  return {
    start: () => {
      clearInterval(timer);
      peaks = memorySnapshot();
      timer = setInterval(sample, 50);
    },
    stop: () => {
      clearInterval(timer);
      timer = undefined;
      sample();
      return peaks;
    },
  };
}

/**
 * Serves `handlers` (plus `memory`, answering `process.memoryUsage()`, after a full GC when asked, and
 * `startMemoryPeaks` / `stopMemoryPeaks`, the highest values in between), and runs `onStop` on SIGTERM before exiting.
 */
export function serveParent(handlers: Readonly<Record<string, RequestHandler>>, onStop: () => Promise<void> = () => Promise.resolve()): void {
  const peaks = memoryPeaks();
  const all: Record<string, RequestHandler> = {
    memory: (argument) => {
      if (gcArgument.parse(argument).collectGarbage) collectGarbage();
      return memorySnapshot();
    },
    startMemoryPeaks: () => {
      peaks.start();
      return null;
    },
    stopMemoryPeaks: () => peaks.stop(),
    ...handlers,
  };
  process.on('message', (raw: unknown) => {
    const parsed = parentRequestSchema.safeParse(raw);
    if (!parsed.success) {
      send({ type: 'failed', error: `unexpected message from the bench: ${parsed.error.message}` });
      return;
    }
    const { requestId, name, argument } = parsed.data;
    const handler = all[name];
    if (handler === undefined) {
      send({ type: 'reply', requestId, ok: false, error: `no handler named ${name}` });
      return;
    }
    Promise.resolve()
      .then(() => handler(argument))
      .then(
        (value) => send({ type: 'reply', requestId, ok: true, value }),
        (error: unknown) => send({ type: 'reply', requestId, ok: false, error: errorText(error) }),
      );
  });
  process.once('SIGTERM', () => {
    void onStop()
      .catch((error: unknown) => process.stderr.write(`stopping failed: ${errorText(error)}\n`))
      .finally(() => process.exit(0));
  });
  // The parent went away: nothing left to measure for.
  process.once('disconnect', () => process.exit(0));
}

/** How this process was started, for the parent to check that no module loader is involved. */
function ownRuntime(): ChildRuntime {
  return { node: process.version, execArgv: [...process.execArgv], nodeOptions: process.env.NODE_OPTIONS ?? '' };
}

export function announceReady(url: string | undefined, timings: Record<string, number> = {}): void {
  send({ type: 'ready', ...(url === undefined ? {} : { url }), timings, runtime: ownRuntime() });
}


export function announceFailure(error: unknown): void {
  send({ type: 'failed', error: errorText(error) });
}

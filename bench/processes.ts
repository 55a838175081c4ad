// Child processes for the benchmarks: the bot, the echo bot, the loopback connector and the store and
// fan-out workloads each run in their own Node process, so that the load generator never shares an event
// loop or a heap with what it measures. Each runs its compiled JavaScript under plain node (compile.ts).
// Parent and child talk over Node's IPC channel; every message is parsed with zod on arrival, in both directions.
import { execFile, fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { botNodeFlags } from '../src/shared/runtime-flags.js';
import { compiledScriptPath, type BenchChildScript } from './compile.js';

export const BENCH_DIRECTORY = import.meta.dirname;

export const memorySchema = z.object({
  rss: z.number(),
  heapUsed: z.number(),
  heapTotal: z.number(),
  external: z.number(),
  arrayBuffers: z.number(),
});
export type MemorySnapshot = z.infer<typeof memorySchema>;

/** How a child's Node was started, as the child itself sees it: the proof that no loader ran. */
export const childRuntimeSchema = z.object({ node: z.string(), execArgv: z.array(z.string()), nodeOptions: z.string() });
export type ChildRuntime = z.infer<typeof childRuntimeSchema>;

/** What a child sends to the parent. */
export const childMessageSchema = z.union([
  z.object({ type: z.literal('ready'), url: z.string().optional(), timings: z.record(z.string(), z.number()), runtime: childRuntimeSchema }),
  z.object({ type: z.literal('reply'), requestId: z.number(), ok: z.literal(true), value: z.unknown() }),
  z.object({ type: z.literal('reply'), requestId: z.number(), ok: z.literal(false), error: z.string() }),
  z.object({ type: z.literal('failed'), error: z.string() }),
]);
export type ChildMessage = z.infer<typeof childMessageSchema>;

/** What the parent sends to a child: a named request with a JSON argument. */
export const parentRequestSchema = z.object({ type: z.literal('request'), requestId: z.number(), name: z.string(), argument: z.unknown() });

export interface BenchChild {
  readonly pid: number;
  /** Set when the child said it is ready. */
  readonly url: string | undefined;
  readonly timings: Readonly<Record<string, number>>;
  /** Milliseconds from `fork` to the child's ready message, measured by the parent. */
  readonly readyAfterMs: number;
  /** Calls a handler in the child and parses its answer with `schema`. */
  request<T>(name: string, argument: unknown, schema: z.ZodType<T>, timeoutMs?: number): Promise<T>;
  /** Resident set size now and the kernel's high-water mark (Linux /proc; `null` elsewhere). */
  residentMemory(): Promise<{ readonly rss: number | null; readonly peakRss: number | null }>;
  stop(): Promise<void>;
}

const kibibytesField = (status: string, field: string): number | null => {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status);
  return match?.[1] === undefined ? null : Number(match[1]) * 1024;
};

/** Kernel clock ticks per second for /proc/<pid>/stat times (USER_HZ; 100 on every Linux Node supports). */
const CLOCK_TICKS_PER_SECOND = 100;

/** CPU time (user + system) a process has used so far, in ms, from /proc/<pid>/stat; `null` where /proc does not exist. */
export async function cpuTimeMs(pid: number): Promise<number | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces, so split after its closing parenthesis): utime is 14th, stime 15th overall.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const user = Number(fields[11]);
    const system = Number(fields[12]);
    if (!Number.isFinite(user) || !Number.isFinite(system)) return null;
    return ((user + system) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** Reads VmRSS and VmHWM (peak) of a process from /proc; nulls where /proc does not exist. */
export async function procMemory(pid: number): Promise<{ readonly rss: number | null; readonly peakRss: number | null }> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    return { rss: kibibytesField(status, 'VmRSS'), peakRss: kibibytesField(status, 'VmHWM') };
  } catch {
    return { rss: null, peakRss: null };
  }
}

/** Samples a child's RSS every `intervalMs` until stopped; the peak is what the kernel saw at the samples. */
export function sampleRss(child: BenchChild, intervalMs = 50): { stop(): Promise<{ readonly peakRss: number | null; readonly samples: number }> } {
  let peak: number | null = null;
  let samples = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const { rss } = await child.residentMemory();
      if (rss !== null) peak = Math.max(peak ?? 0, rss);
      samples += 1;
      await new Promise((done) => setTimeout(done, intervalMs));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return { peakRss: peak, samples };
    },
  };
}

/**
 * Binds every thread of a process to the given CPUs with Linux `taskset` (e.g. "1" or "0-1"). Answers false
 * where that is not possible (no taskset, another OS), so the bench runs unpinned there.
 */
export function pinToCpus(pid: number, cpus: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('taskset', ['-a', '-p', '-c', cpus, String(pid)], (error) => resolve(error === null));
  });
}

/** The CPU a measured bot gets to itself, and the CPUs left for the load generator, when there are two or more. */
export function cpuSplit(): { readonly bot: string; readonly rest: string; readonly all: string } | undefined {
  const count = availableParallelism();
  if (count < 2) return undefined;
  return { bot: String(count - 1), rest: count === 2 ? '0' : `0-${count - 2}`, all: `0-${count - 1}` };
}

export interface StartChildOptions {
  readonly env?: Readonly<Record<string, string>>;
  /** Extra flags for node, e.g. `--expose-gc`. */
  readonly nodeFlags?: readonly string[];
  readonly readyTimeoutMs?: number;
}

/** Node flags that hook module loading (tsx, ts-node, any loader): a child started with one is not what ships. */
const LOADER_FLAG = /(?:^|\s)(?:--import|--loader|--experimental-loader|--require|-r)(?:[=\s]|$)/;

/** Why `runtime` is not plain node running compiled code, or undefined when it is. */
export function loaderIn(runtime: ChildRuntime): string | undefined {
  const flags = [...runtime.execArgv, runtime.nodeOptions].join(' ');
  return LOADER_FLAG.test(flags) ? `it ran with a module loader (${flags.trim()})` : undefined;
}

/** Every distinct way children were started in this run (node version, flags), for the results. */
const runtimesSeen = new Map<string, ChildRuntime>();
export const childRuntimesSeen = (): readonly ChildRuntime[] => [...runtimesSeen.values()];

/**
 * Forks the compiled `.bench-build/bench/<script>.js` under plain node (bench/run.ts compiles it first) and
 * waits for its ready message.
 */
/**
 * Extra node flags for every child, for diagnosing a run (e.g. BENCH_CHILD_FLAGS="--trace-gc"); they are
 * listed with the children in the report. Loader flags are refused like anywhere else.
 */
function extraChildFlags(): string[] {
  const raw = z.string().optional().parse(process.env.BENCH_CHILD_FLAGS);
  return raw === undefined ? [] : raw.split(' ').filter((flag) => flag.length > 0);
}

/** The children that are the bot (or its store and outbox) run with the Node options the launcher gives the bot. */
const BOT_SCRIPTS: ReadonlySet<BenchChildScript> = new Set<BenchChildScript>(['bot-process', 'store-process', 'fanout-process', 'fanout-instance']);
const runtimeFlagsOf = (script: BenchChildScript, nodeFlags: readonly string[]): readonly string[] =>
  BOT_SCRIPTS.has(script) ? botNodeFlags([...extraChildFlags(), ...nodeFlags, process.env.NODE_OPTIONS ?? '']) : [];

export async function startChild(script: BenchChildScript, options: StartChildOptions = {}): Promise<BenchChild> {
  const path = compiledScriptPath(script);
  if (!existsSync(path)) throw new Error(`${path} does not exist: bench/run.ts compiles the bench before starting children`);
  const started = performance.now();
  // execArgv is given in full so that nothing of the parent's own (tsx's --import/--require) is inherited.
  // --no-deprecation only keeps a warning out of the bench's output (process.binding in http-deceiver, which restify loads).
  const child: ChildProcess = fork(path, [], {
    execArgv: ['--no-deprecation', ...runtimeFlagsOf(script, options.nodeFlags ?? []), ...extraChildFlags(), ...(options.nodeFlags ?? [])],
    env: { ...process.env, NODE_ENV: 'production', ...options.env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`Could not start ${script}`);

  let nextRequestId = 1;
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let exitError: Error | undefined;
  const failAll = (error: Error): void => {
    exitError = error;
    for (const waiting of pending.values()) waiting.reject(error);
    pending.clear();
  };

  const ready = new Promise<{ url: string | undefined; timings: Record<string, number>; runtime: ChildRuntime }>((resolveReady, rejectReady) => {
    const timeout = setTimeout(() => rejectReady(new Error(`${script} was not ready within ${options.readyTimeoutMs ?? 120_000} ms`)), options.readyTimeoutMs ?? 120_000);
    child.on('message', (raw: unknown) => {
      const parsed = childMessageSchema.safeParse(raw);
      if (!parsed.success) {
        failAll(new Error(`${script} sent a message the bench does not understand: ${parsed.error.message}`));
        return;
      }
      const message = parsed.data;
      if (message.type === 'ready') {
        clearTimeout(timeout);
        const loader = loaderIn(message.runtime);
        if (loader === undefined) resolveReady({ url: message.url, timings: message.timings, runtime: message.runtime });
        else {
          rejectReady(new Error(`${script} is not measured as it ships: ${loader}`));
          child.kill('SIGKILL');
        }
      } else if (message.type === 'failed') {
        clearTimeout(timeout);
        const error = new Error(`${script} failed: ${message.error}`);
        rejectReady(error);
        failAll(error);
      } else {
        const waiting = pending.get(message.requestId);
        pending.delete(message.requestId);
        if (message.ok) waiting?.resolve(message.value);
        else waiting?.reject(new Error(`${script}: ${message.error}`));
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timeout);
      const error = new Error(`${script} exited (${signal ?? `code ${code ?? '?'}`})`);
      rejectReady(error);
      failAll(error);
    });
  });
  const { url, timings, runtime } = await ready;
  runtimesSeen.set(JSON.stringify(runtime), runtime);
  const readyAfterMs = performance.now() - started;

  return {
    pid,
    url,
    timings,
    readyAfterMs,
    request: <T>(name: string, argument: unknown, schema: z.ZodType<T>, timeoutMs = 600_000) =>
      new Promise<T>((resolveRequest, rejectRequest) => {
        if (exitError !== undefined) {
          rejectRequest(exitError);
          return;
        }
        const requestId = nextRequestId++;
        const timeout = setTimeout(() => {
          pending.delete(requestId);
          rejectRequest(new Error(`${script}: ${name} did not answer within ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(requestId, {
          resolve: (value) => {
            clearTimeout(timeout);
            const parsed = schema.safeParse(value);
            if (parsed.success) resolveRequest(parsed.data);
            else rejectRequest(new Error(`${script}: the answer to ${name} has an unexpected shape: ${parsed.error.message}`));
          },
          reject: (error) => {
            clearTimeout(timeout);
            rejectRequest(error);
          },
        });
        child.send({ type: 'request', requestId, name, argument });
      }),
    residentMemory: () => procMemory(pid),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((done) => child.once('exit', () => done()));
      child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(force);
    },
  };
}

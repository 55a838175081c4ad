// Part 5: start-up to ready with 10,000 mailboxes, and memory at rest. The bot runs in a child process;
// "ready" is its ready message, sent right after `startBot` resolved (the HTTP server listens, the outbox
// and the job runner are started), so the time is from `fork` to a bot that answers.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { memorySchema, startChild, type MemorySnapshot } from './processes.js';

export interface StartupRun {
  /** `fork` to ready, measured by the bench. */
  readonly readyAfterMs: number;
  /** Process start to the bot's compiled modules loaded (Node's own start included). */
  readonly modulesLoadedMs: number;
  /** `startBot` itself: data file, indexes, references, outbox, jobs, HTTP server. */
  readonly startBotMs: number;
}

export interface StartupResult {
  /** No data file yet: the organization file is read, checked and written as the data file. */
  readonly firstStart: StartupRun;
  /** The data file exists: it is read and validated. */
  readonly restart: StartupRun;
  readonly atRest: { readonly rss: number | null; readonly memory: MemorySnapshot; readonly rssAfterGc: number | null; readonly memoryAfterGc: MemorySnapshot };
  /** The bare echo bot at rest on the same runtime (plain node, compiled, restify, botbuilder): the floor under the bot's own memory. */
  readonly echoAtRest: { readonly rss: number | null; readonly memory: MemorySnapshot };
}

const runOf = (child: { readyAfterMs: number; timings: Readonly<Record<string, number>> }): StartupRun => ({
  readyAfterMs: child.readyAfterMs,
  modulesLoadedMs: child.timings.modulesLoadedMs ?? Number.NaN,
  startBotMs: child.timings.startBotMs ?? Number.NaN,
});

export async function runStartupBenchmark(options: { readonly orgFile: string; readonly workDirectory: string; readonly restSeconds: number }, log: (line: string) => void): Promise<StartupResult> {
  const directory = join(options.workDirectory, 'startup');
  await mkdir(directory, { recursive: true });
  const env = { BENCH_DATA_FILE: join(directory, 'db.json'), BENCH_ORG_FILE: options.orgFile };

  const first = await startChild('bot-process', { env });
  await first.stop();
  const firstStart = runOf(first);
  log(`startup: first start (seeding the data file) ready after ${firstStart.readyAfterMs.toFixed(0)} ms`);

  const again = await startChild('bot-process', { env, nodeFlags: ['--expose-gc'] });
  try {
    const restart = runOf(again);
    log(`startup: restart ready after ${restart.readyAfterMs.toFixed(0)} ms; resting ${options.restSeconds} s`);
    await new Promise((done) => setTimeout(done, options.restSeconds * 1000));
    const memory = await again.request('memory', { collectGarbage: false }, memorySchema);
    const { rss } = await again.residentMemory();
    const memoryAfterGc = await again.request('memory', { collectGarbage: true }, memorySchema);
    const afterGc = await again.residentMemory();
    log(`startup: at rest RSS ${((rss ?? memory.rss) / 2 ** 20).toFixed(0)} MB, heap ${(memory.heapUsed / 2 ** 20).toFixed(0)} MB`);
    const echoAtRest = await measureEchoAtRest(options.restSeconds);
    return { firstStart, restart, atRest: { rss, memory, rssAfterGc: afterGc.rss, memoryAfterGc }, echoAtRest };
  } finally {
    await again.stop();
  }
}

async function measureEchoAtRest(restSeconds: number): Promise<StartupResult['echoAtRest']> {
  const echo = await startChild('echo-bot');
  try {
    await new Promise((done) => setTimeout(done, restSeconds * 1000));
    const memory = await echo.request('memory', { collectGarbage: false }, memorySchema);
    const { rss } = await echo.residentMemory();
    return { rss, memory };
  } finally {
    await echo.stop();
  }
}

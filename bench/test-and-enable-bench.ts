// Part 2: Test & Enable at scale. `test mailboxes for profile "Microsoft Exchange Online"` is sent to the
// real bot (child process) over HTTP, for an organization whose 10,000 mailboxes are all approved, with the
// simulated Exchange answering each test after 0 ms and after 20 ms. The job's own timestamps give its
// duration; the bot's memory is sampled from outside and its data-file writes are counted by the store.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { messageActivity, personalChatOf, visibleText, type BenchUser } from './activities.js';
import { allocationSummarySchema, type AllocationSummary } from './cpu-profile.js';
import { memorySchema, sampleRss, startChild, type BenchChild, type MemorySnapshot } from './processes.js';

export interface TestAndEnableOptions {
  /**
   * One run per entry: an organization file with every mailbox approved and the simulated Exchange latency
   * it was generated with; `heapLimitMb` runs the bot with `--max-old-space-size` (how much of the peak is
   * garbage the collector had room to leave).
   */
  readonly runs: readonly { readonly latencyMs: number; readonly file: string; readonly heapLimitMb?: number }[];
  readonly workDirectory: string;
  readonly tenantId: string;
  readonly user: BenchUser;
  readonly concurrency: number;
  readonly profileName: string;
  readonly timeoutMs: number;
  /** After measuring, run the 0 ms job once more with allocation sampling on and keep the summary. */
  readonly profile: boolean;
}

export interface TestAndEnableRun {
  readonly latencyMs: number;
  readonly heapLimitMb: number | null;
  readonly mailboxes: number;
  readonly verdicts: Readonly<Record<string, number>>;
  /** The job's createdAt to completedAt. */
  readonly jobMs: number;
  /** `mailboxes × latency / concurrency`: the time the Exchange calls alone need. */
  readonly idealMs: number;
  /** Data-file writes: journal appends and snapshots alike. */
  readonly dataFileWrites: number;
  /** Of those, whole-file snapshots (the rest are journal appends). */
  readonly dataFileSnapshots: number;
  readonly peakRss: number | null;
  readonly rssBefore: number | null;
  /** The highest heap, external and array-buffer figures the bot saw during the job. */
  readonly peakMemory: MemorySnapshot;
}

export interface TestAndEnableResult {
  readonly concurrency: number;
  readonly runs: readonly TestAndEnableRun[];
  /** With --profile: what the 0 ms job allocated, by site (a run of its own, not one of the measured runs). */
  readonly allocations?: AllocationSummary;
}

const jobsSchema = z.array(
  z.object({
    id: z.string(),
    status: z.string(),
    mailboxes: z.number(),
    results: z.number(),
    verdicts: z.record(z.string(), z.number()),
    createdAt: z.string(),
    completedAt: z.string().nullable(),
  }),
);
const storeSchema = z.object({ writes: z.number(), snapshots: z.number() });

export async function runTestAndEnableBenchmark(options: TestAndEnableOptions, connector: BenchChild, log: (line: string) => void): Promise<TestAndEnableResult> {
  const runs: TestAndEnableRun[] = [];
  for (const [index, run] of options.runs.entries()) {
    const measured = await runJob(options, run, join(options.workDirectory, `test-and-enable-${index}`), connector, false);
    log(`  ${run.latencyMs} ms per test${run.heapLimitMb === undefined ? '' : `, heap limit ${run.heapLimitMb} MB`}: ${measured.run.mailboxes} mailboxes in ${(measured.run.jobMs / 1000).toFixed(1)} s, ${measured.run.dataFileWrites} data-file writes (${measured.run.dataFileSnapshots} snapshots), peak RSS ${((measured.run.peakRss ?? 0) / 2 ** 20).toFixed(0)} MB (heap ${(measured.run.peakMemory.heapUsed / 2 ** 20).toFixed(0)} MB, external ${(measured.run.peakMemory.external / 2 ** 20).toFixed(0)} MB)`);
    runs.push(measured.run);
  }
  const fastest = options.runs.find((run) => run.latencyMs === 0 && run.heapLimitMb === undefined);
  if (!options.profile || fastest === undefined) return { concurrency: options.concurrency, runs };
  const { allocations } = await runJob(options, fastest, join(options.workDirectory, 'test-and-enable-sampled'), connector, true);
  if (allocations !== undefined) log(`  0 ms per test, allocations sampled: ${(allocations.allocatedBytes / 2 ** 20).toFixed(0)} MB allocated during the job`);
  return { concurrency: options.concurrency, runs, ...(allocations === undefined ? {} : { allocations }) };
}

async function runJob(
  options: TestAndEnableOptions,
  { latencyMs, file, heapLimitMb }: TestAndEnableOptions['runs'][number],
  directory: string,
  connector: BenchChild,
  sampleAllocations: boolean,
): Promise<{ readonly run: TestAndEnableRun; readonly allocations?: AllocationSummary }> {
  const connectorUrl = connector.url ?? '';
  await mkdir(directory, { recursive: true });
  const bot = await startChild('bot-process', {
    env: { BENCH_DATA_FILE: join(directory, 'db.json'), BENCH_ORG_FILE: file, BENCH_JOB_CONCURRENCY: String(options.concurrency) },
    nodeFlags: heapLimitMb === undefined ? [] : [`--max-old-space-size=${heapLimitMb}`],
  });
  try {
    const { rss: rssBefore } = await bot.residentMemory();
    const storeBefore = await bot.request('store', {}, storeSchema);
    await bot.request('startMemoryPeaks', {}, z.null());
    const sampler = sampleRss(bot);
    if (sampleAllocations) await bot.request('startAllocationSampling', {}, z.null());
    const command = `test mailboxes for profile "${options.profileName}"`;
    const response = await fetch(`${bot.url ?? ''}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(messageActivity(options.user, command, { serviceUrl: connectorUrl, tenantId: options.tenantId, id: `bench-tae-${latencyMs}` })),
    });
    if (response.status >= 300) throw new Error(`${command} was answered ${response.status}: ${await response.text()}`);
    // Every mailbox of a profile is a bulk write: the bot previews it, and the job starts on Confirm
    // (docs/confirmations.md). The admin's click is an Action.Submit with the confirmation's opaque id.
    const preview = JSON.stringify(await connector.request('lastActivity', { conversationId: personalChatOf(options.user) }, z.unknown()));
    const confirmationId = /"confirmationId":"([A-Za-z0-9-]+)"/.exec(preview)?.[1];
    if (confirmationId === undefined) throw new Error(`${command} was not previewed for confirmation; the bot answered: ${preview.slice(0, 300)}`);
    const confirmed = await fetch(`${bot.url ?? ''}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        ...messageActivity(options.user, '', { serviceUrl: connectorUrl, tenantId: options.tenantId, id: `bench-tae-confirm-${latencyMs}` }),
        text: undefined,
        value: { verb: 'confirmation.confirm', confirmationId },
      }),
    });
    if (confirmed.status >= 300) throw new Error(`Confirm was answered ${confirmed.status}: ${await confirmed.text()}`);
    const deadline = Date.now() + options.timeoutMs;
    let job: z.infer<typeof jobsSchema>[number] | undefined;
    for (;;) {
      job = (await bot.request('jobs', {}, jobsSchema)).at(-1);
      if (job?.status === 'done') break;
      if (job === undefined && Date.now() > deadline - options.timeoutMs + 10_000) {
        const answer = visibleText(await connector.request('lastActivity', { conversationId: personalChatOf(options.user) }, z.unknown()));
        throw new Error(`No Test & Enable job was created; the bot answered: ${answer.slice(0, 300)}`);
      }
      if (Date.now() > deadline) throw new Error(`The Test & Enable job did not finish within ${options.timeoutMs} ms (${job === undefined ? 'no job' : `${job.results}/${job.mailboxes} results`})`);
      await new Promise((done) => setTimeout(done, 200));
    }
    const { peakRss } = await sampler.stop();
    const peakMemory = await bot.request('stopMemoryPeaks', {}, memorySchema);
    const storeAfter = await bot.request('store', {}, storeSchema);
    const writes = storeAfter.writes - storeBefore.writes;
    const snapshots = storeAfter.snapshots - storeBefore.snapshots;
    if (job.completedAt === null) throw new Error('A finished job has no completedAt');
    const run: TestAndEnableRun = {
      latencyMs,
      heapLimitMb: heapLimitMb ?? null,
      mailboxes: job.mailboxes,
      verdicts: job.verdicts,
      jobMs: Date.parse(job.completedAt) - Date.parse(job.createdAt),
      idealMs: (job.mailboxes * latencyMs) / options.concurrency,
      dataFileWrites: writes,
      dataFileSnapshots: snapshots,
      peakRss,
      rssBefore,
      peakMemory,
    };
    const allocations = sampleAllocations ? await bot.request('stopAllocationSampling', {}, allocationSummarySchema) : undefined;
    return { run, ...(allocations === undefined ? {} : { allocations }) };
  } finally {
    await bot.stop();
  }
}

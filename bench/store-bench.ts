// Part 4: the store. 10,000 single approvals (the approval card's decision, one use-case call and one
// commit each) and one bulk approval of 10,000 (`approve mailbox pending`, one commit), each on a fresh
// copy of the same data file, in a child process whose memory is sampled from here.
import { copyFile, mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { sampleRss, startChild } from './processes.js';

export interface StoreOptions {
  readonly orgFile: string;
  readonly workDirectory: string;
  readonly approvals: number;
  /** How long the strictly sequential run may take before it stops issuing approvals. */
  readonly sequentialBudgetMs: number;
}

export interface StoreScenario {
  readonly name: string;
  readonly attempted: number;
  readonly approved: number;
  readonly elapsedMs: number;
  /** Data-file writes: journal appends and snapshots alike. */
  readonly writes: number;
  /** Of those, whole-file snapshots (the rest are journal appends). */
  readonly snapshotsWritten: number;
  readonly transactionsWritten: number;
  readonly peakRss: number | null;
  /** For a run cut short by its time budget: the time all `approvals` would take at the measured pace. */
  readonly extrapolatedMs: number | null;
}

export interface StoreResult {
  readonly mailboxes: number;
  readonly dataFileBytes: number;
  readonly openMs: number;
  readonly scenarios: readonly StoreScenario[];
}

const writeCountsSchema = z.object({ writes: z.number(), snapshotsWritten: z.number(), transactionsWritten: z.number() });
const singleSchema = writeCountsSchema.extend({ attempted: z.number(), approved: z.number(), refused: z.number(), elapsedMs: z.number() });
const bulkSchema = writeCountsSchema.extend({ approved: z.number(), outcomes: z.number(), elapsedMs: z.number() });

export async function runStoreBenchmark(options: StoreOptions, log: (line: string) => void): Promise<StoreResult> {
  const directory = join(options.workDirectory, 'store');
  await mkdir(directory, { recursive: true });
  const seeded = join(directory, 'seed.json');
  const seeding = await startChild('store-process', { env: { BENCH_DATA_FILE: seeded, BENCH_ORG_FILE: options.orgFile, BENCH_GROUP_COMMIT: 'on' } });
  await seeding.stop();
  const dataFileBytes = (await stat(seeded)).size;

  let copies = 0;
  const scenario = async <T>(run: (child: Awaited<ReturnType<typeof startChild>>) => Promise<T>): Promise<{ value: T; peakRss: number | null; openMs: number }> => {
    copies += 1;
    const dataFile = join(directory, `run-${copies}.json`);
    await copyFile(seeded, dataFile);
    const child = await startChild('store-process', { env: { BENCH_DATA_FILE: dataFile, BENCH_ORG_FILE: options.orgFile, BENCH_GROUP_COMMIT: 'on' } });
    try {
      const sampler = sampleRss(child);
      const value = await run(child);
      const { peakRss } = await sampler.stop();
      return { value, peakRss, openMs: child.timings.openMs ?? Number.NaN };
    } finally {
      await child.stop();
    }
  };

  const scenarios: StoreScenario[] = [];
  log(`store: ${options.approvals} single approvals issued back to back (group commit)`);
  const pipelined = await scenario((child) => child.request('singleApprovals', { count: options.approvals, awaitEach: false }, singleSchema));
  scenarios.push({ name: 'single approvals, issued back to back', ...pipelined.value, peakRss: pipelined.peakRss, extrapolatedMs: null });

  log(`store: single approvals one at a time, each waiting for its write (budget ${options.sequentialBudgetMs / 1000} s)`);
  const sequential = await scenario((child) => child.request('singleApprovals', { count: options.approvals, awaitEach: true, budgetMs: options.sequentialBudgetMs }, singleSchema));
  const cutShort = sequential.value.attempted < options.approvals;
  scenarios.push({
    name: 'single approvals, each awaited',
    ...sequential.value,
    peakRss: sequential.peakRss,
    extrapolatedMs: cutShort && sequential.value.attempted > 0 ? (sequential.value.elapsedMs / sequential.value.attempted) * options.approvals : null,
  });

  log('store: one bulk approval of every pending mailbox');
  const bulk = await scenario((child) => child.request('bulkApproval', {}, bulkSchema));
  scenarios.push({ name: 'one bulk approval', attempted: bulk.value.outcomes, ...bulk.value, peakRss: bulk.peakRss, extrapolatedMs: null });

  for (const result of scenarios) {
    log(`  ${result.name}: ${result.approved}/${result.attempted} approved in ${(result.elapsedMs / 1000).toFixed(2)} s, ${result.writes} writes (${result.snapshotsWritten} snapshots) for ${result.transactionsWritten} commits`);
  }
  return { mailboxes: options.approvals, dataFileBytes, openMs: pipelined.openMs, scenarios };
}

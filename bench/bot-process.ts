// The real Mailbox Sync Bot in a child process: `startBot` from src/main.ts over a data file in a temp
// directory (seeded from the organization file on first start), in local anonymous mode on an ephemeral
// port. The bench reaches it over HTTP like Teams would, and asks it for memory and store figures over IPC.
import { z } from 'zod';
import { loadConfig } from '../src/shared/config.js';
import { silentLogger } from '../src/shared/logger.js';
import { startBot, type StartOptions } from '../src/main.js';
import { announceFailure, announceReady, serveParent } from './child-support.js';
import { allocationSamplingHandlers, profilingHandlers } from './cpu-profile.js';

// Loaded before main() runs: Node's own start plus loading the bot's compiled modules and their packages.
const modulesLoadedAtMs = performance.now();

const environmentSchema = z.object({
  BENCH_DATA_FILE: z.string().min(1, 'BENCH_DATA_FILE must name the data file'),
  BENCH_ORG_FILE: z.string().min(1, 'BENCH_ORG_FILE must name the organization file'),
  /** Mailboxes tested at once by the Test & Enable runner; the runner's default when unset. */
  BENCH_JOB_CONCURRENCY: z.coerce.number().int().min(1).optional(),
  /** The bot's own state in PostgreSQL at this URL (STATE_STORE=postgres); in the data file when unset. */
  BENCH_DATABASE_URL: z.string().min(1).optional(),
});

// Only what the bench reads of a job record; the rest passes through unparsed.
const jobSummariesSchema = z.array(
  z.looseObject({
    id: z.string(),
    status: z.string(),
    mailboxes: z.array(z.unknown()),
    results: z.array(z.unknown()),
    createdAt: z.string(),
    completedAt: z.string().nullable(),
  }),
);
const verdictSchema = z.looseObject({ verdict: z.string() });

function countVerdicts(results: readonly unknown[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const result of results) {
    const parsed = verdictSchema.safeParse(result);
    const verdict = parsed.success ? parsed.data.verdict : 'unreadable';
    counts[verdict] = (counts[verdict] ?? 0) + 1;
  }
  return counts;
}

async function main(): Promise<void> {
  const environment = environmentSchema.parse(process.env);
  const config = loadConfig({
    PORT: '0',
    DATA_FILE: environment.BENCH_DATA_FILE,
    ORG_FILE: environment.BENCH_ORG_FILE,
    PLAYGROUND: '0',
    LOG_LEVEL: 'silent',
    ...(environment.BENCH_DATABASE_URL === undefined ? {} : { STATE_STORE: 'postgres', DATABASE_URL: environment.BENCH_DATABASE_URL }),
  });
  const options: StartOptions = {
    logger: silentLogger,
    ...(environment.BENCH_JOB_CONCURRENCY === undefined ? {} : { jobs: { concurrency: environment.BENCH_JOB_CONCURRENCY } }),
  };
  const startingAtMs = performance.now();
  const bot = await startBot(config, options);
  const readyAtMs = performance.now();
  const { store } = bot.services;

  serveParent(
    {
      ...profilingHandlers(),
      ...allocationSamplingHandlers(),
      store: () => ({
        writes: store.writesPerformed,
        snapshots: store.snapshotsWritten,
        transactionsWritten: store.transactionsWritten,
        mailboxes: store.mailboxes().length,
        document: Object.fromEntries(Object.entries(store.document()).map(([section, value]) => [section, Array.isArray(value) ? value.length : null])),
      }),
      /** Where each Test & Enable job stands (from the data file's `jobs` section). */
      jobs: () =>
        jobSummariesSchema.parse(store.document().jobs ?? []).map((job) => ({
          id: job.id,
          status: job.status,
          mailboxes: job.mailboxes.length,
          results: job.results.length,
          verdicts: job.status === 'done' ? countVerdicts(job.results) : {},
          createdAt: job.createdAt,
          completedAt: job.completedAt,
        })),
    },
    () => bot.stop(),
  );
  announceReady(bot.url, { modulesLoadedMs: modulesLoadedAtMs, startBotMs: readyAtMs - startingAtMs, readyAtMs });
}

main().catch(announceFailure);

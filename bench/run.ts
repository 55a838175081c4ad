// `npm run bench`: generates a 10,000-mailbox organization, runs the five benchmarks against the real bot
// and store in child processes, prints a table and writes bench/results.json. See docs/performance.md.
// This script may run under tsx; the children run what ships: it first compiles src/ and bench/ with
// tsconfig.bench.json into .bench-build/, and every child is that JavaScript under plain node (compile.ts).
//
//   npm run bench                      everything (a few minutes)
//   npm run bench -- --only=chat,store  some parts: chat, testAndEnable, fanout, store, startup, dataverse,
//                                      chatPostgres, fanoutInstances (issue 16: the bot's state on PostgreSQL)
//   npm run bench -- --quick            smaller counts and shorter runs, for trying the bench itself
//   npm run bench -- --profile          also profile the bot's CPU under each chat command and sample what
//                                       the 0 ms Test & Enable job allocates (results.json)
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { runChatBenchmark, type ChatLoadOptions } from './chat.js';
import { runChatPostgresBenchmark } from './chat-postgres.js';
import { runFanoutInstancesBenchmark } from './fanout-instances-bench.js';
import { startBenchPostgres, type BenchPostgres } from './postgres-server.js';
import { runDataverseBenchmark } from './dataverse-bench.js';
import { BENCH_BUILD_DIRECTORY, BENCH_TSCONFIG, compileBench } from './compile.js';
import { runFanoutBenchmark } from './fanout-bench.js';
import { generateValidatedOrganization } from './org-generator.js';
import { BENCH_DIRECTORY, childRuntimesSeen, startChild } from './processes.js';
import { formatReport, type BenchResults } from './report.js';
import { runStartupBenchmark } from './startup-bench.js';
import { runStoreBenchmark } from './store-bench.js';
import { runTestAndEnableBenchmark } from './test-and-enable-bench.js';

/** The old-space limit of the extra Test & Enable run, which shows how much of the default peak is uncollected garbage. */
const HEAP_LIMIT_MB = 160;

const PARTS = ['chat', 'testAndEnable', 'fanout', 'store', 'startup', 'dataverse', 'chatPostgres', 'fanoutInstances'] as const;
type Part = (typeof PARTS)[number];

const argumentsSchema = z
  .object({
    only: z
      .string()
      .transform((text) => text.split(',').map((part) => part.trim()))
      .pipe(z.array(z.enum(PARTS, { error: `--only takes a comma list of ${PARTS.join(', ')}` })))
      .optional(),
    quick: z.boolean().default(false),
    /** Profile the bot's CPU under each chat command's load (an extra run each; figures are kept apart). */
    profile: z.boolean().default(false),
    out: z.string().default(join(BENCH_DIRECTORY, 'results.json')),
  })
  .strict();

function parseArguments(argv: readonly string[]): z.infer<typeof argumentsSchema> {
  const raw: Record<string, string | boolean> = {};
  for (const argument of argv) {
    const match = /^--([a-zA-Z]+)(?:=(.*))?$/.exec(argument);
    if (match?.[1] === undefined) throw new Error(`Unknown argument "${argument}"; use --only=<parts>, --quick, --profile or --out=<file>`);
    raw[match[1]] = match[2] ?? true;
  }
  const parsed = argumentsSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`Bad arguments: ${parsed.error.issues.map((issue) => `--${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  return parsed.data;
}

const log = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

async function main(): Promise<void> {
  const options = parseArguments(process.argv.slice(2));
  const selected = new Set<Part>(options.only ?? PARTS);
  const scale = options.quick
    ? { mailboxes: 2_000, seconds: 2, repeats: 1, warmup: 1, sequentialBudgetMs: 10_000, alerts: 300, newConversations: 20, fanoutBudgetMs: 60_000 }
    : { mailboxes: 10_000, seconds: 3, repeats: 3, warmup: 2, sequentialBudgetMs: 30_000, alerts: 5_000, newConversations: 100, fanoutBudgetMs: 210_000 };
  const workDirectory = await mkdtemp(join(tmpdir(), 'mailbox-bench-'));
  const startedAt = new Date();
  const loadBefore = loadavg();
  log(`Mailbox Sync Bot benchmarks (${options.quick ? 'quick' : 'full'}), working in ${workDirectory}`);
  try {
    const build = await compileBench();
    log(`compiled src/ and bench/ (tsc -p ${BENCH_TSCONFIG}) into ${BENCH_BUILD_DIRECTORY} in ${(build.elapsedMs / 1000).toFixed(1)} s`);
    const realistic = await generateValidatedOrganization({ mailboxCount: scale.mailboxes });
    const realisticFile = join(workDirectory, 'org-realistic.json');
    await writeFile(realisticFile, JSON.stringify(realistic.file));
    const ada = realistic.data.users.find((user) => user.id === 'user-ada');
    if (ada === undefined) throw new Error('The generated organization lost Ada Admin');
    log(`organization: ${realistic.data.mailboxes.length} mailboxes, ${realistic.data.users.length} users`);
    // Addresses for `mailbox <address>`, spread over the organization.
    const chatAddresses = realistic.data.mailboxes.filter((_, index) => index % Math.floor(realistic.data.mailboxes.length / 64) === 7).map((mailbox) => mailbox.emailAddress);

    const results: BenchResults = {
      startedAt: startedAt.toISOString(),
      mode: options.quick ? 'quick' : 'full',
      machine: {
        cpu: cpus()[0]?.model ?? 'unknown',
        cores: cpus().length,
        memoryGiB: Math.round(totalmem() / 2 ** 30),
        os: `${process.platform} ${release()}`,
        node: process.version,
        loadAverageBefore: loadBefore,
        loadAverageAfter: [],
      },
      organization: { mailboxes: realistic.data.mailboxes.length, users: realistic.data.users.length },
    };

    if (selected.has('startup')) {
      results.startup = await runStartupBenchmark({ orgFile: realisticFile, workDirectory, restSeconds: options.quick ? 1 : 3 }, log);
    }

    // The same load for the chat on the file store and on PostgreSQL.
    const chatLoad: ChatLoadOptions = {
      orgFile: realisticFile,
      tenantId: realistic.data.organization.tenantId,
      user: ada,
      mailboxAddresses: chatAddresses,
      connections: 16,
      warmupSeconds: scale.warmup,
      durationSeconds: scale.seconds,
      repeats: scale.repeats,
    };
    if (selected.has('chat')) {
      results.chat = await runChatBenchmark(
        {
          ...chatLoad,
          dataFile: join(workDirectory, 'chat', 'db.json'),
          profile: options.profile,
        },
        log,
      );
    }

    if (selected.has('chatPostgres') || selected.has('fanoutInstances')) {
      log('starting an embedded PostgreSQL for the state-store parts');
      const postgres: BenchPostgres = await startBenchPostgres();
      try {
        if (selected.has('chatPostgres')) {
          results.chatPostgres = await runChatPostgresBenchmark(
            {
              ...chatLoad,
              workDirectory,
            },
            postgres,
            log,
          );
        }
        if (selected.has('fanoutInstances')) {
          results.fanoutInstances = await runFanoutInstancesBenchmark({ alerts: scale.alerts, budgetMs: scale.fanoutBudgetMs }, postgres, log);
        }
      } finally {
        await postgres.stop();
      }
    }

    if (selected.has('testAndEnable')) {
      const files = new Map<number, string>();
      for (const latencyMs of [0, 20]) {
        const approved = await generateValidatedOrganization({ mailboxCount: scale.mailboxes, approvalMix: 'allApproved', exchangeLatencyMs: latencyMs });
        const file = join(workDirectory, `org-all-approved-${latencyMs}ms.json`);
        await writeFile(file, JSON.stringify(approved.file));
        files.set(latencyMs, file);
      }
      const fileFor = (latencyMs: number): string => files.get(latencyMs) ?? '';
      const runs = [
        { latencyMs: 0, file: fileFor(0) },
        { latencyMs: 20, file: fileFor(20) },
        { latencyMs: 0, file: fileFor(0), heapLimitMb: HEAP_LIMIT_MB },
      ];
      log('test and enable: "test mailboxes for profile" over every mailbox');
      const connector = await startChild('loopback-connector');
      try {
        results.testAndEnable = await runTestAndEnableBenchmark(
          {
            runs,
            workDirectory,
            tenantId: realistic.data.organization.tenantId,
            user: ada,
            concurrency: 8,
            profileName: 'Microsoft Exchange Online',
            timeoutMs: 600_000,
            profile: options.profile,
          },
          connector,
          log,
        );
      } finally {
        await connector.stop();
      }
    }

    if (selected.has('fanout')) {
      results.fanout = await runFanoutBenchmark({ orgFile: realisticFile, workDirectory, alerts: scale.alerts, newConversations: scale.newConversations, budgetMs: scale.fanoutBudgetMs }, log);
    }

    if (selected.has('store')) {
      const allPending = await generateValidatedOrganization({ mailboxCount: scale.mailboxes, approvalMix: 'allPending' });
      const allPendingFile = join(workDirectory, 'org-all-pending.json');
      await writeFile(allPendingFile, JSON.stringify(allPending.file));
      results.store = await runStoreBenchmark(
        { orgFile: allPendingFile, workDirectory, approvals: allPending.data.mailboxes.length, sequentialBudgetMs: scale.sequentialBudgetMs },
        log,
      );
    }

    if (selected.has('dataverse')) {
      // Time scaled down 100x: a 3 s window stands for Dataverse's 5 minutes, so 6,000 requests become 60 and
      // 1,200 s of execution 12 s; 52 concurrent requests stay 52.
      results.dataverse = await runDataverseBenchmark(
        {
          data: realistic.data,
          limits: { requestsPerWindow: 60, windowMs: 3_000, maxConcurrent: 52, executionMsPerWindow: 12_000 },
          testDelayMs: 200,
          pollIntervalMs: 500,
          timeoutMs: 600_000,
        },
        log,
      );
    }

    results.children = { code: `compiled by tsc -p ${BENCH_TSCONFIG}`, loader: 'none', compileMs: build.elapsedMs, runtimes: childRuntimesSeen() };
    results.machine.loadAverageAfter = loadavg();
    results.finishedAt = new Date().toISOString();
    log('');
    log(formatReport(results));
    const outFile = resolve(options.out);
    await writeFile(outFile, `${JSON.stringify(results, null, 2)}\n`);
    log(`\nwritten to ${outFile}`);
  } finally {
    await rm(workDirectory, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});

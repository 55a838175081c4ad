// Issue 16, chat on PostgreSQL: the chat part's commands against two copies of the real bot in the same run,
// one keeping its own state in the data file (STATE_STORE=file) and one in PostgreSQL (STATE_STORE=postgres, an
// embedded server started by the bench). Both are measured flat out in rounds (command 1 on the file store, then
// on PostgreSQL, then command 2...), so that drift of a shared machine lands on both. The bot on PostgreSQL is
// charged for the database server's CPU too: both bots and the server share one CPU, the load generator and the
// loopback connector the other, and the CPU per request adds the server's time to the bot's.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { messageActivity, personalChatOf } from './activities.js';
import { chatCommands, checkAnswer, figuresOf, higherThroughput, inRounds, load, type ChatLoadOptions, type LoadFigures, type LoadTarget } from './chat.js';
import type { BenchPostgres } from './postgres-server.js';
import { cpuSplit, pinToCpus, startChild, type BenchChild } from './processes.js';

export interface ChatPostgresOptions extends ChatLoadOptions {
  readonly workDirectory: string;
}

/** The goal of issue 16: each command on PostgreSQL at 0.8x of the file store or better. */
export const POSTGRES_CHAT_GOAL = 0.8;

export interface ChatPostgresCommand {
  readonly name: string;
  readonly check: { readonly file: string | null; readonly postgres: string | null };
  readonly file: LoadFigures;
  readonly postgres: LoadFigures;
  /** Requests per second on PostgreSQL / on the file store (best run of each). */
  readonly rateRatio: number;
  /** The file-store bot's CPU per request / the PostgreSQL bot's plus the database server's (null without /proc). */
  readonly cpuRatio: number | null;
  /** The same with the bot's own CPU only (what the bot process spends; the server's share left out). */
  readonly botCpuRatio: number | null;
}

export interface ChatPostgresResult {
  readonly repeats: number;
  readonly connections: number;
  readonly durationSeconds: number;
  readonly cpuPinning: string;
  readonly goal: number;
  readonly commands: readonly ChatPostgresCommand[];
}

const ratioOf = (file: number | null, postgres: number | null): number | null => (file === null || postgres === null || postgres === 0 ? null : file / postgres);

export async function runChatPostgresBenchmark(options: ChatPostgresOptions, postgres: BenchPostgres, log: (line: string) => void): Promise<ChatPostgresResult> {
  const split = cpuSplit();
  const pinned = split !== undefined && (await pinToCpus(process.pid, split.rest)) && (await postgres.pinTo(split.bot));
  const cpuPinning =
    pinned && split !== undefined
      ? `both bots and the PostgreSQL server on CPU ${split.bot}, one bot under load at a time; load generator and connector on CPU ${split.rest}`
      : 'not pinned (needs Linux taskset and 2 CPUs)';
  log(`chat on PostgreSQL: ${cpuPinning}`);
  const children: BenchChild[] = [];
  const connector = await startChild('loopback-connector');
  if (pinned && split !== undefined) await pinToCpus(connector.pid, split.rest);
  const bodiesOf = (texts: readonly string[], tag: string): string[] =>
    texts.map((text, index) => JSON.stringify(messageActivity(options.user, text, { serviceUrl: connector.url ?? '', tenantId: options.tenantId, id: `bench-${tag}-${index}` })));
  try {
    const startBot = async (store: 'file' | 'postgres'): Promise<BenchChild> => {
      const directory = join(options.workDirectory, `chat-${store}`);
      await mkdir(directory, { recursive: true });
      const databaseUrl = store === 'postgres' ? await postgres.createDatabase() : undefined;
      const child = await startChild('bot-process', {
        env: { BENCH_DATA_FILE: join(directory, 'db.json'), BENCH_ORG_FILE: options.orgFile, ...(databaseUrl === undefined ? {} : { BENCH_DATABASE_URL: databaseUrl }) },
      });
      children.push(child);
      if (pinned && split !== undefined) await pinToCpus(child.pid, split.bot);
      // The first message from a conversation records its reference (one write); later ones change nothing.
      await checkAnswer(child, connector, bodiesOf(['help'], `first-${store}`)[0] ?? '', personalChatOf(options.user), () => null);
      return child;
    };
    const fileBot = await startBot('file');
    const postgresBot = await startBot('postgres');
    const commands = chatCommands(options.user, options.mailboxAddresses);
    const checks = new Map<string, string | null>();
    const targets: LoadTarget[] = [];
    for (const command of commands) {
      for (const [store, bot] of [['file', fileBot], ['postgres', postgresBot]] as const) {
        const name = `${command.name} (${store})`;
        const check = await checkAnswer(bot, connector, bodiesOf(command.texts, name)[0] ?? '', personalChatOf(options.user), command.expect);
        checks.set(name, check.ok ? null : check.detail);
        log(`  ${name}: ${check.ok ? 'answers as expected' : `CHECK FAILED (${check.detail})`}`);
        targets.push({
          name,
          child: bot,
          bodies: bodiesOf(command.texts, name),
          withLatency: false,
          ...(store === 'postgres' ? { databaseCpuTimeMs: () => postgres.cpuTimeMs() } : {}),
        });
      }
    }
    const flatOut = (target: LoadTarget, seconds: number) => load(target.child.url ?? '', target.bodies, { connections: options.connections, durationSeconds: seconds });
    log(`chat on PostgreSQL: warming up ${targets.length} targets`);
    for (const target of targets) await flatOut(target, options.warmupSeconds);
    log(`chat on PostgreSQL: peak throughput, ${options.repeats} rounds, file store and PostgreSQL alternating`);
    const peaks = await inRounds(targets, options.repeats, (target) => flatOut(target, options.durationSeconds), higherThroughput);
    const results = commands.map((command): ChatPostgresCommand => {
      const file = figuresOf(peaks, `${command.name} (file)`);
      const onPostgres = figuresOf(peaks, `${command.name} (postgres)`);
      const postgresTotal = onPostgres.cpuMicrosPerRequest === null ? null : onPostgres.cpuMicrosPerRequest + (onPostgres.databaseCpuMicrosPerRequest ?? 0);
      const result: ChatPostgresCommand = {
        name: command.name,
        check: { file: checks.get(`${command.name} (file)`) ?? null, postgres: checks.get(`${command.name} (postgres)`) ?? null },
        file,
        postgres: onPostgres,
        rateRatio: onPostgres.requestsPerSecond / file.requestsPerSecond,
        cpuRatio: ratioOf(file.cpuMicrosPerRequest, postgresTotal),
        botCpuRatio: ratioOf(file.cpuMicrosPerRequest, onPostgres.cpuMicrosPerRequest),
      };
      log(
        `  ${command.name}: file ${file.requestsPerSecond.toFixed(0)}/s, PostgreSQL ${onPostgres.requestsPerSecond.toFixed(0)}/s = ${result.rateRatio.toFixed(2)}x; CPU ${result.cpuRatio?.toFixed(2) ?? 'n/a'}x (bot alone ${result.botCpuRatio?.toFixed(2) ?? 'n/a'}x)`,
      );
      return result;
    });
    return { repeats: options.repeats, connections: options.connections, durationSeconds: options.durationSeconds, cpuPinning, goal: POSTGRES_CHAT_GOAL, commands: results };
  } finally {
    for (const child of children) await child.stop();
    await connector.stop();
    if (pinned && split !== undefined) {
      await pinToCpus(process.pid, split.all);
      await postgres.pinTo(split.all);
    }
  }
}

// Part 1: chat throughput and latency. autocannon (in this process) posts Teams-shaped activities to
// /api/messages of a bot in a child process; a loopback Bot Connector (another child) answers the bot's
// replies. Baseline: a bare echo bot on the same stack; also the echo bot answering with each command's
// card, and the echo bot holding the organization in memory. Every target is run flat out (peak
// throughput) and the bot's commands and the echo bot also at half the echo bot's peak rate (latency under
// ordinary load), in rounds over all targets.
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import autocannon from 'autocannon';
import { z } from 'zod';
import { messageActivity, personalChatOf, visibleText, type BenchUser } from './activities.js';
import { profileSummarySchema, type ProfileSummary } from './cpu-profile.js';
import type { BenchChildScript } from './compile.js';
import { journalPathOf } from '../src/store/json-file.js';
import { cpuSplit, cpuTimeMs, pinToCpus, startChild, type BenchChild } from './processes.js';

/** The load both chat parts put on a bot: who asks, what, and how hard. */
export interface ChatLoadOptions {
  readonly orgFile: string;
  readonly tenantId: string;
  readonly user: BenchUser;
  /** Addresses for `mailbox <address>`, spread over the organization. */
  readonly mailboxAddresses: readonly string[];
  readonly connections: number;
  readonly warmupSeconds: number;
  readonly durationSeconds: number;
  /** Runs per measurement; the best is kept (other work on the machine only ever makes a run slower). */
  readonly repeats: number;
}

export interface ChatOptions extends ChatLoadOptions {
  readonly dataFile: string;
  /** After measuring, run each bot target once more under a CPU profiler and keep the summary. */
  readonly profile: boolean;
}

export interface LoadFigures {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly requests: number;
  readonly non2xx: number;
  readonly errors: number;
  /** Requests per second of every run of this measurement (the figures above are from the best one). */
  readonly runs: readonly number[];
  /**
   * CPU time (user + system) the measured process used per request, lowest over the runs (µs; null without
   * /proc). Unlike requests per second, it does not depend on whether the load generator kept up.
   */
  readonly cpuMicrosPerRequest: number | null;
  /**
   * For a bot on PostgreSQL: the database server's CPU time per request in the same run as
   * `cpuMicrosPerRequest` (the run with the lowest sum of the two).
   */
  readonly databaseCpuMicrosPerRequest?: number;
}

export interface ChatTargetResult {
  readonly name: string;
  /** What the target was checked to answer before the load (a bot answering with an error would be fast and wrong). */
  readonly check: { readonly ok: boolean; readonly detail: string };
  readonly peak: LoadFigures;
  readonly halfRate: LoadFigures & { readonly targetRate: number };
  readonly ratioToEcho: number;
  /**
   * The echo bot's CPU time per request divided by this target's: the throughput ratio a saturated bot
   * would reach, measured without depending on the load generator keeping up (null without /proc).
   */
  readonly cpuRatioToEcho: number | null;
  /** Where the bot's CPU time went under this load (with --profile), and how many requests it served meanwhile. */
  readonly profile?: ProfileSummary & { readonly requests: number };
}

export interface ChatResult {
  readonly repeats: number;
  /** How the CPUs were shared: the measured bot alone on one, the load generator and connector on the rest. */
  readonly cpuPinning: string;
  /**
   * The echo bot answering every message with the card a bot target sent: what carrying that card through
   * botbuilder costs by itself, so the ceiling for any bot that answers with it.
   */
  readonly cardCeilings: readonly {
    readonly name: string;
    readonly cardBytes: number;
    readonly peak: LoadFigures;
    readonly ratioToEcho: number;
    readonly cpuRatioToEcho: number | null;
  }[];
  /**
   * The plain echo bot while it holds the bot's data file open through the real store (unused): what keeping
   * the organization in memory costs per request by itself, through the garbage collector.
   */
  readonly echoHoldingOrganization?: { readonly mailboxes: number; readonly peak: LoadFigures; readonly ratioToEcho: number; readonly cpuRatioToEcho: number | null };
  readonly connections: number;
  readonly durationSeconds: number;
  readonly echoPeakRequestsPerSecond: number;
  readonly targets: readonly ChatTargetResult[];
  /** The bot's memory after all chat load (bytes). */
  readonly botMemoryAfterLoad: { readonly rss: number | null; readonly heapUsed: number };
  readonly botStoreWritesDuringLoad: number;
}

const replyShapeSchema = z.looseObject({ text: z.string().optional(), attachments: z.array(z.unknown()).optional() });

/** A chat command measured against the bot. */
export interface ChatCommand {
  readonly name: string;
  /** The message texts sent in turn by each connection. */
  readonly texts: readonly string[];
  /** Checks what the bot answered to the first text: null when it is right, else what was wrong. */
  readonly expect: (visible: string) => string | null;
}

/** The commands measured: one mailbox card by address, the pending list, and the requester's own card. */
export function chatCommands(user: BenchUser, mailboxAddresses: readonly string[]): ChatCommand[] {
  const firstAddress = mailboxAddresses[0] ?? '';
  return [
    {
      name: 'mailbox <address>',
      texts: mailboxAddresses.map((address) => `mailbox ${address}`),
      expect: (visible: string) => (visible.toLowerCase().includes(firstAddress.toLowerCase()) ? null : `expected a card about ${firstAddress}`),
    },
    {
      name: 'mailboxes pending',
      texts: ['mailboxes pending'],
      expect: (visible: string) => (/pending/i.test(visible) && visible.includes('@') ? null : 'expected a page of pending mailboxes'),
    },
    { name: 'whoami', texts: ['whoami'], expect: (visible: string) => (visible.includes(user.fullName) ? null : `expected a card about ${user.fullName}`) },
  ];
}

const figures = (result: autocannon.Result, runs: readonly number[], cpuMicrosPerRequest: number | null): LoadFigures => ({
  requestsPerSecond: result.requests.average,
  p50Ms: result.latency.p50,
  p99Ms: result.latency.p99,
  requests: result.requests.total,
  non2xx: result.non2xx,
  errors: result.errors,
  runs,
  cpuMicrosPerRequest,
});

/** How many requests the measured process serves per request of the baseline, CPU for CPU. */
export const cpuRatio = (baseline: LoadFigures, measured: LoadFigures): number | null =>
  baseline.cpuMicrosPerRequest === null || measured.cpuMicrosPerRequest === null || measured.cpuMicrosPerRequest === 0 ? null : baseline.cpuMicrosPerRequest / measured.cpuMicrosPerRequest;
export const higherThroughput = (a: autocannon.Result, b: autocannon.Result): boolean => a.requests.average > b.requests.average;
const lowerP99 = (a: autocannon.Result, b: autocannon.Result): boolean => a.latency.p99 < b.latency.p99;

export async function load(url: string, bodies: readonly string[], options: { connections: number; durationSeconds: number; overallRate?: number }): Promise<autocannon.Result> {
  return autocannon({
    url: `${url}/api/messages`,
    connections: options.connections,
    duration: options.durationSeconds,
    ...(options.overallRate === undefined ? {} : { overallRate: options.overallRate }),
    requests: bodies.map((body) => ({ method: 'POST', path: '/api/messages', headers: { 'content-type': 'application/json' }, body })),
  });
}

/** Sends one message, then reads what the connector received for that conversation. */
export async function checkAnswer(bot: BenchChild, connector: BenchChild, body: string, conversationId: string, expect: ChatCommand['expect']): Promise<{ ok: boolean; detail: string }> {
  const response = await fetch(`${bot.url ?? ''}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  if (response.status >= 300) return { ok: false, detail: `POST /api/messages answered ${response.status}: ${await response.text()}` };
  const activity = await connector.request('lastActivity', { conversationId }, z.unknown());
  const visible = visibleText(activity);
  const problem = expect(visible);
  return problem === null ? { ok: true, detail: visible.split('\n').slice(0, 3).join(' | ').slice(0, 160) } : { ok: false, detail: `${problem}; the bot said: ${visible.slice(0, 240)}` };
}

/** One thing measured under load: a process and the messages posted to it. */
export interface LoadTarget {
  readonly name: string;
  readonly child: BenchChild;
  readonly bodies: readonly string[];
  /** Measured at half the echo bot's peak rate too, and counted against the targets. */
  readonly withLatency: boolean;
  /** CPU time so far (ms) of the database server the bot uses, when it uses one (measured with the bot's). */
  readonly databaseCpuTimeMs?: () => Promise<number | null>;
}

/**
 * Runs every target's measurement in rounds (round 1 of each target, then round 2 of each...), all
 * processes running at once but only one under load, so that drift of the machine during the part (another
 * process waking up, the kernel's caches, a bot's start-up garbage) spreads over all targets instead of
 * landing on whichever target came first.
 */
export async function inRounds(
  targets: readonly LoadTarget[],
  repeats: number,
  run: (target: LoadTarget) => Promise<autocannon.Result>,
  better: (a: autocannon.Result, b: autocannon.Result) => boolean,
): Promise<Map<string, LoadFigures>> {
  const results = new Map<string, autocannon.Result[]>();
  const cpu = new Map<string, { readonly bot: number; readonly database: number | undefined }[]>();
  const databaseCpu = async (target: LoadTarget): Promise<number | null | undefined> => (target.databaseCpuTimeMs === undefined ? undefined : await target.databaseCpuTimeMs());
  for (let round = 0; round < repeats; round++) {
    for (const target of targets) {
      const cpuBefore = await cpuTimeMs(target.child.pid);
      const databaseBefore = await databaseCpu(target);
      const result = await run(target);
      const cpuAfter = await cpuTimeMs(target.child.pid);
      const databaseAfter = await databaseCpu(target);
      results.set(target.name, [...(results.get(target.name) ?? []), result]);
      if (cpuBefore !== null && cpuAfter !== null && databaseBefore !== null && databaseAfter !== null && result.requests.total > 0) {
        const perRequest = (before: number, after: number): number => ((after - before) * 1000) / result.requests.total;
        const database = databaseBefore === undefined || databaseAfter === undefined ? undefined : perRequest(databaseBefore, databaseAfter);
        cpu.set(target.name, [...(cpu.get(target.name) ?? []), { bot: perRequest(cpuBefore, cpuAfter), database }]);
      }
    }
  }
  const figuresByTarget = new Map<string, LoadFigures>();
  for (const [name, runs] of results) {
    const best = runs.reduce((kept, result) => (better(result, kept) ? result : kept));
    const cpuRuns = cpu.get(name) ?? [];
    const total = (run: { readonly bot: number; readonly database: number | undefined }): number => run.bot + (run.database ?? 0);
    const leanest = cpuRuns.length === 0 ? undefined : cpuRuns.reduce((kept, run) => (total(run) < total(kept) ? run : kept));
    // Failed requests are never hidden by picking a run: they are summed over all runs.
    figuresByTarget.set(name, {
      ...figures(
        best,
        runs.map((result) => result.requests.average),
        leanest === undefined ? null : leanest.bot,
      ),
      ...(leanest?.database === undefined ? {} : { databaseCpuMicrosPerRequest: leanest.database }),
      non2xx: runs.reduce((total, result) => total + result.non2xx, 0),
      errors: runs.reduce((total, result) => total + result.errors, 0),
    });
  }
  return figuresByTarget;
}

export const figuresOf = (measured: Map<string, LoadFigures>, name: string): LoadFigures => {
  const found = measured.get(name);
  if (found === undefined) throw new Error(`no measurement for ${name}`);
  return found;
};

export async function runChatBenchmark(options: ChatOptions, log: (line: string) => void): Promise<ChatResult> {
  // On a small machine the load generator competes with the bot for the CPU, and then the ratio to the echo
  // bot says as much about the scheduler as about the bot. Give the measured processes a CPU of their own.
  const split = cpuSplit();
  const pinned = split !== undefined && (await pinToCpus(process.pid, split.rest));
  const cpuPinning = pinned && split !== undefined ? `bots on CPU ${split.bot}, one under load at a time; load generator and connector on CPU ${split.rest}` : 'not pinned (needs Linux taskset and 2 CPUs)';
  log(`chat: ${cpuPinning}`);
  const children: BenchChild[] = [];
  const startPinned = async (script: BenchChildScript, env?: Record<string, string>): Promise<BenchChild> => {
    const child = await startChild(script, env === undefined ? {} : { env });
    children.push(child);
    if (pinned && split !== undefined) await pinToCpus(child.pid, split.bot);
    return child;
  };
  const connector = await startChild('loopback-connector');
  if (pinned && split !== undefined) await pinToCpus(connector.pid, split.rest);
  const bodiesOf = (texts: readonly string[], tag: string): string[] =>
    texts.map((text, index) => JSON.stringify(messageActivity(options.user, text, { serviceUrl: connector.url ?? '', tenantId: options.tenantId, id: `bench-${tag}-${index}` })));
  try {
    const echo = await startPinned('echo-bot');
    const bot = await startPinned('bot-process', { BENCH_DATA_FILE: options.dataFile, BENCH_ORG_FILE: options.orgFile });
    // The first message from a conversation records its reference (one write); later ones change nothing.
    await checkAnswer(bot, connector, bodiesOf(['help'], 'first')[0] ?? '', personalChatOf(options.user), () => null);
    const writesBefore = (await bot.request('store', {}, z.object({ writes: z.number() }))).writes;
    // A copy for the echo bot that holds the organization, so that the two processes never share a file.
    const heldFile = join(dirname(options.dataFile), 'held', 'db.json');
    await mkdir(dirname(heldFile), { recursive: true });
    await copyFile(options.dataFile, heldFile);
    await copyFile(journalPathOf(options.dataFile), journalPathOf(heldFile));

    const commands = chatCommands(options.user, options.mailboxAddresses);
    const echoName = 'echo bot (baseline)';
    const checks = new Map<string, ChatTargetResult['check']>();
    checks.set(echoName, await checkAnswer(echo, connector, bodiesOf(['hello'], 'echo')[0] ?? '', personalChatOf(options.user), (visible) => (visible === 'hello' ? null : 'expected the echo "hello"')));
    const sentCards: { name: string; file: string; bytes: number }[] = [];
    for (const command of commands) {
      const check = await checkAnswer(bot, connector, bodiesOf(command.texts, command.name)[0] ?? '', personalChatOf(options.user), command.expect);
      checks.set(command.name, check);
      log(`  ${command.name}: ${check.ok ? 'answers as expected' : `CHECK FAILED (${check.detail})`}`);
      // The card this command answers with, for the echo bot that replies with it.
      const sent = replyShapeSchema.parse(await connector.request('lastActivity', { conversationId: personalChatOf(options.user) }, z.unknown()));
      const file = join(dirname(options.dataFile), `reply-${sentCards.length}.json`);
      const text = JSON.stringify({ ...(sent.text === undefined ? {} : { text: sent.text }), ...(sent.attachments === undefined ? {} : { attachments: sent.attachments }) });
      await writeFile(file, text);
      sentCards.push({ name: command.name, file, bytes: Buffer.byteLength(text) });
    }
    const cardEchoes = await Promise.all(sentCards.map(async (card) => ({ card, child: await startPinned('echo-bot', { BENCH_ECHO_REPLY_FILE: card.file }) })));
    const holding = await startPinned('echo-bot', { BENCH_ECHO_HOLD_DATA_FILE: heldFile });
    const heldMailboxes = await holding.request('heldMailboxes', {}, z.number());

    const cardName = (name: string): string => `echo with the card of ${name}`;
    const holdingName = 'echo holding the organization';
    const latencyTargets: LoadTarget[] = [
      { name: echoName, child: echo, bodies: bodiesOf(['hello'], 'echo'), withLatency: true },
      ...commands.map((command) => ({ name: command.name, child: bot, bodies: bodiesOf(command.texts, command.name), withLatency: true })),
    ];
    const allTargets: LoadTarget[] = [
      ...latencyTargets,
      ...cardEchoes.map(({ card, child }) => ({ name: cardName(card.name), child, bodies: bodiesOf(['hello'], `card-${card.name}`), withLatency: false })),
      { name: holdingName, child: holding, bodies: bodiesOf(['hello'], 'held'), withLatency: false },
    ];
    const flatOut = (target: LoadTarget, seconds: number) => load(target.child.url ?? '', target.bodies, { connections: options.connections, durationSeconds: seconds });
    log(`chat: warming up ${allTargets.length} targets`);
    for (const target of allTargets) await flatOut(target, options.warmupSeconds);
    log(`chat: peak throughput, ${options.repeats} rounds over every target`);
    const peaks = await inRounds(allTargets, options.repeats, (target) => flatOut(target, options.durationSeconds), higherThroughput);
    const echoPeak = figuresOf(peaks, echoName);
    const targetRate = Math.max(1, Math.round(echoPeak.requestsPerSecond / 2));
    log(`chat: latency at ${targetRate} req/s (half the echo bot's peak), ${options.repeats} rounds`);
    const halves = await inRounds(
      latencyTargets,
      options.repeats,
      (target) => load(target.child.url ?? '', target.bodies, { connections: options.connections, durationSeconds: options.durationSeconds, overallRate: targetRate }),
      lowerP99,
    );
    for (const target of latencyTargets) {
      const peak = figuresOf(peaks, target.name);
      const half = figuresOf(halves, target.name);
      log(`  ${target.name}: peak ${peak.requestsPerSecond.toFixed(0)} req/s (p50 ${peak.p50Ms} ms, p99 ${peak.p99Ms} ms); at ${targetRate} req/s p50 ${half.p50Ms} ms, p99 ${half.p99Ms} ms`);
    }

    const results: ChatTargetResult[] = [];
    for (const target of latencyTargets) {
      const peak = figuresOf(peaks, target.name);
      let profile: ChatTargetResult['profile'];
      if (options.profile) {
        // Measured apart from the figures above: the profiler itself slows the process down.
        await target.child.request('startProfiling', {}, z.null());
        const profiled = await flatOut(target, options.durationSeconds);
        profile = { ...(await target.child.request('stopProfiling', {}, profileSummarySchema)), requests: profiled.requests.total };
      }
      results.push({
        name: target.name,
        check: checks.get(target.name) ?? { ok: false, detail: 'not checked' },
        peak,
        halfRate: { ...figuresOf(halves, target.name), targetRate },
        ratioToEcho: peak.requestsPerSecond / echoPeak.requestsPerSecond,
        cpuRatioToEcho: cpuRatio(echoPeak, peak),
        ...(profile === undefined ? {} : { profile }),
      });
    }
    const cardCeilings = sentCards.map((card) => {
      const peak = figuresOf(peaks, cardName(card.name));
      return { name: card.name, cardBytes: card.bytes, peak, ratioToEcho: peak.requestsPerSecond / echoPeak.requestsPerSecond, cpuRatioToEcho: cpuRatio(echoPeak, peak) };
    });
    const heldPeak = figuresOf(peaks, holdingName);
    const memory = await bot.request('memory', {}, z.object({ heapUsed: z.number() }));
    const { rss } = await bot.residentMemory();
    const writesAfter = (await bot.request('store', {}, z.object({ writes: z.number() }))).writes;
    return {
      repeats: options.repeats,
      cpuPinning,
      cardCeilings,
      echoHoldingOrganization: { mailboxes: heldMailboxes, peak: heldPeak, ratioToEcho: heldPeak.requestsPerSecond / echoPeak.requestsPerSecond, cpuRatioToEcho: cpuRatio(echoPeak, heldPeak) },
      connections: options.connections,
      durationSeconds: options.durationSeconds,
      echoPeakRequestsPerSecond: echoPeak.requestsPerSecond,
      targets: results,
      botMemoryAfterLoad: { rss, heapUsed: memory.heapUsed },
      botStoreWritesDuringLoad: writesAfter - writesBefore,
    };
  } finally {
    for (const child of children) await child.stop();
    await connector.stop();
    if (pinned && split !== undefined) await pinToCpus(process.pid, split.all);
  }
}

// Part 1: chat throughput and latency. autocannon (in this process) posts Teams-shaped activities to
// /api/messages of a bot in a child process; a loopback Bot Connector (another child) answers the bot's
// replies. Baseline: a bare echo bot on the same stack. Each target is run flat out (peak throughput),
// then at half the echo bot's peak rate (latency under ordinary load).
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import autocannon from 'autocannon';
import { z } from 'zod';
import { messageActivity, personalChatOf, visibleText, type BenchUser } from './activities.js';
import { profileSummarySchema, type ProfileSummary } from './cpu-profile.js';
import type { BenchChildScript } from './compile.js';
import { cpuSplit, cpuTimeMs, pinToCpus, startChild, type BenchChild } from './processes.js';

export interface ChatOptions {
  readonly orgFile: string;
  readonly dataFile: string;
  readonly tenantId: string;
  readonly user: BenchUser;
  /** Addresses for `mailbox <address>`, spread over the organization. */
  readonly mailboxAddresses: readonly string[];
  readonly connections: number;
  readonly warmupSeconds: number;
  readonly durationSeconds: number;
  /** Runs per measurement; the best is kept (other work on the machine only ever makes a run slower). */
  readonly repeats: number;
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

interface Target {
  readonly name: string;
  /** The message texts sent in turn by each connection. */
  readonly texts: readonly string[];
  /** Checks what the bot answered to the first text. */
  readonly expect: (visible: string) => string | null;
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

/**
 * Runs the same load `repeats` times and keeps the best run: the highest throughput, or the lowest p99 at a
 * fixed rate. With `measured`, also the CPU time that process spent per request in each run.
 */
async function bestOf(
  repeats: number,
  run: () => Promise<autocannon.Result>,
  better: (a: autocannon.Result, b: autocannon.Result) => boolean,
  measured?: BenchChild,
): Promise<LoadFigures> {
  const results: autocannon.Result[] = [];
  const cpuPerRequest: number[] = [];
  for (let index = 0; index < repeats; index++) {
    const cpuBefore = measured === undefined ? null : await cpuTimeMs(measured.pid);
    const result = await run();
    const cpuAfter = measured === undefined ? null : await cpuTimeMs(measured.pid);
    results.push(result);
    if (cpuBefore !== null && cpuAfter !== null && result.requests.total > 0) cpuPerRequest.push(((cpuAfter - cpuBefore) * 1000) / result.requests.total);
  }
  const best = results.reduce((kept, result) => (better(result, kept) ? result : kept));
  // Failed requests are never hidden by picking a run: they are summed over all runs.
  return {
    ...figures(
      best,
      results.map((result) => result.requests.average),
      cpuPerRequest.length === 0 ? null : Math.min(...cpuPerRequest),
    ),
    non2xx: results.reduce((total, result) => total + result.non2xx, 0),
    errors: results.reduce((total, result) => total + result.errors, 0),
  };
}
/** How many requests the measured process serves per request of the baseline, CPU for CPU. */
export const cpuRatio = (baseline: LoadFigures, measured: LoadFigures): number | null =>
  baseline.cpuMicrosPerRequest === null || measured.cpuMicrosPerRequest === null || measured.cpuMicrosPerRequest === 0 ? null : baseline.cpuMicrosPerRequest / measured.cpuMicrosPerRequest;
const higherThroughput = (a: autocannon.Result, b: autocannon.Result): boolean => a.requests.average > b.requests.average;
const lowerP99 = (a: autocannon.Result, b: autocannon.Result): boolean => a.latency.p99 < b.latency.p99;

async function load(url: string, bodies: readonly string[], options: { connections: number; durationSeconds: number; overallRate?: number }): Promise<autocannon.Result> {
  return autocannon({
    url: `${url}/api/messages`,
    connections: options.connections,
    duration: options.durationSeconds,
    ...(options.overallRate === undefined ? {} : { overallRate: options.overallRate }),
    requests: bodies.map((body) => ({ method: 'POST', path: '/api/messages', headers: { 'content-type': 'application/json' }, body })),
  });
}

/** Sends one message, then reads what the connector received for that conversation. */
async function checkAnswer(bot: BenchChild, connector: BenchChild, body: string, conversationId: string, expect: Target['expect']): Promise<{ ok: boolean; detail: string }> {
  const response = await fetch(`${bot.url ?? ''}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  if (response.status >= 300) return { ok: false, detail: `POST /api/messages answered ${response.status}: ${await response.text()}` };
  const activity = await connector.request('lastActivity', { conversationId }, z.unknown());
  const visible = visibleText(activity);
  const problem = expect(visible);
  return problem === null ? { ok: true, detail: visible.split('\n').slice(0, 3).join(' | ').slice(0, 160) } : { ok: false, detail: `${problem}; the bot said: ${visible.slice(0, 240)}` };
}

async function measureTarget(
  bot: BenchChild,
  connector: BenchChild,
  target: Target,
  options: ChatOptions,
  halfRate: number | undefined,
  log: (line: string) => void,
): Promise<{ check: ChatTargetResult['check']; peak: LoadFigures; halfRate: LoadFigures & { targetRate: number }; profile?: ChatTargetResult['profile'] }> {
  const url = bot.url ?? '';
  const bodies = target.texts.map((text, index) =>
    JSON.stringify(messageActivity(options.user, text, { serviceUrl: connector.url ?? '', tenantId: options.tenantId, id: `bench-${target.name}-${index}` })),
  );
  const check = await checkAnswer(bot, connector, bodies[0] ?? '', personalChatOf(options.user), target.expect);
  log(`  ${target.name}: ${check.ok ? 'answers as expected' : `CHECK FAILED (${check.detail})`}`);
  await load(url, bodies, { connections: options.connections, durationSeconds: options.warmupSeconds });
  const peak = await bestOf(options.repeats, () => load(url, bodies, { connections: options.connections, durationSeconds: options.durationSeconds }), higherThroughput, bot);
  const targetRate = Math.max(1, Math.round(halfRate ?? peak.requestsPerSecond / 2));
  const half = await bestOf(
    options.repeats,
    () => load(url, bodies, { connections: options.connections, durationSeconds: options.durationSeconds, overallRate: targetRate }),
    lowerP99,
  );
  log(`  ${target.name}: peak ${peak.requestsPerSecond.toFixed(0)} req/s (p50 ${peak.p50Ms} ms, p99 ${peak.p99Ms} ms); at ${targetRate} req/s p50 ${half.p50Ms} ms, p99 ${half.p99Ms} ms`);
  if (!options.profile) return { check, peak, halfRate: { ...half, targetRate } };
  // Measured apart from the figures above: the profiler itself slows the bot down.
  await bot.request('startProfiling', {}, z.null());
  const profiled = await load(url, bodies, { connections: options.connections, durationSeconds: options.durationSeconds });
  const profile = { ...(await bot.request('stopProfiling', {}, profileSummarySchema)), requests: profiled.requests.total };
  return { check, peak, halfRate: { ...half, targetRate }, profile };
}

export async function runChatBenchmark(options: ChatOptions, log: (line: string) => void): Promise<ChatResult> {
  // On a small machine the load generator competes with the bot for the CPU, and then the ratio to the echo
  // bot says as much about the scheduler as about the bot. Give each measured bot a CPU of its own.
  const split = cpuSplit();
  const pinned = split !== undefined && (await pinToCpus(process.pid, split.rest));
  const cpuPinning = pinned && split !== undefined ? `bot on CPU ${split.bot}; load generator and connector on CPU ${split.rest}` : 'not pinned (needs Linux taskset and 2 CPUs)';
  log(`chat: ${cpuPinning}`);
  const startPinned = async (script: BenchChildScript, env?: Record<string, string>): Promise<BenchChild> => {
    const child = await startChild(script, env === undefined ? {} : { env });
    if (pinned && split !== undefined) await pinToCpus(child.pid, split.bot);
    return child;
  };
  const connector = await startChild('loopback-connector');
  if (pinned && split !== undefined) await pinToCpus(connector.pid, split.rest);
  try {
    log('chat: echo bot (baseline)');
    const echo = await startPinned('echo-bot');
    let echoRun;
    try {
      echoRun = await measureTarget(
        echo,
        connector,
        { name: 'echo', texts: ['hello'], expect: (visible) => (visible === 'hello' ? null : 'expected the echo "hello"') },
        options,
        undefined,
        log,
      );
    } finally {
      await echo.stop();
    }
    const echoPeak = echoRun.peak.requestsPerSecond;
    const halfRate = echoPeak / 2;

    log('chat: Mailbox Sync Bot');
    const bot = await startPinned('bot-process', { BENCH_DATA_FILE: options.dataFile, BENCH_ORG_FILE: options.orgFile });
    try {
      // The first message from a conversation records its reference (one write); later ones change nothing.
      await checkAnswer(bot, connector, JSON.stringify(messageActivity(options.user, 'help', { serviceUrl: connector.url ?? '', tenantId: options.tenantId, id: 'bench-first' })), personalChatOf(options.user), () => null);
      const writesBefore = (await bot.request('store', {}, z.object({ writes: z.number() }))).writes;
      const firstAddress = options.mailboxAddresses[0] ?? '';
      const targets: Target[] = [
        {
          name: 'mailbox <address>',
          texts: options.mailboxAddresses.map((address) => `mailbox ${address}`),
          expect: (visible) => (visible.toLowerCase().includes(firstAddress.toLowerCase()) ? null : `expected a card about ${firstAddress}`),
        },
        {
          name: 'mailboxes pending',
          texts: ['mailboxes pending'],
          expect: (visible) => (/pending/i.test(visible) && visible.includes('@') ? null : 'expected a page of pending mailboxes'),
        },
        { name: 'whoami', texts: ['whoami'], expect: (visible) => (visible.includes(options.user.fullName) ? null : `expected a card about ${options.user.fullName}`) },
      ];
      const results: ChatTargetResult[] = [{ name: 'echo bot (baseline)', ...echoRun, ratioToEcho: 1, cpuRatioToEcho: 1 }];
      const sentCards: { name: string; file: string; bytes: number }[] = [];
      for (const target of targets) {
        const run = await measureTarget(bot, connector, target, options, halfRate, log);
        results.push({ name: target.name, ...run, ratioToEcho: run.peak.requestsPerSecond / echoPeak, cpuRatioToEcho: cpuRatio(echoRun.peak, run.peak) });
        const sent = replyShapeSchema.parse(await connector.request('lastActivity', { conversationId: personalChatOf(options.user) }, z.unknown()));
        const file = join(dirname(options.dataFile), `reply-${sentCards.length}.json`);
        const text = JSON.stringify({ ...(sent.text === undefined ? {} : { text: sent.text }), ...(sent.attachments === undefined ? {} : { attachments: sent.attachments }) });
        await writeFile(file, text);
        sentCards.push({ name: target.name, file, bytes: Buffer.byteLength(text) });
      }
      const memory = await bot.request('memory', {}, z.object({ heapUsed: z.number() }));
      const { rss } = await bot.residentMemory();
      const writesAfter = (await bot.request('store', {}, z.object({ writes: z.number() }))).writes;
      await bot.stop();

      const cardCeilings: ChatResult['cardCeilings'][number][] = [];
      for (const card of sentCards) {
        log(`chat: echo bot answering with the card of ${card.name} (${card.bytes} bytes)`);
        const echoWithCard = await startPinned('echo-bot', { BENCH_ECHO_REPLY_FILE: card.file });
        try {
          const texts = ['hello'];
          const bodies = texts.map((text, index) => JSON.stringify(messageActivity(options.user, text, { serviceUrl: connector.url ?? '', tenantId: options.tenantId, id: `bench-card-${index}` })));
          await load(echoWithCard.url ?? '', bodies, { connections: options.connections, durationSeconds: options.warmupSeconds });
          const peak = await bestOf(
            options.repeats,
            () => load(echoWithCard.url ?? '', bodies, { connections: options.connections, durationSeconds: options.durationSeconds }),
            higherThroughput,
            echoWithCard,
          );
          log(`  peak ${peak.requestsPerSecond.toFixed(0)} req/s (${(peak.requestsPerSecond / echoPeak).toFixed(2)}x the plain echo)`);
          cardCeilings.push({ name: card.name, cardBytes: card.bytes, peak, ratioToEcho: peak.requestsPerSecond / echoPeak, cpuRatioToEcho: cpuRatio(echoRun.peak, peak) });
        } finally {
          await echoWithCard.stop();
        }
      }
      log('chat: echo bot holding the organization in memory');
      const holding = await startPinned('echo-bot', { BENCH_ECHO_HOLD_DATA_FILE: options.dataFile });
      let echoHoldingOrganization: ChatResult['echoHoldingOrganization'];
      try {
        const mailboxes = await holding.request('heldMailboxes', {}, z.number());
        const bodies = [JSON.stringify(messageActivity(options.user, 'hello', { serviceUrl: connector.url ?? '', tenantId: options.tenantId, id: 'bench-held-0' }))];
        await load(holding.url ?? '', bodies, { connections: options.connections, durationSeconds: options.warmupSeconds });
        const peak = await bestOf(options.repeats, () => load(holding.url ?? '', bodies, { connections: options.connections, durationSeconds: options.durationSeconds }), higherThroughput, holding);
        log(`  ${mailboxes} mailboxes held: peak ${peak.requestsPerSecond.toFixed(0)} req/s (${(peak.requestsPerSecond / echoPeak).toFixed(2)}x the plain echo)`);
        echoHoldingOrganization = { mailboxes, peak, ratioToEcho: peak.requestsPerSecond / echoPeak, cpuRatioToEcho: cpuRatio(echoRun.peak, peak) };
      } finally {
        await holding.stop();
      }
      return {
        repeats: options.repeats,
        cpuPinning,
        cardCeilings,
        echoHoldingOrganization,
        connections: options.connections,
        durationSeconds: options.durationSeconds,
        echoPeakRequestsPerSecond: echoPeak,
        targets: results,
        botMemoryAfterLoad: { rss, heapUsed: memory.heapUsed },
        botStoreWritesDuringLoad: writesAfter - writesBefore,
      };
    } finally {
      await bot.stop();
    }
  } finally {
    await connector.stop();
    if (pinned && split !== undefined) await pinToCpus(process.pid, split.all);
  }
}

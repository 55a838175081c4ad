// Part 3: alert fan-out. The bot's outbox (in a child process) sends one alert card to each of N channel
// conversations through a fake Bot Connector (here) that enforces Teams' limits (30 requests/s per tenant,
// 7/1 s… per conversation), answers 429 when they are exceeded, and answers 429 with Retry-After: 1 to a
// seeded 10% of all requests besides. Counted from what the connector accepted: lost, duplicated, rate.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { faults, startFakeConnector, teamsRateLimits } from '../test/support/fake-connector.js';
import { acceptedAlertsByKey, alertKeyOf } from './activities.js';
import { sampleRss, startChild } from './processes.js';

export interface FanoutOptions {
  readonly orgFile: string;
  readonly workDirectory: string;
  readonly alerts: number;
  /** Conversations recorded one by one through the registry, to measure that path too. */
  readonly newConversations: number;
  /** Stop waiting after this long; alerts still queued are reported as pending (saved, not lost). */
  readonly budgetMs: number;
}

export interface FanoutResult {
  readonly alerts: number;
  /** The tenant-wide limit the connector enforces (requests per second). */
  readonly allowedPerSecond: number;
  /** Until every alert was saved in the outbox; `null` when that took longer than the time budget. */
  readonly enqueueMs: number | null;
  /** Alerts saved in the outbox when the run ended. */
  readonly enqueued: number;
  /** From the first enqueue until every alert was sent or given up. */
  readonly settledMs: number;
  readonly delivered: number;
  /** Still queued in the outbox when the time budget ran out: saved, so delivered later, not lost. */
  readonly pending: number;
  /** Neither delivered nor still queued: dead letters and alerts the outbox never recorded. */
  readonly lost: number;
  readonly duplicated: number;
  readonly deadLetters: readonly string[];
  readonly requests: number;
  readonly throttledScripted: number;
  readonly throttledByLimit: number;
  readonly limitViolations: number;
  /** Successful deliveries per second, from the first enqueue to the last delivery (or to the end of a run cut short). */
  readonly deliveredPerSecond: number;
  /** All requests (429s included, as Teams counts them) per second over the same span. */
  readonly requestsPerSecond: number;
  readonly dataFileWrites: number;
  readonly transactionsWritten: number;
  readonly peakRss: number | null;
  readonly newConversations: { readonly count: number; readonly elapsedMs: number; readonly writes: number };
}

const fanOutSchema = z.object({
  startedAtEpochMs: z.number(),
  accepted: z.number(),
  enqueuedMs: z.number().nullable(),
  settledMs: z.number(),
  sent: z.number(),
  failed: z.array(z.string()),
  pending: z.array(z.string()),
  unknown: z.number(),
  writes: z.number(),
  transactionsWritten: z.number(),
});


export async function runFanoutBenchmark(options: FanoutOptions, log: (line: string) => void): Promise<FanoutResult> {
  const directory = join(options.workDirectory, 'fanout');
  await mkdir(directory, { recursive: true });
  const limits = teamsRateLimits();
  const allowedPerSecond = Math.min(...limits.perTenant.map((window) => (window.limit * 1000) / window.windowMs));
  const connector = await startFakeConnector({ rateLimits: limits });
  connector.failFraction(0.1, faults.throttled(1));
  const child = await startChild('fanout-process', {
    env: { BENCH_DATA_FILE: join(directory, 'db.json'), BENCH_ORG_FILE: options.orgFile, BENCH_SERVICE_URL: connector.url, BENCH_CONVERSATIONS: String(options.alerts) },
  });
  try {
    log(`fanout: ${options.newConversations} new conversations through the reference registry`);
    const newConversations = await child.request('recordNewConversations', { count: options.newConversations }, z.object({ count: z.number(), elapsedMs: z.number(), writes: z.number() }));
    log(`fanout: ${options.alerts} alerts to ${options.alerts} conversations (allowed ${allowedPerSecond}/s, 10% answered 429 Retry-After: 1)`);
    const requestsBefore = connector.requests.length;
    const sampler = sampleRss(child, 200);
    const outcome = await child.request('fanOut', { count: options.alerts, timeoutMs: options.budgetMs }, fanOutSchema, options.budgetMs + 60_000);
    const { peakRss } = await sampler.stop();

    const requests = connector.requests.slice(requestsBefore);
    const acceptedPerKey = acceptedAlertsByKey(requests);
    const keys = Array.from({ length: options.alerts }, (_, index) => alertKeyOf(index));
    const delivered = keys.filter((key) => (acceptedPerKey.get(key) ?? 0) > 0).length;
    // An alert in flight when the run ended can be both accepted by Teams and still pending in the outbox.
    const pending = new Set(outcome.pending);
    const lost = keys.filter((key) => (acceptedPerKey.get(key) ?? 0) === 0 && !pending.has(key)).length;
    const duplicated = keys.filter((key) => (acceptedPerKey.get(key) ?? 0) > 1).length;
    // From the first enqueue to the last delivery, or to the end of the run when alerts were still queued.
    const lastDelivery = Math.max(outcome.startedAtEpochMs, ...requests.filter((request) => request.status < 300).map((request) => request.receivedAt));
    const end = pending.size > 0 ? outcome.startedAtEpochMs + outcome.settledMs : lastDelivery;
    const spanSeconds = Math.max(0.001, (end - outcome.startedAtEpochMs) / 1000);
    const result: FanoutResult = {
      alerts: options.alerts,
      allowedPerSecond,
      enqueueMs: outcome.enqueuedMs,
      enqueued: outcome.accepted,
      settledMs: outcome.settledMs,
      delivered,
      pending: pending.size,
      lost,
      duplicated,
      deadLetters: outcome.failed.slice(0, 5),
      requests: requests.length,
      throttledScripted: requests.filter((request) => request.failedBecause === 'scripted').length,
      throttledByLimit: requests.filter((request) => request.failedBecause === 'rate-limit').length,
      limitViolations: connector.violations.length,
      deliveredPerSecond: delivered / spanSeconds,
      requestsPerSecond: requests.length / spanSeconds,
      dataFileWrites: outcome.writes,
      transactionsWritten: outcome.transactionsWritten,
      peakRss,
      newConversations,
    };
    log(
      `  delivered ${delivered}/${options.alerts} in ${(outcome.settledMs / 1000).toFixed(1)} s (${result.deliveredPerSecond.toFixed(1)}/s delivered, ${result.requestsPerSecond.toFixed(1)}/s requests), ${pending.size} still queued, lost ${result.lost}, duplicated ${duplicated}`,
    );
    return result;
  } finally {
    await child.stop();
    await connector.close();
  }
}

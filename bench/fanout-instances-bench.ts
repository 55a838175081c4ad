// Issue 16, fan-out with two instances: the alert fan-out of part 3 with the bot's state in PostgreSQL, sent by
// one bot instance and then by two (each a process of its own, bench/fanout-instance.ts, on a fresh database
// each time), through one fake Bot Connector that enforces Teams' limits across everything it receives (30
// requests/s per tenant, 7/1 s, 8/2 s, 60/30 s per conversation) and answers a seeded 10% of requests 429 with
// Retry-After: 1. One instance enqueues all the alerts (one alert lands on one instance); the other finds them
// in the shared outbox. Counted from what the connector received: the request rate as a fraction of the
// allowed rate, lost, duplicated, and every request that went over a limit.
import { z } from 'zod';
import { openPostgresPool } from '../src/postgres/connection.js';
import { loadMigrations, migrate } from '../src/postgres/migrations.js';
import { PostgresNotifyRepository } from '../src/postgres/notify-repository.js';
import { faults, startFakeConnector, teamsRateLimits, type RateViolation } from '../test/support/fake-connector.js';
import { acceptedAlertsByKey, alertKeyOf, channelReferences } from './activities.js';
import type { BenchPostgres } from './postgres-server.js';
import { startChild, type BenchChild } from './processes.js';

export interface FanoutInstancesOptions {
  readonly alerts: number;
  /** Per run: stop waiting after this long; alerts still pending are reported as such (saved, not lost). */
  readonly budgetMs: number;
}

/** The goal of issue 16: two instances together keep the fan-out at 90% of Teams' allowed rate or more. */
export const FANOUT_INSTANCES_GOAL = 0.9;

export interface FanoutInstancesRun {
  readonly instances: number;
  readonly alerts: number;
  readonly enqueueMs: number;
  /** From the enqueue until no alert was pending any more (or the budget ran out). */
  readonly settledMs: number;
  readonly delivered: number;
  readonly pending: number;
  readonly lost: number;
  readonly duplicated: number;
  /** Alerts each instance delivered (its own outbox's outcomes), in start order; the first enqueued them. */
  readonly sentByInstance: readonly number[];
  /** Sends the shared rate windows admitted and refused (asked again later), per instance in start order. */
  readonly admissionsByInstance: readonly { readonly granted: number; readonly refused: number }[];
  readonly requests: number;
  readonly throttledScripted: number;
  readonly throttledByLimit: number;
  readonly limitViolations: number;
  /** The first few violations, to say which limit went over. */
  readonly violationSamples: readonly RateViolation[];
  /** All requests (429s included, as Teams counts them) per second, from the enqueue to the last delivery. */
  readonly requestsPerSecond: number;
  readonly deliveredPerSecond: number;
  /** requestsPerSecond / the tenant's allowed rate. */
  readonly fractionOfAllowed: number;
}

export interface FanoutInstancesResult {
  /** The tenant-wide limit the connector enforces (requests per second). */
  readonly allowedPerSecond: number;
  readonly goal: number;
  readonly runs: readonly FanoutInstancesRun[];
  /** Requests per second with two instances / with one. */
  readonly twoToOne: number;
}

const fanOutSchema = z.object({ startedAtEpochMs: z.number(), enqueuedMs: z.number(), accepted: z.number() });
const countSchema = z.object({ n: z.coerce.number() });

async function runWithInstances(instances: number, options: FanoutInstancesOptions, postgres: BenchPostgres, allowedPerSecond: number, log: (line: string) => void): Promise<FanoutInstancesRun> {
  const databaseUrl = await postgres.createDatabase();
  const pool = await openPostgresPool(databaseUrl);
  const connector = await startFakeConnector({ rateLimits: teamsRateLimits(), seed: 16 });
  connector.failFraction(0.1, faults.throttled(1));
  const children: BenchChild[] = [];
  try {
    // Migrated and seeded before any instance opens, so every instance's registry knows every channel.
    await migrate(pool, await loadMigrations());
    await new PostgresNotifyRepository(pool, { instanceId: 'bench-seed' }).save({ references: channelReferences(options.alerts, connector.url, '7a1d2c3b-0000-4000-8000-0000000b0016') });
    for (let index = 0; index < instances; index++) children.push(await startChild('fanout-instance', { env: { BENCH_DATABASE_URL: databaseUrl } }));
    const [enqueuing] = children;
    if (enqueuing === undefined) throw new Error('no instance started');
    log(`fanout on PostgreSQL, ${instances} instance${instances === 1 ? '' : 's'}: ${options.alerts} alerts to ${options.alerts} channels`);
    const outcome = await enqueuing.request('fanOut', { count: options.alerts }, fanOutSchema);
    const pendingNow = async (): Promise<number> => countSchema.parse((await pool.query("SELECT count(*) AS n FROM outbox_messages WHERE state = 'pending'")).rows[0]).n;
    let pending = await pendingNow();
    while (pending > 0 && Date.now() - outcome.startedAtEpochMs < options.budgetMs) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      pending = await pendingNow();
    }
    const settledMs = Date.now() - outcome.startedAtEpochMs;
    const byInstance = await Promise.all(children.map((child) => child.request('sentHere', {}, z.object({ sent: z.number(), granted: z.number(), refused: z.number() }))));
    const sentByInstance = byInstance.map((instance) => instance.sent);

    const { requests } = connector;
    const acceptedPerKey = acceptedAlertsByKey(requests);
    const pendingKeys = new Set(
      (await pool.query<{ key: string }>("SELECT idempotency_key AS key FROM outbox_messages WHERE state = 'pending'")).rows.map((row) => row.key),
    );
    const keys = Array.from({ length: options.alerts }, (_, index) => alertKeyOf(index));
    const delivered = keys.filter((key) => (acceptedPerKey.get(key) ?? 0) > 0).length;
    const lost = keys.filter((key) => (acceptedPerKey.get(key) ?? 0) === 0 && !pendingKeys.has(key)).length;
    const duplicated = keys.filter((key) => (acceptedPerKey.get(key) ?? 0) > 1).length;
    const lastDelivery = Math.max(outcome.startedAtEpochMs, ...requests.filter((request) => request.status < 300).map((request) => request.receivedAt));
    const end = pendingKeys.size > 0 ? outcome.startedAtEpochMs + settledMs : lastDelivery;
    const spanSeconds = Math.max(0.001, (end - outcome.startedAtEpochMs) / 1000);
    const requestsPerSecond = requests.length / spanSeconds;
    const run: FanoutInstancesRun = {
      instances,
      alerts: options.alerts,
      enqueueMs: outcome.enqueuedMs,
      settledMs,
      delivered,
      pending: pendingKeys.size,
      lost,
      duplicated,
      sentByInstance,
      admissionsByInstance: byInstance.map(({ granted, refused }) => ({ granted, refused })),
      requests: requests.length,
      throttledScripted: requests.filter((request) => request.failedBecause === 'scripted').length,
      throttledByLimit: requests.filter((request) => request.failedBecause === 'rate-limit').length,
      limitViolations: connector.violations.length,
      violationSamples: connector.violations.slice(0, 5),
      requestsPerSecond,
      deliveredPerSecond: delivered / spanSeconds,
      fractionOfAllowed: requestsPerSecond / allowedPerSecond,
    };
    log(
      `  delivered ${delivered}/${options.alerts} in ${(spanSeconds).toFixed(1)} s (by instance: ${sentByInstance.join(' / ')}; admissions granted/refused ${byInstance.map((instance) => `${instance.granted}/${instance.refused}`).join(', ')}); requests ${requestsPerSecond.toFixed(1)}/s = ${(run.fractionOfAllowed * 100).toFixed(0)}% of the allowed ${allowedPerSecond}/s; ${pendingKeys.size} pending, lost ${lost}, duplicated ${duplicated}, limit violations ${run.limitViolations}`,
    );
    return run;
  } finally {
    for (const child of children) await child.stop();
    await connector.close();
    await pool.end();
  }
}

export async function runFanoutInstancesBenchmark(options: FanoutInstancesOptions, postgres: BenchPostgres, log: (line: string) => void): Promise<FanoutInstancesResult> {
  const limits = teamsRateLimits();
  const allowedPerSecond = Math.min(...limits.perTenant.map((window) => (window.limit * 1000) / window.windowMs));
  const one = await runWithInstances(1, options, postgres, allowedPerSecond, log);
  const two = await runWithInstances(2, options, postgres, allowedPerSecond, log);
  return { allowedPerSecond, goal: FANOUT_INSTANCES_GOAL, runs: [one, two], twoToOne: two.requestsPerSecond / one.requestsPerSecond };
}

// Set-up for the job-runner tests: a runner over a real document store, a hand-driven clock and timers (so a
// five-minute retry takes no time), an Exchange connector whose tests a test can hold back, and a recorder
// of what the runner hands to the notification side.
import type { ExchangeConnector, ObservedOutcomes, ScheduledTest } from '../../src/app/exchange-connector.js';
import type { JobRecord } from '../../src/app/jobs/job-records.js';
import type { DecidedMailbox, JobDispatch, JobNotifications, JobRepository, JobTimers, NotificationPlan, PlannedNotification } from '../../src/app/jobs/ports.js';
import { TestAndEnableRunner, type TestAndEnableRunnerOptions } from '../../src/app/jobs/runner.js';
import type { Clock, IdGenerator, OrganizationRecords } from '../../src/app/ports.js';
import { SimulatedExchangeConnector } from '../../src/exchange/simulated-exchange.js';
import type { DocumentEmailConfigStore } from '../../src/store/email-config-store.js';
import { DocumentJobRepository } from '../../src/store/jobs-repository.js';
import { EmbeddedOrganizationRecords } from '../../src/store/embedded-records.js';

export const START = Date.parse('2025-03-01T09:00:00.000Z');

/** Timers and clock moved by the test: nothing fires until `advance`. */
export class ManualTime implements JobTimers {
  private current = START;
  private readonly scheduled: { at: number; order: number; callback: () => void; cancelled: boolean }[] = [];
  private order = 0;

  readonly clock: Clock = { now: () => new Date(this.current) };

  get now(): number {
    return this.current;
  }

  setTimeout(callback: () => void, ms: number): { cancel(): void } {
    const entry = { at: this.current + Math.max(0, ms), order: this.order++, callback, cancelled: false };
    this.scheduled.push(entry);
    return { cancel: () => void (entry.cancelled = true) };
  }

  /** Times at which live timers will fire, soonest first. */
  pendingTimers(): number[] {
    return this.scheduled.filter((entry) => !entry.cancelled).map((entry) => entry.at).sort((a, b) => a - b);
  }

  /** Moves time forward, firing every timer that falls due on the way, in order, letting async work run after each. */
  async advance(ms: number): Promise<void> {
    const until = this.current + ms;
    for (;;) {
      const due = this.scheduled
        .filter((entry) => !entry.cancelled && entry.at <= until)
        .sort((a, b) => a.at - b.at || a.order - b.order)[0];
      if (due === undefined) break;
      due.cancelled = true;
      this.current = Math.max(this.current, due.at);
      due.callback();
      await settleMicrotasks();
    }
    this.current = until;
    await settleMicrotasks();
  }
}

/** Lets promise chains and queued store writes (in memory: microtasks and immediates) run to their end. */
export async function settleMicrotasks(rounds = 5): Promise<void> {
  for (let round = 0; round < rounds; round++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Waits until the runner has nothing queued, running or unwritten, letting timers-free async work finish. */
export async function settle(runner: TestAndEnableRunner): Promise<void> {
  for (let round = 0; round < 3; round++) {
    await settleMicrotasks();
    await runner.whenIdle();
  }
}

/** `audit-<tag>-1`, `alert-<tag>-1`…: a second runner on the same data gets other ids than the first. */
export function taggedIds(tag: string): IdGenerator {
  const counters = new Map<string, number>();
  return {
    next(prefix) {
      const next = (counters.get(prefix) ?? 0) + 1;
      counters.set(prefix, next);
      return `${prefix}-${tag}-${next}`;
    },
  };
}

/** What the runner handed over: plans (written ahead with their batch), deliveries (after it), and job changes. */
export class RecordingNotifications implements JobNotifications {
  readonly plans: { jobId: string; batch: number; decided: readonly DecidedMailbox[] }[] = [];
  readonly delivered: { jobId: string; keys: string[] }[] = [];
  readonly changes: JobRecord[] = [];

  plan(job: JobRecord, batch: number, decided: readonly DecidedMailbox[]): Promise<NotificationPlan> {
    this.plans.push({ jobId: job.id, batch, decided });
    const notifications: PlannedNotification[] = decided.map((item) => ({ key: `alert:${job.id}:${item.mailboxId}:${item.attempt}`, payload: { verdict: item.result.verdict } }));
    return Promise.resolve({ notifications, unreachable: [] });
  }

  deliver(job: JobRecord, notifications: readonly PlannedNotification[]): Promise<void> {
    this.delivered.push({ jobId: job.id, keys: notifications.map((notification) => notification.key) });
    return Promise.resolve();
  }

  jobChanged(job: JobRecord): void {
    this.changes.push(job);
  }

  deliveredKeys(): string[] {
    return this.delivered.flatMap((delivery) => delivery.keys);
  }
}

/**
 * Wraps a connector: counts scheduled tests per address, and can hold tests back (scheduled, but not passed
 * on to Exchange, so their outcome is not reported) until the test releases them.
 */
export class ControlledConnector implements ExchangeConnector {
  readonly calls: string[] = [];
  private readonly held: { address: string; release: () => void }[] = [];
  /** Addresses (lower case) whose tests wait for `release`; `'*'` holds every test. */
  readonly hold = new Set<string>();
  /** Per address: refuse to schedule with this error. */
  readonly failures = new Map<string, Error>();
  /** Per address: report this instead of a test result. */
  readonly garbage = new Map<string, unknown>();
  /** Test ids whose reported result is replaced, with what. */
  private readonly garbageByTest = new Map<string, unknown>();

  constructor(private readonly inner: ExchangeConnector) {}

  async schedule(tests: readonly ScheduledTest[]): Promise<void> {
    const passedOn: ScheduledTest[] = [];
    for (const test of tests) {
      const address = test.request.mailbox.emailAddress.toLowerCase();
      this.calls.push(address);
      const failure = this.failures.get(address);
      if (failure !== undefined) throw failure;
      if (this.garbage.has(address)) this.garbageByTest.set(test.testId, this.garbage.get(address));
      if (this.hold.has(address) || this.hold.has('*')) this.held.push({ address, release: () => void this.inner.schedule([test]) });
      else passedOn.push(test);
    }
    if (passedOn.length > 0) await this.inner.schedule(passedOn);
  }

  async observe(cursor: string | undefined, signal: AbortSignal): Promise<ObservedOutcomes> {
    const observed = await this.inner.observe(cursor, signal);
    return {
      cursor: observed.cursor,
      outcomes: observed.outcomes.map((outcome) => (this.garbageByTest.has(outcome.testId) ? { testId: outcome.testId, result: this.garbageByTest.get(outcome.testId) } : outcome)),
    };
  }

  callsFor(address: string): number {
    return this.calls.filter((call) => call === address.toLowerCase()).length;
  }

  heldAddresses(): string[] {
    return this.held.map((entry) => entry.address);
  }

  /** Lets held calls go on: all of them (and holds no more), or those for one address. */
  release(address?: string): void {
    if (address === undefined) this.hold.clear();
    for (const entry of [...this.held]) {
      if (address !== undefined && entry.address !== address.toLowerCase()) continue;
      this.held.splice(this.held.indexOf(entry), 1);
      entry.release();
    }
  }
}

export interface RunnerSetup {
  readonly runner: TestAndEnableRunner;
  readonly connector: ControlledConnector;
  readonly notifications: RecordingNotifications;
  readonly time: ManualTime;
}

export function runnerFor(
  store: DocumentEmailConfigStore,
  options: {
    time?: ManualTime;
    tag?: string;
    connector?: ControlledConnector;
    runner?: TestAndEnableRunnerOptions;
    notifications?: RecordingNotifications;
    /** Wrap the records or the job repository (tests of crashes between the two writes). */
    records?: (records: OrganizationRecords) => OrganizationRecords;
    repository?: (repository: JobRepository) => JobRepository;
    /** Another instance's way of running jobs (pg-boss on PostgreSQL); default this process. */
    dispatch?: JobDispatch;
  } = {},
): RunnerSetup {
  const time = options.time ?? new ManualTime();
  const connector = options.connector ?? new ControlledConnector(new SimulatedExchangeConnector(store.exchangeSimulation(), { sleep: () => Promise.resolve() }));
  const notifications = options.notifications ?? new RecordingNotifications();
  const runner = new TestAndEnableRunner(
    {
      records: (options.records ?? ((records) => records))(new EmbeddedOrganizationRecords(store)),
      repository: (options.repository ?? ((repository) => repository))(new DocumentJobRepository(store)),
      connector,
      clock: time.clock,
      ids: taggedIds(options.tag ?? 'a'),
      notifications,
      timers: time,
      ...(options.dispatch === undefined ? {} : { dispatch: options.dispatch }),
    },
    options.runner,
  );
  return { runner, connector, notifications, time };
}

/** The job's result for each mailbox, by email address. */
export function verdicts(store: DocumentEmailConfigStore, job: JobRecord | undefined): Record<string, string> {
  if (job === undefined) throw new Error('no job');
  const byId = new Map(job.mailboxes.map((mailbox) => [mailbox.id, mailbox.emailAddress]));
  return Object.fromEntries(job.results.map((result) => [byId.get(result.mailboxId) ?? result.mailboxId, result.verdict]));
}

export function storedJob(store: DocumentEmailConfigStore, jobId: string): JobRecord {
  const job = (store.document().jobs ?? []).find((candidate) => candidate.id === jobId);
  if (job === undefined) throw new Error(`job ${jobId} is not in the data file`);
  return job;
}

export function mailboxByEmail(store: DocumentEmailConfigStore, email: string) {
  const mailbox = store.mailboxByEmail(email);
  if (mailbox === undefined) throw new Error(`no mailbox ${email}`);
  return mailbox;
}

/** Polls (real time) until `predicate` holds; for work that waits on real file writes. */
export async function waitUntil(predicate: () => boolean, description: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${description}.`);
    await new Promise<void>((resolve) => setTimeout(resolve, 5));
  }
}

// Test & Enable as persisted background jobs: orchestration only. The rules are the domain's
// (`planMailboxTest`, `applyTestOutcome`, `scheduleTestAndEnable`, `isTestDue`); who hears about what is the
// `JobNotifications` port's; this file decides when to test, how many at once, and when to write.
//
// Guarantees:
// - A job's mailboxes are tested in order by a pool shared by all jobs (default 8 at a time, round robin
//   across jobs). A mailbox is tested once per job; it is tested again only if its record changed between
//   the test and the write (the result would be stale) or if the process stopped before the result was written.
// - Results are written in batches, to two places that share no transaction: the mailbox results, alerts and
//   audit entries go to the organization's records as one intent batch with an idempotency key; the job's
//   progress goes to the job repository. The batch is written ahead on the job first (`lastBatch`: its results,
//   notifications and key), then to the records, then committed on the job. A restart finds a batch still in
//   doubt and asks the records whether its key was applied: if so the job takes the results, otherwise it
//   forgets them and tests those mailboxes again. So a crash can never record a result the job does not know
//   about, or the reverse. A batch is written 1 s after its first result (about one batch a second however fast
//   Exchange answers), at once when a job's last mailbox is decided, or when 2,000 results wait; never two
//   batches at a time: results that arrive during a write go into the next one.
// - Creating a job schedules its mailboxes on the records (an intent batch keyed by the job id, so a retry
//   after a crash schedules nothing twice) and then writes the job.
// - A restart resumes each unfinished job with the mailboxes it had not recorded, and hands the notifications
//   of the last written batch to the outbox again (the outbox ignores keys it has seen).
// - Exchange is asked by scheduling a test and reading its outcome from the connector's observation feed
//   (exchange-tests.ts); a test still at Exchange when the bot stops is scheduled again by the next start.
// - Transient failures are retried by a scheduler that asks the dispatch for a retry check when the earliest
//   `postponeTestEmailConfigurationUntil` is due and runs the due mailboxes (`isTestDue`) as a job of its own; the
//   schedule lives on the mailboxes, so it survives restarts.
// - Which instance runs a job is the dispatch's business (`JobDispatch`): this process with the data file, one of
//   several instances through pg-boss with PostgreSQL. A job is created, then its run dispatched; the instance the
//   run lands on takes it (`takeRun`), and a start dispatches every unfinished job again (idempotent).
import { domainError, type DomainError } from '../../domain/errors.js';
import type { AuditEntry, Mailbox, User } from '../../domain/model.js';
import { canTestAndEnable, type PermissionDecision } from '../../domain/permissions.js';
import { err, ok, type Result } from '../../domain/result.js';
import { applyTestOutcome, isTestDue, planMailboxTest } from '../../domain/test-and-enable.js';
import { withLogBindings } from '../../shared/logger.js';
import { mailboxTarget } from '../audit.js';
import type { ExchangeConnector } from '../exchange-connector.js';
import { appCaller, readAll, testOutcomeOf, type Clock, type IdGenerator, type OrganizationRecords, type RecordIntent } from '../ports.js';
import { ExchangeTests } from './exchange-tests.js';
import {
  MAX_LISTED_UNREACHABLE,
  SYSTEM_ACTOR_ID,
  batchInDoubt,
  pendingNotificationsOf,
  type LastBatch,
  type JobMailbox,
  type JobOrigin,
  type JobRecord,
  type JobReport,
  type JobResult,
  type UnreachableRecipient,
} from './job-records.js';
import { InProcessJobDispatch } from './in-process-dispatch.js';
import {
  systemJobTimers,
  type DecidedMailbox,
  type DispatchedWork,
  type JobDispatch,
  type JobNotifications,
  type JobRepository,
  type JobRun,
  type JobRunEnd,
  type JobTimers,
} from './ports.js';

export interface TestAndEnableRunnerOptions {
  /** Mailboxes tested at once, across all jobs. Default 8. */
  readonly concurrency?: number;
  /** Results that are written at once, without waiting for the batch delay. Default 2000. */
  readonly batchSize?: number;
  /** Longest a result waits for its batch to be written. Default 1000 ms. */
  readonly batchDelayMs?: number;
  /** Testing pauses while this many results wait for a write, which bounds memory. Default 5000. */
  readonly maxPendingResults?: number;
  /** A scheduled test with no reported outcome after this long counts as a connector error (transient). Default 60 s. */
  readonly connectorTimeoutMs?: number;
  /** How long `stop()` waits for tests in flight before leaving them to the next start. Default 5 s. */
  readonly stopGraceMs?: number;
  /** Finished jobs kept in the data file (the newest ones). Default 50. */
  readonly retainedJobs?: number;
  /** Times a mailbox is tested again because its record kept changing before it is given up. Default 3. */
  readonly maxConflictRetests?: number;
  /** Wait before writing again after a failed write. Default 1000 ms. */
  readonly writeRetryDelayMs?: number;
  /**
   * With jobs shared by several instances: how often the jobs other instances run (and new ones) are read again,
   * so that this instance shows their progress (cards, `job`). Default 10 s.
   */
  readonly sharedJobsRefreshMs?: number;
}

/** Times a job's scheduling is tried again when a mailbox changed between reading and scheduling it. */
const SCHEDULE_ATTEMPTS = 3;
/** Mailboxes scheduled per record write when a job starts. */
const SCHEDULE_CHUNK = 1_000;

export interface RunnerLog {
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface TestAndEnableRunnerDependencies {
  /** The organization's records: read, and written with intents (scheduling, test outcomes). */
  readonly records: OrganizationRecords;
  /** The jobs' own state. */
  readonly repository: JobRepository;
  readonly connector: ExchangeConnector;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly notifications: JobNotifications;
  readonly timers?: JobTimers;
  readonly log?: RunnerLog;
  /** Who runs each job and makes each retry check; default: this process (`InProcessJobDispatch`). */
  readonly dispatch?: JobDispatch;
  /** This instance's name in `JobRecord.owner` (with shared jobs); default a generated `runner-…` id. */
  readonly instance?: string;
}

export interface CreateJobInput {
  /** Who asked; null for the retry scheduler. */
  readonly requester: User | null;
  readonly mailboxIds: readonly string[];
  readonly origin: JobOrigin;
  readonly title: string;
  readonly syncFromThisOrgOnly?: boolean;
  readonly report?: JobReport;
  /** The event-outbox sequence of the event asking for the job: at most one job per event. */
  readonly sourceEvent?: number;
}

/** Name written in the audit log for the retry scheduler. */
export const SYSTEM_ACTOR_NAME = 'Mailbox Sync Bot (scheduled retry)';

const DEFAULTS = {
  concurrency: 8,
  batchSize: 2_000,
  batchDelayMs: 1_000,
  maxPendingResults: 5_000,
  connectorTimeoutMs: 60_000,
  stopGraceMs: 5_000,
  retainedJobs: 50,
  maxConflictRetests: 3,
  writeRetryDelayMs: 1_000,
  sharedJobsRefreshMs: 10_000,
} as const satisfies Required<TestAndEnableRunnerOptions>;

const silentLog: RunnerLog = { warn: () => undefined, error: () => undefined };

/** An unfinished job being worked on. */
interface ActiveJob {
  readonly id: string;
  /** Mailbox ids not yet tested, in job order. */
  readonly queue: readonly string[];
  readonly labels: ReadonlyMap<string, JobMailbox>;
  next: number;
  /** Mailboxes to test again (their record changed before the result was written); they go first. */
  readonly retest: string[];
  readonly inFlight: Set<string>;
  /** Decided, waiting for their batch to be written. */
  readonly awaitingWrite: Set<string>;
  readonly conflicts: Map<string, number>;
  startedAt: string | null;
}

interface BatchOutcome {
  readonly accepted: readonly DecidedMailbox[];
  readonly conflicted: readonly DecidedMailbox[];
  readonly jobs: readonly JobRecord[];
  /** Per job, the notifications planned with this batch. */
  readonly planned: ReadonlyMap<string, JobRecord['pendingNotifications']>;
}

/** When the results of a batch were decided (its first and last), for the job's start and completion times. */
interface DecidedSpan {
  readonly first: string;
  readonly last: string;
}

const JOB_NUMBER = /^J-(\d+)$/;
const jobNumber = (id: string): number => Number(JOB_NUMBER.exec(id)?.[1] ?? 0);

const plural = (count: number, one: string, many: string): string => `${count} ${count === 1 ? one : many}`;

export class TestAndEnableRunner implements DispatchedWork {
  private readonly options: Required<TestAndEnableRunnerOptions>;
  private readonly timers: JobTimers;
  private readonly log: RunnerLog;
  private readonly exchangeTests: ExchangeTests;
  /** Every retained job: committed state, plus `running`/`startedAt` not written yet. */
  private readonly records = new Map<string, JobRecord>();
  /** Unfinished jobs, in creation order. */
  private readonly active = new Map<string, ActiveJob>();
  /** Mailbox ids under test now (any job), so two jobs never test the same mailbox at once. */
  private readonly mailboxesInFlight = new Set<string>();
  private readonly tasks = new Set<Promise<void>>();
  private pending: DecidedMailbox[] = [];
  /** Batches written ahead on a job whose commit failed: settled (by asking the records) before the next write. */
  private readonly unsettled = new Map<string, LastBatch>();
  private flushing: Promise<void> | undefined;
  private batchTimer: { cancel(): void } | undefined;
  private writeRetryTimer: { cancel(): void } | undefined;
  private refreshTimer: { cancel(): void } | undefined;
  /** Where `changedJobs` continues (shared jobs). */
  private changesSeen: string | undefined;
  private readonly dispatch: JobDispatch;
  /** The end of each job run taken here, resolved when the job leaves `active`. */
  private readonly runs = new Map<string, (end: JobRunEnd) => void>();
  /** This runner, as named in `JobRecord.owner` of the jobs it runs (when jobs are shared). */
  readonly instance: string;
  /** Numbers retry checks, so a slow read does not set a timer after a newer check or stop. */
  private retryCheck = 0;
  private rotation = 0;
  private running = false;
  /** While `start` takes the runs of unfinished jobs: testing begins once start has delivered their notifications. */
  private starting = false;
  private stopping = false;
  private acceptingResults = false;
  private readonly idleWaiters = new Set<() => void>();

  constructor(
    private readonly deps: TestAndEnableRunnerDependencies,
    options: TestAndEnableRunnerOptions = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
    this.timers = deps.timers ?? systemJobTimers;
    this.log = deps.log ?? silentLog;
    this.exchangeTests = new ExchangeTests(deps.connector, deps.ids, { timers: this.timers, timeoutMs: this.options.connectorTimeoutMs });
    this.instance = deps.instance ?? deps.ids.next('runner');
    this.dispatch =
      deps.dispatch ??
      new InProcessJobDispatch({
        timers: this.timers,
        now: () => deps.clock.now().getTime(),
        onError: (error) => this.log.error('Test & Enable background work failed', { error }),
      });
    for (const name of ['concurrency', 'batchSize', 'maxPendingResults', 'retainedJobs'] as const) {
      const value = this.options[name];
      if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a whole number of at least 1, got ${value}.`);
    }
  }

  /**
   * Settles batches a crash left in doubt and resumes unfinished jobs (by dispatching their runs again: with shared
   * jobs, whichever instance the run lands on), re-delivers the last batch's notifications, and starts the retry
   * scheduler.
   */
  async start(): Promise<void> {
    this.running = true;
    this.starting = true;
    this.stopping = false;
    this.acceptingResults = true;
    try {
      const stored = await this.deps.repository.jobs();
      for (const job of stored) if (!this.active.has(job.id)) this.records.set(job.id, job);
      await this.dispatch.start(this);
      for (const job of stored) if (job.status !== 'done') await this.dispatch.dispatchRun(job.id);
      for (const job of this.records.values()) {
        const pending = pendingNotificationsOf(job);
        if (pending.length > 0) await this.deliver(job, pending);
      }
      for (const job of this.records.values()) {
        if (job.status === 'done' && !job.deliveryReported) this.deps.notifications.jobChanged(job);
      }
    } finally {
      this.starting = false;
    }
    this.scheduleRetryCheck();
    this.scheduleSharedJobsRefresh();
    this.pump();
  }

  /**
   * Takes a job's run (the dispatch calls it): with shared jobs, marks this instance the job's owner; settles a batch
   * left in doubt and resumes the job. The run ends when the job is done, this runner stops, or the run is lost.
   */
  async takeRun(jobId: string, claim: AbortSignal): Promise<JobRun | undefined> {
    if (!this.running || this.stopping) return { ended: Promise.resolve('stopped') };
    if (this.active.has(jobId)) return undefined;
    let job = this.deps.repository.shared ? await this.claim(jobId) : this.records.get(jobId);
    if (job === undefined || job.status === 'done') return undefined;
    const inDoubt = batchInDoubt(job);
    if (inDoubt !== undefined) job = await this.settleInDoubt(job, inDoubt);
    this.records.set(job.id, job);
    if (job.status === 'done' || claim.aborted) return undefined;
    // A job taken over from another instance: the notifications of its last batch may not have reached the outbox.
    if (this.deps.repository.shared) {
      const pending = pendingNotificationsOf(job);
      if (pending.length > 0) await this.deliver(job, pending);
    }
    const ended = new Promise<JobRunEnd>((resolve) => this.runs.set(jobId, resolve));
    this.activate(job);
    claim.addEventListener('abort', () => {
      if (!this.active.has(jobId)) return;
      this.log.warn('this instance no longer holds the run of a Test & Enable job; another instance takes it over', { job: jobId });
      this.deactivate(jobId, 'lost');
    }, { once: true });
    if (!this.starting) this.pump();
    return { ended };
  }

  /** Marks this instance the owner of an unfinished job; undefined when the job is done or gone. */
  private async claim(jobId: string): Promise<JobRecord | undefined> {
    const [claimed] = await this.deps.repository.update([jobId], (current) =>
      current.status === 'done' ? null : { ...current, owner: { instance: this.instance, since: this.now() } },
    );
    return claimed;
  }

  /** The job no longer runs here: its run ends. */
  private deactivate(jobId: string, end: JobRunEnd): void {
    this.active.delete(jobId);
    const resolve = this.runs.get(jobId);
    this.runs.delete(jobId);
    resolve?.(end);
  }

  async checkRetries(): Promise<void> {
    await this.runDueRetries();
  }

  /** With shared jobs: reads again, now and then, the jobs other instances create and run, to show them here. */
  private scheduleSharedJobsRefresh(): void {
    if (!this.deps.repository.shared || !this.running || this.stopping) return;
    this.refreshTimer = this.timers.setTimeout(() => {
      this.refreshTimer = undefined;
      void this.refreshSharedJobs()
        .catch((error: unknown) => this.log.warn('could not read the Test & Enable jobs of other instances; trying again', { error }))
        .finally(() => this.scheduleSharedJobsRefresh());
    }, this.options.sharedJobsRefreshMs);
  }

  private async refreshSharedJobs(): Promise<void> {
    const { jobs, next } = await this.deps.repository.changedJobs(this.changesSeen);
    this.changesSeen = next;
    for (const job of jobs) if (!this.active.has(job.id)) this.records.set(job.id, job);
  }

  /**
   * Stops testing; tests in flight get `stopGraceMs` to finish and their results are written. Later results
   * are dropped: those mailboxes are tested by the next start, or by the instance the job's run goes to.
   */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.stopping = true;
    // No new runs from here on; the dispatch waits for the runs in hand, which end below.
    const dispatchStopped = this.dispatch.stop();
    this.writeRetryTimer?.cancel();
    this.writeRetryTimer = undefined;
    this.refreshTimer?.cancel();
    this.refreshTimer = undefined;
    let graceTimer: { cancel(): void } | undefined;
    const grace = new Promise<void>((resolve) => {
      graceTimer = this.timers.setTimeout(resolve, this.options.stopGraceMs);
    });
    await Promise.race([Promise.allSettled([...this.tasks]), grace]);
    graceTimer?.cancel();
    // From here on, results are dropped: those mailboxes are tested by the next start.
    this.acceptingResults = false;
    this.batchTimer?.cancel();
    this.batchTimer = undefined;
    await this.flushing;
    if (this.pending.length > 0) await this.flushOnce();
    // Tests still at Exchange are left to the next start; their outcomes are no longer awaited.
    await this.exchangeTests.close('the bot stopped before Exchange reported the outcome');
    for (const jobId of [...this.runs.keys()]) this.deactivate(jobId, 'stopped');
    await dispatchStopped;
    this.running = false;
    this.wakeIdleWaiters();
  }

  /**
   * Queues a job and returns it; testing runs in the background. Its mailboxes are scheduled on the records
   * first (keyed by the job id: done once however often this is retried), then the job is written.
   */
  async createJob(input: CreateJobInput): Promise<Result<JobRecord, DomainError>> {
    if (input.sourceEvent !== undefined) {
      const already = [...this.records.values()].find((job) => job.sourceEvent === input.sourceEvent);
      if (already !== undefined) return ok(already);
    }
    const mailboxIds = [...new Set(input.mailboxIds.map((id) => id.trim()).filter((id) => id !== ''))];
    if (mailboxIds.length === 0) {
      return err(domainError('NothingSelected', `${input.title}: there is no mailbox to test.`));
    }
    const planned = await this.planJob(input, mailboxIds, await this.deps.repository.nextJobId());
    if (!planned.ok) return planned;
    const { allowedIds, job } = planned.value;
    // Visible at once, before its write: whoever published the event that started it may look for it next.
    this.records.set(job.id, job);
    let removedJobIds: readonly string[];
    try {
      // A retry keeps the retry count; every other job is a new Test & Enable run (fresh retry budget).
      if (input.origin !== 'retry') await this.scheduleOnRecords(job, allowedIds, input);
      // Older finished jobs go; numbers only grow, so an id (and the notification keys made from it) is never reused.
      removedJobIds = await this.deps.repository.create(job, this.options.retainedJobs);
    } catch (error) {
      this.records.delete(job.id);
      throw error;
    }
    for (const id of removedJobIds) this.records.delete(id);
    // Repeats nothing where the repository enqueued the run with the job (PostgreSQL): a run is queued once.
    await this.dispatch.dispatchRun(job.id);
    return ok(job);
  }

  /** Records where the job's progress card lives (one write) and lets the reporter update it. */
  async attachReport(jobId: string, report: JobReport): Promise<JobRecord | undefined> {
    const updated = await this.updateJob(jobId, (job) => ({ ...job, report }));
    if (updated !== undefined) this.deps.notifications.jobChanged(updated);
    return updated;
  }

  /** Records that the requester was told how the job's alerts were delivered. */
  async markDeliveryReported(jobId: string): Promise<JobRecord | undefined> {
    return this.updateJob(jobId, (job) => ({ ...job, deliveryReported: true }));
  }

  job(jobId: string): JobRecord | undefined {
    return this.records.get(jobId);
  }

  /** Retained jobs, oldest first. */
  jobs(): readonly JobRecord[] {
    return [...this.records.values()];
  }

  /** The newest job `userId` asked for. */
  latestJobOf(userId: string): JobRecord | undefined {
    let latest: JobRecord | undefined;
    for (const job of this.records.values()) {
      if (job.requestedById === userId && (latest === undefined || jobNumber(job.id) > jobNumber(latest.id))) latest = job;
    }
    return latest;
  }

  /** Resolves when no job is queued or running and every result is written (tests and benchmarks wait on it). */
  whenIdle(): Promise<void> {
    return new Promise((resolve) => {
      if (this.isIdle()) {
        resolve();
        return;
      }
      this.idleWaiters.add(resolve);
    });
  }

  /** Starts a retry job for the mailboxes whose scheduled test is due now; returns it, if any were due. */
  async runDueRetries(): Promise<JobRecord | undefined> {
    if (!this.running || this.stopping) return undefined;
    const now = this.deps.clock.now();
    // With shared jobs, another instance's unfinished jobs hold their mailboxes too: read them afresh.
    if (this.deps.repository.shared) for (const stored of await this.deps.repository.jobs()) if (!this.active.has(stored.id)) this.records.set(stored.id, stored);
    const busy = this.mailboxesOfUnfinishedJobs();
    const due = (await this.scheduledMailboxes()).filter((mailbox) => !busy.has(mailbox.id) && isTestDue(mailbox, now));
    let job: JobRecord | undefined;
    if (due.length > 0) {
      const created = await this.createJob({
        requester: null,
        mailboxIds: due.map((mailbox) => mailbox.id),
        origin: 'retry',
        title: `Retry Test & Enable for ${plural(due.length, 'mailbox', 'mailboxes')} after temporary failures`,
      });
      if (created.ok) job = created.value;
      else this.log.warn('could not start the retry job', { error: created.error.message });
    }
    this.scheduleRetryCheck();
    return job;
  }

  // ---------------------------------------------------------------------------------------------
  // Creating jobs

  /** The job as it starts: every mailbox the requester may not test is decided at once (not tested, with the reason). */
  private async planJob(
    input: CreateJobInput,
    mailboxIds: readonly string[],
    jobId: string,
  ): Promise<Result<{ job: JobRecord; allowedIds: readonly string[] }, DomainError>> {
    const { records } = this.deps;
    const directory = await records.directory();
    const mailboxes: JobMailbox[] = [];
    const notTested: JobResult[] = [];
    const allowedIds: string[] = [];
    const refusals: PermissionDecision[] = [];
    for (const id of mailboxIds) {
      const mailbox = await records.mailbox(id);
      if (mailbox === undefined) {
        mailboxes.push({ id, name: id, emailAddress: '' });
        notTested.push({ mailboxId: id, verdict: 'notTested', reason: `No mailbox with id ${id} exists.` });
        continue;
      }
      mailboxes.push({ id, name: mailbox.name, emailAddress: mailbox.emailAddress });
      if (input.requester !== null) {
        const decision = canTestAndEnable(input.requester, mailbox, directory);
        if (!decision.allowed) {
          notTested.push({ mailboxId: id, verdict: 'notTested', reason: decision.reason });
          refusals.push(decision);
          continue;
        }
      }
      allowedIds.push(id);
    }
    if (allowedIds.length === 0) return err(nothingToTest(input.title, notTested, refusals));
    return ok({
      allowedIds,
      job: {
        id: jobId,
        title: input.title,
        origin: input.origin,
        requestedById: input.requester?.id ?? SYSTEM_ACTOR_ID,
        requestedByName: input.requester?.fullName ?? SYSTEM_ACTOR_NAME,
        syncFromThisOrgOnly: input.syncFromThisOrgOnly ?? null,
        status: 'queued',
        createdAt: this.deps.clock.now().toISOString(),
        startedAt: null,
        completedAt: null,
        mailboxes,
        results: notTested,
        report: input.report ?? { kind: 'none' },
        ...(input.sourceEvent === undefined ? {} : { sourceEvent: input.sourceEvent }),
        batches: 0,
        pendingNotifications: [],
        notificationKeys: [],
        unreachable: [],
        unreachableCount: 0,
        deliveryReported: false,
      },
    });
  }

  /**
   * Marks the job's mailboxes scheduled, as they are stored now, in one record batch. A job started by an event
   * keys it by the event, so the same event handed over again after a crash schedules nothing twice (job ids are
   * not such a key: one not written before a crash is handed out again). A mailbox that changed between reading
   * and writing is read again (a few times: then its record keeps moving, and the test itself will see it).
   */
  private async scheduleOnRecords(job: JobRecord, mailboxIds: readonly string[], input: CreateJobInput): Promise<void> {
    const { ids } = this.deps;
    const { syncFromThisOrgOnly } = input;
    const keyBase = input.sourceEvent === undefined ? ids.next('schedule') : `event-${input.sourceEvent}:schedule`;
    let unsettled = 0;
    // In chunks: one write of 10,000 changed mailboxes is one 8 MB journal line (and its copies in memory).
    for (let start = 0, chunk = 1; start < mailboxIds.length; start += SCHEDULE_CHUNK, chunk++) {
      if (!(await this.scheduleChunk(mailboxIds.slice(start, start + SCHEDULE_CHUNK), `${keyBase}:${chunk}`, syncFromThisOrgOnly))) unsettled += 1;
    }
    if (unsettled > 0) this.log.warn('could not schedule every mailbox of the job: their records kept changing; the job tests them as they are', { job: job.id });
  }

  /** One chunk of a job's scheduling, tried again on a conflict; false if its records kept changing. */
  private async scheduleChunk(mailboxIds: readonly string[], key: string, syncFromThisOrgOnly: boolean | undefined): Promise<boolean> {
    const { records } = this.deps;
    for (let attempt = 1; attempt <= SCHEDULE_ATTEMPTS; attempt++) {
      const intents: RecordIntent[] = [];
      for (const id of mailboxIds) {
        const mailbox = await records.mailbox(id);
        if (mailbox === undefined) continue;
        intents.push({
          kind: 'scheduleTestAndEnable',
          mailboxId: id,
          expectedVersion: mailbox.version,
          ...(syncFromThisOrgOnly === undefined ? {} : { syncFromThisOrgOnly }),
        });
      }
      if (intents.length === 0) return true;
      const written = await records.apply({ caller: appCaller, intents, idempotencyKey: `${key}:${attempt}` });
      if (written.ok) return true;
    }
    return false;
  }

  private activate(job: JobRecord): void {
    if (this.active.has(job.id)) return;
    const decided = new Set(job.results.map((result) => result.mailboxId));
    this.active.set(job.id, {
      id: job.id,
      queue: job.mailboxes.map((mailbox) => mailbox.id).filter((id) => !decided.has(id)),
      labels: new Map(job.mailboxes.map((mailbox) => [mailbox.id, mailbox])),
      next: 0,
      retest: [],
      inFlight: new Set(),
      awaitingWrite: new Set(),
      conflicts: new Map(),
      startedAt: job.startedAt,
    });
    // A job whose every mailbox was decided before it was written (a restart right after the last batch
    // of an older build) still has to be finished by a write.
    if (decided.size >= job.mailboxes.length) void this.finishEmptyJob(job.id);
  }

  private async finishEmptyJob(jobId: string): Promise<void> {
    const now = this.deps.clock.now().toISOString();
    const updated = await this.updateJob(jobId, (job) => ({ ...job, status: 'done', startedAt: job.startedAt ?? now, completedAt: now }));
    this.deactivate(jobId, 'finished');
    if (updated !== undefined) this.deps.notifications.jobChanged(updated);
    this.checkIdle();
  }

  private async updateJob(jobId: string, change: (job: JobRecord) => JobRecord): Promise<JobRecord | undefined> {
    const [updated] = await this.deps.repository.update([jobId], (current) => change(this.withUnwrittenStart(current)));
    if (updated !== undefined) this.records.set(updated.id, updated);
    return updated;
  }

  // ---------------------------------------------------------------------------------------------
  // Testing

  /** Launches tests while there is room and work. */
  private pump(): void {
    if (!this.running || this.stopping) {
      this.checkIdle();
      return;
    }
    while (this.tasks.size < this.options.concurrency && this.pending.length < this.options.maxPendingResults) {
      const work = this.nextWork();
      if (work === undefined) break;
      this.launch(work.job, work.mailboxId);
    }
    this.checkIdle();
  }

  /** The next mailbox to test, taking jobs in turn so a small job is not stuck behind a large one. */
  private nextWork(): { job: ActiveJob; mailboxId: string } | undefined {
    const jobs = [...this.active.values()];
    for (let offset = 0; offset < jobs.length; offset++) {
      const job = jobs[(this.rotation + offset) % jobs.length];
      if (job === undefined) continue;
      const mailboxId = this.takeFrom(job);
      if (mailboxId === undefined) continue;
      this.rotation = (this.rotation + offset + 1) % Math.max(1, jobs.length);
      return { job, mailboxId };
    }
    return undefined;
  }

  private takeFrom(job: ActiveJob): string | undefined {
    const retestIndex = job.retest.findIndex((id) => !this.mailboxesInFlight.has(id));
    if (retestIndex >= 0) return job.retest.splice(retestIndex, 1)[0];
    const candidate = job.queue[job.next];
    // Another job is testing this mailbox right now: wait for it rather than test it twice at once.
    if (candidate === undefined || this.mailboxesInFlight.has(candidate)) return undefined;
    job.next += 1;
    return candidate;
  }

  private launch(job: ActiveJob, mailboxId: string): void {
    const record = this.records.get(job.id);
    if (record === undefined) return;
    job.inFlight.add(mailboxId);
    this.mailboxesInFlight.add(mailboxId);
    if (job.startedAt === null) {
      job.startedAt = this.deps.clock.now().toISOString();
      const running = this.withUnwrittenStart(record);
      this.records.set(job.id, running);
      this.deps.notifications.jobChanged(running);
    }
    const label = job.labels.get(mailboxId) ?? { id: mailboxId, name: mailboxId, emailAddress: '' };
    // Lines logged while testing carry the job (a child logger per job).
    const task: Promise<void> = withLogBindings({ job: job.id }, () => this.testOne(record, label))
      .catch((error: unknown) => this.notTested(record.id, mailboxId, `The test stopped on an unexpected error: ${error instanceof Error ? error.message : String(error)}`))
      .then((decided) => {
        job.inFlight.delete(mailboxId);
        // Once stop() is writing its last batch, results are dropped: the next start tests these mailboxes.
        if (!this.acceptingResults) return;
        job.awaitingWrite.add(mailboxId);
        this.pending.push(decided);
        this.scheduleFlush();
      })
      .finally(() => {
        this.mailboxesInFlight.delete(mailboxId);
        this.tasks.delete(task);
        this.pump();
      });
    this.tasks.add(task);
  }

  private notTested(jobId: string, mailboxId: string, reason: string): DecidedMailbox {
    return {
      jobId,
      mailboxId,
      before: undefined,
      after: undefined,
      test: undefined,
      profile: undefined,
      attempt: 0,
      result: { mailboxId, verdict: 'notTested', reason },
      audit: undefined,
      decidedAt: this.deps.clock.now().toISOString(),
    };
  }

  /** Plans, asks Exchange, applies the domain's verdict. Never writes. */
  private async testOne(job: JobRecord, label: JobMailbox): Promise<DecidedMailbox> {
    const { records, clock, ids } = this.deps;
    const mailbox = await records.mailbox(label.id);
    if (mailbox === undefined) return this.notTested(job.id, label.id, 'The mailbox no longer exists: it was deleted after the job started.');
    const directory = await records.directory();
    let rule = 'system:scheduled-retry';
    if (job.requestedById !== SYSTEM_ACTOR_ID) {
      const requester = directory.userById(job.requestedById);
      if (requester === undefined) return this.notTested(job.id, label.id, `${job.requestedByName}, who asked for this test, is no longer a user of this organization.`);
      // Checked again when testing: rights may have changed since the job was queued.
      const decision = canTestAndEnable(requester, mailbox, directory);
      if (!decision.allowed) return this.notTested(job.id, label.id, decision.reason);
      rule = decision.rule;
    }
    const plan = planMailboxTest(mailbox, directory);
    const outcome = plan.kind === 'blocked' ? plan : await this.exchangeTests.run({ ...plan.request, scheduledSince: job.createdAt });
    const now = clock.now();
    const test = applyTestOutcome(mailbox, outcome, directory.organization.settings, now, ids);
    const profileId = plan.kind === 'ready' ? plan.request.profile.id : plan.profileId;
    const attempt = mailbox.testEmailConfigurationRetryCount + 1;
    const result: JobResult = test.verdict === 'enabled' ? { mailboxId: mailbox.id, verdict: 'enabled' } : { mailboxId: mailbox.id, verdict: test.verdict, reason: test.reason };
    const audit: AuditEntry = {
      id: ids.next('audit'),
      at: now.toISOString(),
      actorId: job.requestedById,
      actorName: job.requestedByName,
      action: 'mailbox.testAndEnable',
      target: mailboxTarget(mailbox),
      rule,
      details: `Job ${job.id}, attempt ${attempt}: ${verdictWords[test.verdict]}. ${test.reason}`,
    };
    return {
      jobId: job.id,
      mailboxId: mailbox.id,
      before: mailbox,
      after: test.mailbox,
      test,
      profile: profileId === null ? undefined : directory.profileById(profileId),
      attempt,
      result,
      audit,
      decidedAt: now.toISOString(),
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Writing batches

  private scheduleFlush(): void {
    if (this.pending.length === 0 || this.flushing !== undefined) return;
    if (this.flushIsDue()) {
      this.batchTimer?.cancel();
      this.batchTimer = undefined;
      this.flushing = this.flushLoop();
      return;
    }
    this.batchTimer ??= this.timers.setTimeout(() => {
      this.batchTimer = undefined;
      this.scheduleFlush();
    }, Math.max(0, this.oldestPendingAt() + this.options.batchDelayMs - this.deps.clock.now().getTime()));
  }

  private oldestPendingAt(): number {
    const oldest = this.pending[0];
    return oldest === undefined ? Number.POSITIVE_INFINITY : Date.parse(oldest.decidedAt);
  }

  /** The batch delay is over, a full batch waits, nothing else is under test, or a job's last results wait. */
  private flushIsDue(): boolean {
    if (this.pending.length >= this.options.batchSize || this.tasks.size === 0 || this.stopping) return true;
    if (this.deps.clock.now().getTime() - this.oldestPendingAt() >= this.options.batchDelayMs) return true;
    for (const job of this.active.values()) {
      if (job.awaitingWrite.size > 0 && job.inFlight.size === 0 && job.retest.length === 0 && job.next >= job.queue.length) return true;
    }
    return false;
  }

  private async flushLoop(): Promise<void> {
    try {
      do {
        await this.flushOnce();
      } while (this.pending.length > 0 && this.flushIsDue() && this.writeRetryTimer === undefined);
    } finally {
      this.flushing = undefined;
      if (this.writeRetryTimer === undefined) this.scheduleFlush();
      this.pump();
    }
  }

  private async flushOnce(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    let outcome: BatchOutcome;
    try {
      outcome = await this.writeBatch(batch);
    } catch (error) {
      // Not committed on the job: keep the results and try again shortly (unless stopping; then the next start
      // settles a batch left in doubt, or tests those mailboxes again).
      this.log.error('could not write Test & Enable results; will try again', { results: batch.length, error });
      if (!this.stopping) {
        this.pending = [...batch, ...this.pending];
        this.writeRetryTimer ??= this.timers.setTimeout(() => {
          this.writeRetryTimer = undefined;
          this.scheduleFlush();
        }, this.options.writeRetryDelayMs);
      }
      return;
    }
    this.afterBatch(batch, outcome);
    for (const job of outcome.jobs) {
      const planned = outcome.planned.get(job.id) ?? [];
      if (planned.length > 0) await this.deliver(job, planned);
    }
    for (const job of outcome.jobs) this.deps.notifications.jobChanged(this.records.get(job.id) ?? job);
    if (outcome.jobs.some((job) => job.status === 'done') || outcome.accepted.some((decided) => decided.result.verdict === 'retryScheduled')) {
      this.scheduleRetryCheck();
    }
    this.checkIdle();
  }

  /**
   * Writes a batch: results already on their job are dropped; results whose mailbox moved since its test are
   * conflicted (tested again); the rest are written ahead on their jobs, applied to the records, and committed.
   */
  private async writeBatch(batch: readonly DecidedMailbox[]): Promise<BatchOutcome> {
    await this.settleUnsettled();
    const conflicted: DecidedMailbox[] = [];
    let candidates: DecidedMailbox[] = [];
    const decidedByJob = new Map<string, Set<string>>();
    for (const decided of batch) {
      const job = this.records.get(decided.jobId);
      if (job === undefined) continue;
      let decidedIds = decidedByJob.get(job.id);
      if (decidedIds === undefined) {
        decidedIds = new Set(job.results.map((result) => result.mailboxId));
        decidedByJob.set(job.id, decidedIds);
      }
      if (decidedIds.has(decided.mailboxId)) continue;
      decidedIds.add(decided.mailboxId);
      // Where the platform records the outcome itself, the test moves the version: that is not staleness.
      const platformRecorded = this.deps.records.recordsTestOutcomesItself === true;
      if (!platformRecorded && decided.after !== undefined && (await this.deps.records.mailbox(decided.mailboxId))?.version !== decided.before?.version) {
        conflicted.push(decided);
        continue;
      }
      candidates.push(decided);
    }
    // Each round either writes or finds one more mailbox that moved meanwhile, so this ends.
    for (;;) {
      const groups = groupByJob(candidates);
      if (groups.size === 0) return { accepted: [], conflicted, jobs: [], planned: new Map() };
      const key = this.deps.ids.next('results');
      const inDoubt = new Map<string, LastBatch>();
      for (const [jobId, items] of groups) {
        const job = this.records.get(jobId);
        if (job === undefined) continue;
        inDoubt.set(jobId, await this.planInDoubt(job, key, items));
      }
      const ahead = await this.deps.repository.update([...inDoubt.keys()], (job) => {
        const planned = inDoubt.get(job.id);
        // A job another instance took over is that instance's to write: the owner alone writes ahead.
        if (planned === undefined || (this.deps.repository.shared && job.owner?.instance !== this.instance)) return null;
        // The previous batch's notifications were delivered once it was counted: only this batch's are kept.
        return { ...job, lastBatch: planned, pendingNotifications: [] };
      });
      const aheadIds = new Set(ahead.map((job) => job.id));
      for (const jobId of [...inDoubt.keys()]) {
        if (aheadIds.has(jobId)) continue;
        inDoubt.delete(jobId);
        if (this.active.has(jobId)) this.log.warn('another instance took over a Test & Enable job; this one stops running it', { job: jobId });
        this.deactivate(jobId, 'lost');
      }
      candidates = candidates.filter((decided) => aheadIds.has(decided.jobId));
      if (candidates.length === 0) return { accepted: [], conflicted, jobs: [], planned: new Map() };
      for (const [jobId, planned] of inDoubt) this.unsettled.set(jobId, planned);
      const written = await this.deps.records.apply({
        caller: appCaller,
        intents: candidates.flatMap((decided) => outcomeIntent(decided)),
        audit: candidates.flatMap((decided) => (decided.audit === undefined ? [] : [decided.audit])),
        idempotencyKey: key,
      });
      if (!written.ok) {
        const moved = written.conflict.record;
        const stale = candidates.filter((decided) => moved.type === 'mailbox' && decided.mailboxId === moved.id && decided.after !== undefined);
        // A conflict on a record this batch does not write would never clear: fail the write (retried later).
        if (stale.length === 0) throw new Error(`Writing Test & Enable results conflicted on ${moved.type} ${moved.id}, which the batch does not change.`);
        conflicted.push(...stale);
        candidates = candidates.filter((decided) => !stale.includes(decided));
        if (candidates.length === 0) {
          await this.deps.repository.update([...inDoubt.keys()], (job) => (batchInDoubt(job)?.key === key ? withoutLastBatch(job) : null));
          for (const jobId of inDoubt.keys()) this.unsettled.delete(jobId);
          return { accepted: [], conflicted, jobs: [], planned: new Map() };
        }
        continue;
      }
      const jobs = await this.deps.repository.update([...inDoubt.keys()], (job) => {
        const written = batchInDoubt(job);
        if (written?.key !== key) return null;
        const items = groups.get(job.id) ?? [];
        return this.committed(job, written, { first: items[0]?.decidedAt ?? this.now(), last: items.at(-1)?.decidedAt ?? this.now() });
      });
      for (const jobId of inDoubt.keys()) this.unsettled.delete(jobId);
      const planned = new Map([...inDoubt].map(([jobId, batchOfJob]) => [jobId, batchOfJob.notifications]));
      return { accepted: candidates, conflicted, jobs, planned };
    }
  }

  /**
   * A batch whose records write may or may not have happened (its commit on the job failed) is settled before
   * anything else is written: otherwise its mailboxes, changed by that very write, would look changed by someone
   * else and be tested again.
   */
  private async settleUnsettled(): Promise<void> {
    for (const [jobId, batch] of [...this.unsettled]) {
      const job = this.records.get(jobId);
      const settled = job === undefined ? undefined : await this.settleInDoubt(job, batch);
      this.unsettled.delete(jobId);
      if (settled === undefined || batchInDoubt(settled) !== undefined) continue;
      this.records.set(settled.id, settled);
      if (settled.status === 'done') this.deactivate(settled.id, 'finished');
      const pending = pendingNotificationsOf(settled);
      if (pending.length > 0 && settled.batches > (job?.batches ?? 0)) await this.deliver(settled, pending);
      this.deps.notifications.jobChanged(settled);
    }
  }

  /** A job's share of a batch as written ahead: its results, and who hears of them. */
  private async planInDoubt(job: JobRecord, key: string, items: readonly DecidedMailbox[]): Promise<LastBatch> {
    const results = items.map((item) => item.result);
    const preview: JobRecord = { ...job, results: [...job.results, ...results], batches: job.batches + 1 };
    const plan = await this.deps.notifications.plan(preview, preview.batches, items);
    return {
      key,
      batch: preview.batches,
      results,
      notifications: plan.notifications.map((notification) => ({ key: notification.key, payload: notification.payload })),
      unreachable: [...plan.unreachable],
    };
  }

  /**
   * The job with a batch in doubt counted: its results recorded. The batch itself stays as it is (the same
   * object, so it is not written again): its notifications are the ones a restart delivers again.
   */
  private committed(job: JobRecord, batch: LastBatch, decided: DecidedSpan): JobRecord {
    const results = [...job.results, ...batch.results];
    const done = results.length >= job.mailboxes.length;
    const started = this.withUnwrittenStart(job);
    return {
      ...started,
      status: done ? 'done' : 'running',
      startedAt: started.startedAt ?? decided.first,
      completedAt: done ? decided.last : null,
      results,
      batches: batch.batch,
      notificationKeys: [...job.notificationKeys, ...batch.notifications.map((notification) => notification.key)],
      ...mergeUnreachable(job, batch.unreachable),
    };
  }

  /**
   * A batch a crash left in doubt: committed on the job if the records have it (the key was applied),
   * forgotten otherwise (its mailboxes are tested again).
   */
  private async settleInDoubt(job: JobRecord, batch: LastBatch): Promise<JobRecord> {
    const applied = await this.deps.records.wasApplied(batch.key);
    const now = this.now();
    const [settled] = await this.deps.repository.update([job.id], (current) => {
      const inDoubt = batchInDoubt(current);
      if (inDoubt?.key !== batch.key) return null;
      return applied ? this.committed(current, inDoubt, { first: now, last: now }) : withoutLastBatch(current);
    });
    return settled ?? job;
  }

  private now(): string {
    return this.deps.clock.now().toISOString();
  }

  private afterBatch(batch: readonly DecidedMailbox[], outcome: BatchOutcome): void {
    for (const job of outcome.jobs) this.records.set(job.id, job);
    // Written, stale (tested again below) or a duplicate of a recorded result: none waits for a write any more.
    for (const decided of batch) this.active.get(decided.jobId)?.awaitingWrite.delete(decided.mailboxId);
    for (const decided of outcome.conflicted) {
      const job = this.active.get(decided.jobId);
      if (job === undefined) continue;
      const conflicts = (job.conflicts.get(decided.mailboxId) ?? 0) + 1;
      job.conflicts.set(decided.mailboxId, conflicts);
      if (conflicts > this.options.maxConflictRetests) {
        job.awaitingWrite.add(decided.mailboxId);
        this.pending.push(
          this.notTested(job.id, decided.mailboxId, `The mailbox was changed ${conflicts} times while it was being tested; run Test & Enable again when it is stable.`),
        );
      } else {
        job.retest.push(decided.mailboxId);
      }
    }
    for (const job of outcome.jobs) {
      if (job.status === 'done') this.deactivate(job.id, 'finished');
    }
  }

  private async deliver(job: JobRecord, notifications: JobRecord['pendingNotifications']): Promise<void> {
    try {
      await withLogBindings({ job: job.id }, () => this.deps.notifications.deliver(job, notifications));
    } catch (error) {
      // The notifications stay with the job and are handed over again by the next start.
      this.log.error('could not hand Test & Enable notifications to the outbox', { job: job.id, notifications: notifications.length, error });
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Retry scheduler

  /** Active mailboxes whose Test & Enable is scheduled: a first run, or a retry after a temporary failure. */
  private scheduledMailboxes(): Promise<readonly Mailbox[]> {
    return readAll((page) => this.deps.records.mailboxPage({ testScheduled: true, activeOnly: true }, page));
  }

  private scheduleRetryCheck(): void {
    if (!this.running || this.stopping) return;
    const check = ++this.retryCheck;
    this.scheduledMailboxes().then(
      (scheduled) => {
        // A newer check (or stop) came while the records were read: it decides.
        if (check !== this.retryCheck || !this.running || this.stopping) return;
        const busy = this.mailboxesOfUnfinishedJobs();
        let earliest = Number.POSITIVE_INFINITY;
        for (const mailbox of scheduled) {
          if (busy.has(mailbox.id)) continue;
          const dueAt = mailbox.postponeTestEmailConfigurationUntil === null ? 0 : Date.parse(mailbox.postponeTestEmailConfigurationUntil);
          earliest = Math.min(earliest, dueAt);
        }
        if (!Number.isFinite(earliest)) return;
        this.dispatch.dispatchRetryCheck(new Date(earliest)).catch((error: unknown) => this.log.error('could not ask for a retry check; retries wait for the next job', { error }));
      },
      (error: unknown) => this.log.error('could not read the mailboxes scheduled for a retry; retries wait for the next job', { error }),
    );
  }

  /** Mailboxes of every unfinished job this runner knows: its own, and (shared jobs) those other instances run. */
  private mailboxesOfUnfinishedJobs(): Set<string> {
    const busy = new Set<string>();
    for (const job of this.records.values()) {
      if (job.status === 'done' && !this.active.has(job.id)) continue;
      for (const mailbox of job.mailboxes) busy.add(mailbox.id);
    }
    return busy;
  }

  // ---------------------------------------------------------------------------------------------

  /** The record with the start the runner knows of but has not written yet. */
  private withUnwrittenStart(job: JobRecord): JobRecord {
    const startedAt = this.active.get(job.id)?.startedAt ?? null;
    if (job.status !== 'queued' || startedAt === null) return job;
    return { ...job, status: 'running', startedAt };
  }

  private isIdle(): boolean {
    return !this.running || (this.active.size === 0 && this.pending.length === 0 && this.tasks.size === 0 && this.flushing === undefined);
  }

  private checkIdle(): void {
    if (this.idleWaiters.size > 0 && this.isIdle()) this.wakeIdleWaiters();
  }

  private wakeIdleWaiters(): void {
    for (const wake of [...this.idleWaiters]) wake();
    this.idleWaiters.clear();
  }
}

const verdictWords: Readonly<Record<'enabled' | 'retryScheduled' | 'disabled', string>> = {
  enabled: 'enabled',
  retryScheduled: 'temporary failure, retry scheduled',
  disabled: 'disabled',
};

/** The record intent carrying a decided mailbox's outcome; none for a mailbox that was not tested. */
function outcomeIntent(decided: DecidedMailbox): RecordIntent[] {
  if (decided.after === undefined || decided.before === undefined) return [];
  return [
    {
      kind: 'recordTestOutcome',
      mailboxId: decided.mailboxId,
      expectedVersion: decided.before.version,
      outcome: testOutcomeOf(decided.after),
      alerts: decided.test?.alerts ?? [],
    },
  ];
}

/** The job without a batch that was forgotten (its record write did not happen). */
function withoutLastBatch(job: JobRecord): JobRecord {
  const { lastBatch: _forgotten, ...rest } = job;
  return rest;
}

function groupByJob(decided: readonly DecidedMailbox[]): Map<string, DecidedMailbox[]> {
  const groups = new Map<string, DecidedMailbox[]>();
  for (const item of decided) {
    const group = groups.get(item.jobId);
    if (group === undefined) groups.set(item.jobId, [item]);
    else group.push(item);
  }
  return groups;
}

function mergeUnreachable(job: JobRecord, found: readonly UnreachableRecipient[]): Pick<JobRecord, 'unreachable' | 'unreachableCount'> {
  const listed = [...job.unreachable];
  const known = new Set(listed.map((entry) => entry.recipient));
  let count = job.unreachableCount;
  for (const entry of found) {
    if (known.has(entry.recipient)) continue;
    known.add(entry.recipient);
    count += 1;
    if (listed.length < MAX_LISTED_UNREACHABLE) listed.push(entry);
  }
  return { unreachable: listed, unreachableCount: count };
}

function nothingToTest(title: string, notTested: readonly JobResult[], refusals: readonly PermissionDecision[]): DomainError {
  const reasons = notTested.flatMap((result) => (result.verdict === 'enabled' ? [] : [result.reason]));
  const shown = reasons.slice(0, 5).join(' ');
  const more = reasons.length > 5 ? ` (and ${reasons.length - 5} more)` : '';
  const [firstRefusal] = refusals;
  if (firstRefusal !== undefined) {
    return domainError('PermissionDenied', `${title}: no mailbox can be tested. ${shown}${more}`, { decision: firstRefusal });
  }
  return domainError('UnknownMailbox', `${title}: no mailbox can be tested. ${shown}${more}`);
}

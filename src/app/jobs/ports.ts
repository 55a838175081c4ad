// What the Test & Enable job runner needs from the outside: a repository for the jobs' own state (separate
// from the organization's records, which results reach through record intents), a dispatch that hands each
// job's run and each retry check to one instance, someone who turns results into notifications, and timers.
import type { AuditEntry, EmailServerProfile, Mailbox } from '../../domain/model.js';
import type { TestAndEnableResult } from '../../domain/test-and-enable.js';
import type { AlertSubscriptionRecord, JobRecord, JobResult, PendingNotification, UnreachableRecipient } from './job-records.js';

/**
 * The jobs' own state (and the alert subscriptions the jobs' alerts go to). Each call is atomic on its own;
 * nothing here spans the organization's records: the runner makes the two writes recoverable itself (a
 * write-ahead `inDoubt` batch on the job, and record batches with idempotency keys).
 */
export interface JobRepository {
  /**
   * Whether other bot instances share these jobs (PostgreSQL). Then the instance a job's run was dispatched to
   * marks itself the job's owner (`JobRecord.owner`, through `update`), and a batch is written ahead only by the
   * owner: an instance that lost the run cannot write after the one that took it over. A repository only this
   * process writes (the data file, which a lock keeps to one process) needs no owner.
   */
  readonly shared: boolean;
  /** The retained jobs, oldest first. */
  jobs(): Promise<readonly JobRecord[]>;
  /**
   * The jobs created or changed since `since` (a `next` this repository returned; undefined: every job), oldest
   * first, and the `next` to pass the following time. A change may be returned twice, never missed: so that the
   * jobs other instances run are shown here as they progress.
   */
  changedJobs(since: string | undefined): Promise<{ readonly jobs: readonly JobRecord[]; readonly next: string }>;
  /** A job id never handed out before, by any process sharing this state (`J-<number>`, numbers only grow). */
  nextJobId(): Promise<string>;
  /**
   * Adds `job` (rejects if its id is taken) and removes finished jobs beyond the newest `retainFinished`.
   * Returns the ids removed.
   */
  create(job: JobRecord, retainFinished: number): Promise<readonly string[]>;
  /**
   * Changes the named jobs in one atomic write: `change` gets each stored job and returns its new record, or
   * `null` to leave it. Returns the jobs as written (jobs that no longer exist are skipped).
   */
  update(jobIds: readonly string[], change: (job: JobRecord) => JobRecord | null): Promise<readonly JobRecord[]>;
  /** The channels and group chats subscribed to profile alerts, as committed now. */
  subscriptions(): Promise<readonly AlertSubscriptionRecord[]>;
  /** Read-modify-write of the subscriptions, serialized with every other change of them. */
  changeSubscriptions<R>(work: (current: readonly AlertSubscriptionRecord[]) => { readonly next: readonly AlertSubscriptionRecord[] | null; readonly result: R }): Promise<R>;
}

/** How a job's run on this instance ended. */
export type JobRunEnd =
  /** The job is done (or no longer exists): nothing is left to run. */
  | 'finished'
  /** This instance stopped before the job was done: the run goes to another instance, or to the next start. */
  | 'stopped'
  /** Another instance took the job over (this one was seen as gone): it no longer runs here. */
  | 'lost';

/** A job running on this instance, as the dispatch holds it until it ends. */
export interface JobRun {
  readonly ended: Promise<JobRunEnd>;
}

/** The work a dispatch hands to this instance (the runner). */
export interface DispatchedWork {
  /**
   * Takes the job's run: settles a batch left in doubt and resumes the job here. Resolves once it runs here, with
   * the promise of its end; undefined when there is nothing to run (done, or gone). `claim` is aborted when the
   * dispatch finds the run is no longer this instance's (then the job stops running here).
   */
  takeRun(jobId: string, claim: AbortSignal): Promise<JobRun | undefined>;
  /** Starts a retry job for the mailboxes whose retry is due now, if any. */
  checkRetries(): Promise<void>;
}

/**
 * Hands work to "some instance": each job's run to exactly one instance at a time, and each retry check to one.
 * With the data file that is this process (`InProcessJobDispatch`); with PostgreSQL, pg-boss queues shared by
 * every instance (src/postgres/job-dispatch.ts).
 */
export interface JobDispatch {
  /** Starts handing `work` the runs and retry checks dispatched to this instance. */
  start(work: DispatchedWork): Promise<void>;
  /**
   * Asks for the job to be run by one instance. Idempotent: a job whose run is already queued or under way is not
   * queued again. A run that ended `stopped`, or whose instance died, is run again by another instance.
   */
  dispatchRun(jobId: string): Promise<void>;
  /**
   * Asks for a retry check at `dueAt`, made by one instance however many ask: instances asking for the same
   * moment get one check, and checks never overlap, so the same mailboxes never get two retry jobs.
   */
  dispatchRetryCheck(dueAt: Date): Promise<void>;
  /** Stops taking new work; resolves once the runs in hand have ended (the runner ends them as it stops). */
  stop(): Promise<void>;
}

/** One mailbox the runner has decided, before it is committed. */
export interface DecidedMailbox {
  readonly jobId: string;
  readonly mailboxId: string;
  /** The record the test was planned from; the commit only goes through if it is still the stored one. */
  readonly before: Mailbox | undefined;
  /** The record to write; undefined when the mailbox is not changed (not tested). */
  readonly after: Mailbox | undefined;
  /** The domain's verdict with its alerts; undefined when the mailbox was not tested. */
  readonly test: TestAndEnableResult | undefined;
  readonly profile: EmailServerProfile | undefined;
  /** 1-based attempt in the mailbox's current Test & Enable run. */
  readonly attempt: number;
  readonly result: JobResult;
  readonly audit: AuditEntry | undefined;
  readonly decidedAt: string;
}

/** A proactive message to send once its batch is committed. `payload` is whatever the deliverer needs (plain JSON). */
export type PlannedNotification = PendingNotification;

export interface NotificationPlan {
  readonly notifications: readonly PlannedNotification[];
  readonly unreachable: readonly UnreachableRecipient[];
}

/** The bot side of a job: who hears about results, and the progress card. */
export interface JobNotifications {
  /**
   * Decides who is told what about `decided`, before the batch is written (the plan is written with it). Keys
   * must be the same for the same batch after a restart (the outbox drops a key it has seen).
   */
  plan(job: JobRecord, batch: number, decided: readonly DecidedMailbox[]): Promise<NotificationPlan>;
  /** Hands committed notifications to the outbox; idempotent by key. */
  deliver(job: JobRecord, notifications: readonly PlannedNotification[]): Promise<void>;
  /** The job's committed state changed (progress, done, delivery reported). */
  jobChanged(job: JobRecord): void;
}

/** Timers the runner uses, injectable so tests never wait minutes for a retry. */
export interface JobTimers {
  setTimeout(callback: () => void, ms: number): { cancel(): void };
}

export const systemJobTimers: JobTimers = {
  setTimeout: (callback, ms) => {
    // Node caps timers at 2^31-1 ms; a longer wait simply wakes early and sets a new timer.
    const handle = setTimeout(callback, Math.min(Math.max(0, ms), 2_147_483_647));
    return { cancel: () => clearTimeout(handle) };
  },
};

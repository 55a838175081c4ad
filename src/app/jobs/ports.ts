// What the Test & Enable job runner needs from the outside: a repository that writes job state together
// with mailbox results in one atomic write, someone who turns results into notifications, and timers.
import type { AuditEntry, EmailServerProfile, Mailbox } from '../../domain/model.js';
import type { ChangeSet } from '../ports.js';
import type { TestAndEnableResult } from '../../domain/test-and-enable.js';
import type { AlertSubscriptionRecord, JobRecord, JobResult, PendingNotification, UnreachableRecipient } from './job-records.js';

/** The committed document as a unit of work sees it. */
export interface JobDocumentView {
  readonly jobs: readonly JobRecord[];
  readonly subscriptions: readonly AlertSubscriptionRecord[];
  mailboxById(id: string): Mailbox | undefined;
}

/**
 * Everything one unit of work writes, in one atomic write: mailbox results, alerts and audit entries as in
 * any change set (the store sets each mailbox version to the stored one plus one), and the job sections.
 */
export interface JobDocumentChanges extends Pick<ChangeSet, 'mailboxes' | 'alerts' | 'audit'> {
  /** Upserted by id. */
  readonly jobs?: readonly JobRecord[];
  readonly removeJobIds?: readonly string[];
  /** The whole new list, when it changes. */
  readonly subscriptions?: readonly AlertSubscriptionRecord[];
}

export interface JobRepository {
  /** The committed jobs, oldest first. */
  jobs(): readonly JobRecord[];
  subscriptions(): readonly AlertSubscriptionRecord[];
  /**
   * Runs `work` against the committed document, serialized with every other write of the data file, and
   * writes its changes in ONE atomic write (nothing when `changes` is null). If the write fails, nothing
   * is recorded and the promise rejects.
   */
  transact<R>(work: (view: JobDocumentView) => { readonly changes: JobDocumentChanges | null; readonly result: R }): Promise<R>;
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
   * Decides, synchronously and inside the commit of `decided`, who is told what. Keys must be the same for
   * the same batch after a restart (the outbox drops a key it has seen).
   */
  plan(job: JobRecord, batch: number, decided: readonly DecidedMailbox[]): NotificationPlan;
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

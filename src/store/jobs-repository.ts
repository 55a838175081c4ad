// Test & Enable jobs and alert subscriptions as sections of the data file, written through the store's
// serialized transactions. Job state only: mailbox results reach the organization's records through record
// intents, and the runner makes the two writes recoverable (src/app/jobs/runner.ts).
import { z } from 'zod';
import { alertSubscriptionRecordSchema, jobRecordSchema, type AlertSubscriptionRecord, type JobRecord } from '../app/jobs/job-records.js';
import type { JobRepository } from '../app/jobs/ports.js';
import { upsertByKey } from '../shared/upsert.js';
import { InvalidChangeSetError, type DocumentEmailConfigStore } from './email-config-store.js';
import type { DataFileDocument } from './schema.js';
import { describeIssues } from '../shared/zod-problems.js';

function parseAll<T>(section: string, schema: z.ZodType<T>, records: readonly unknown[] | undefined, problems: string[]): T[] {
  if (records === undefined || records.length === 0) return [];
  const parsed = z.array(schema).safeParse(records);
  if (parsed.success) return parsed.data;
  problems.push(...describeIssues(parsed.error).map((problem) => `${section}${problem.startsWith('[') ? '' : '.'}${problem}`));
  return [];
}

/** The job record's arrays that grow while it runs (10,000 results for a 10,000-mailbox job). */
const GROWING_JOB_ARRAYS = ['mailboxes', 'results', 'pendingNotifications', 'notificationKeys', 'unreachable'] as const;

/** How many leading elements `update` shares, as the very same objects, with `stored` (which were validated when stored). */
function sharedPrefixLength(stored: readonly unknown[], update: readonly unknown[]): number {
  let length = 0;
  while (length < stored.length && length < update.length && stored[length] === update[length]) length++;
  return length;
}

/**
 * Validates a changed job. The elements a job shares with its stored version are the validated records
 * themselves, so only what is new is parsed, and the stored objects are kept: re-parsing every result
 * of a 10,000-mailbox job for each batch allocated hundreds of MB, and gave the journal 10,000 "changed"
 * results to write each time.
 */
function parseJob(stored: JobRecord | undefined, update: unknown, index: number, problems: string[]): JobRecord | undefined {
  const candidate = typeof update === 'object' && update !== null ? (update as Readonly<Record<string, unknown>>) : undefined;
  const prefixes = new Map<(typeof GROWING_JOB_ARRAYS)[number], number>();
  let tails: Record<string, unknown> | undefined;
  if (stored !== undefined && candidate !== undefined) {
    tails = { ...candidate };
    for (const field of GROWING_JOB_ARRAYS) {
      const value = candidate[field];
      if (!Array.isArray(value)) continue;
      const prefix = sharedPrefixLength(stored[field], value);
      prefixes.set(field, prefix);
      tails[field] = value.slice(prefix);
    }
  }
  // A batch kept as it was (the very object stored, validated then) is not parsed again, and stays that object,
  // so the journal does not write it again.
  const keptBatch = stored?.lastBatch !== undefined && candidate?.lastBatch === stored.lastBatch ? stored.lastBatch : undefined;
  if (keptBatch !== undefined) tails = { ...(tails ?? candidate), lastBatch: undefined };
  const parsed = jobRecordSchema.safeParse(tails ?? update);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const [field, position, ...rest] = issue.path;
      const prefix = typeof field === 'string' ? (prefixes.get(field as (typeof GROWING_JOB_ARRAYS)[number]) ?? 0) : 0;
      const path = typeof position === 'number' ? [field ?? '', position + prefix, ...rest] : issue.path;
      problems.push(...describeIssues(new z.ZodError([{ ...issue, path: ['jobs', index, ...path] }])));
    }
    return undefined;
  }
  if (stored === undefined) return parsed.data;
  const job: JobRecord = keptBatch === undefined ? { ...parsed.data } : { ...parsed.data, lastBatch: keptBatch };
  for (const field of GROWING_JOB_ARRAYS) {
    const prefix = prefixes.get(field) ?? 0;
    if (prefix === 0) continue;
    const tail: readonly unknown[] = parsed.data[field];
    // Unchanged arrays stay the stored array itself.
    (job as Record<string, unknown>)[field] = tail.length === 0 && prefix === stored[field].length ? stored[field] : [...stored[field].slice(0, prefix), ...tail];
  }
  return job;
}

function parseJobs(existing: readonly JobRecord[], updates: readonly unknown[] | undefined, problems: string[]): JobRecord[] {
  if (updates === undefined || updates.length === 0) return [];
  const storedById = new Map(existing.map((job) => [job.id, job]));
  return updates.flatMap((update, index) => {
    const id: unknown = typeof update === 'object' && update !== null && 'id' in update ? update.id : undefined;
    const job = parseJob(typeof id === 'string' ? storedById.get(id) : undefined, update, index, problems);
    return job === undefined ? [] : [job];
  });
}

/** The job sections after one unit of work; throws `InvalidChangeSetError` (nothing written) for records that break the schema. */
/** What one write changes in the job sections. */
export interface JobSectionChanges {
  /** Upserted by id. */
  readonly jobs?: readonly JobRecord[];
  readonly removeJobIds?: readonly string[];
  /** The whole new list, when it changes. */
  readonly subscriptions?: readonly AlertSubscriptionRecord[];
}

export function applyJobChanges(document: DataFileDocument, changes: JobSectionChanges): DataFileDocument {
  const problems: string[] = [];
  const existingJobs = document.jobs ?? [];
  const jobs = parseJobs(existingJobs, changes.jobs, problems);
  const subscriptions = changes.subscriptions === undefined ? undefined : parseAll('alertSubscriptions', alertSubscriptionRecordSchema, changes.subscriptions, problems);
  if (problems.length > 0) throw new InvalidChangeSetError(problems);
  const removed = new Set(changes.removeJobIds ?? []);
  return {
    ...document,
    jobs: jobs.length === 0 && removed.size === 0 ? existingJobs : upsertByKey(existingJobs, jobs, (job) => job.id).filter((job) => !removed.has(job.id)),
    alertSubscriptions: subscriptions ?? document.alertSubscriptions ?? [],
  };
}

const JOB_NUMBER = /^J-(\d+)$/;
const jobNumber = (id: string): number => Number(JOB_NUMBER.exec(id)?.[1] ?? 0);

export class DocumentJobRepository implements JobRepository {
  /** The data file is one process's (its lock refuses a second): no other instance runs its jobs. */
  readonly shared = false;
  /** Numbers only grow: the highest handed out by this process or found in the data file. */
  #lastJobNumber = 0;

  constructor(private readonly store: DocumentEmailConfigStore) {}

  #jobs(): readonly JobRecord[] {
    // Files written before the section existed have none; parsing fills in `[]` on the next load.
    return this.store.document().jobs ?? [];
  }

  jobs(): Promise<readonly JobRecord[]> {
    return Promise.resolve(this.#jobs());
  }

  /** Every job each time: only this process changes them, so nobody needs this but the contract. */
  changedJobs(): Promise<{ readonly jobs: readonly JobRecord[]; readonly next: string }> {
    return Promise.resolve({ jobs: this.#jobs(), next: '' });
  }

  nextJobId(): Promise<string> {
    // Finished jobs are pruned oldest first, so the newest number is always still in the file.
    for (const job of this.#jobs()) this.#lastJobNumber = Math.max(this.#lastJobNumber, jobNumber(job.id));
    this.#lastJobNumber += 1;
    return Promise.resolve(`J-${this.#lastJobNumber}`);
  }

  create(job: JobRecord, retainFinished: number): Promise<readonly string[]> {
    return this.#writeSections((document) => {
      const jobs = document.jobs ?? [];
      if (jobs.some((existing) => existing.id === job.id)) throw new Error(`Job id ${job.id} is already taken in the data file; another process writes jobs.`);
      const finished = jobs.filter((existing) => existing.status === 'done').sort((a, b) => jobNumber(b.id) - jobNumber(a.id));
      const removeJobIds = finished.slice(retainFinished).map((existing) => existing.id);
      return { changes: { jobs: [job], removeJobIds }, result: removeJobIds };
    });
  }

  update(jobIds: readonly string[], change: (job: JobRecord) => JobRecord | null): Promise<readonly JobRecord[]> {
    return this.#writeSections((document) => {
      const wanted = new Set(jobIds);
      const updated = (document.jobs ?? []).flatMap((job) => {
        if (!wanted.has(job.id)) return [];
        const next = change(job);
        return next === null ? [] : [next];
      });
      return { changes: updated.length === 0 ? null : { jobs: updated }, result: updated };
    }).then((written) => written.map((job) => this.#jobs().find((stored) => stored.id === job.id) ?? job));
  }

  subscriptions(): Promise<readonly AlertSubscriptionRecord[]> {
    return Promise.resolve(this.store.document().alertSubscriptions ?? []);
  }

  changeSubscriptions<R>(work: (current: readonly AlertSubscriptionRecord[]) => { readonly next: readonly AlertSubscriptionRecord[] | null; readonly result: R }): Promise<R> {
    return this.#writeSections((document) => {
      const { next, result } = work(document.alertSubscriptions ?? []);
      return { changes: next === null ? null : { subscriptions: next }, result };
    });
  }

  /** One atomic write of the job sections (none when `changes` is null); a failed write rejects and records nothing. */
  #writeSections<R>(work: (document: DataFileDocument) => { readonly changes: JobSectionChanges | null; readonly result: R }): Promise<R> {
    return this.store.transactWithChangeSet((current) => {
      const { changes, result } = work(current);
      if (changes === null) return { changes: null, result };
      return { changes: {}, sections: (next) => applyJobChanges(next, changes), result };
    });
  }
}

// Test & Enable jobs and alert subscriptions as sections of the data file. A unit of work here writes job
// state together with mailbox records, alerts and audit entries in ONE atomic write of the document, through
// the store's serialized transactions, so job progress and mailbox results can never disagree after a crash.
import { z } from 'zod';
import { alertSubscriptionRecordSchema, jobRecordSchema, type AlertSubscriptionRecord, type JobRecord } from '../app/jobs/job-records.js';
import type { JobDocumentChanges, JobDocumentView, JobRepository } from '../app/jobs/ports.js';
import type { Mailbox } from '../domain/model.js';
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
  const job: JobRecord = { ...parsed.data };
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
export function applyJobChanges(document: DataFileDocument, changes: Pick<JobDocumentChanges, 'jobs' | 'removeJobIds' | 'subscriptions'>): DataFileDocument {
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

/** A view of one document, with the store's mailbox index (it includes earlier commits of a group-commit batch). */
function viewOf(document: DataFileDocument, mailboxById: (id: string) => Mailbox | undefined): JobDocumentView {
  return { jobs: document.jobs ?? [], subscriptions: document.alertSubscriptions ?? [], mailboxById };
}

const hasChanges = (changes: JobDocumentChanges): boolean =>
  [changes.mailboxes, changes.alerts, changes.audit, changes.jobs, changes.removeJobIds, changes.subscriptions].some((records) => records !== undefined && records.length > 0) ||
  changes.subscriptions !== undefined;

export class DocumentJobRepository implements JobRepository {
  constructor(private readonly store: DocumentEmailConfigStore) {}

  jobs(): readonly JobRecord[] {
    // Files written before the section existed have none; parsing fills in `[]` on the next load.
    return this.store.document().jobs ?? [];
  }

  subscriptions(): readonly AlertSubscriptionRecord[] {
    return this.store.document().alertSubscriptions ?? [];
  }

  transact<R>(work: (view: JobDocumentView) => { readonly changes: JobDocumentChanges | null; readonly result: R }): Promise<R> {
    return this.store.transactWithChangeSet((current, mailboxById) => {
      const { changes, result } = work(viewOf(current, mailboxById));
      if (changes === null || !hasChanges(changes)) return { changes: null, result };
      // Jobs only change mailboxes that exist; a new one here is a bug in the caller.
      const unknown = (changes.mailboxes ?? []).filter((mailbox) => mailboxById(mailbox.id) === undefined);
      if (unknown.length > 0) throw new InvalidChangeSetError(unknown.map((mailbox) => `mailboxes: "${mailbox.id}" does not exist; a job cannot create mailboxes`));
      return {
        // Mailboxes, alerts and audit entries go through the store's own path (versions, indexes, checks).
        changes: { mailboxes: changes.mailboxes ?? [], alerts: changes.alerts ?? [], audit: changes.audit ?? [] },
        sections: (next) => applyJobChanges(next, changes),
        result,
      };
    });
  }
}

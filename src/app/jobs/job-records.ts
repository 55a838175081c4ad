// The persisted shape of Test & Enable jobs and of alert subscriptions: plain JSON checked by zod, kept as
// the `jobs` and `alertSubscriptions` sections of the data file. A job holds everything needed to resume it
// exactly after a restart: its mailboxes in order and, once decided, each mailbox's result.
import { z } from 'zod';

const id = z.string().trim().min(1, 'must not be empty');
const timestamp = z.iso.datetime({ message: 'must be an ISO-8601 UTC timestamp like 2025-01-31T09:30:00Z' });

export const JobOrigins = ['command', 'profile', 'applyDefaults', 'approval', 'retry'] as const;
export type JobOrigin = (typeof JobOrigins)[number];

export const JobStatuses = ['queued', 'running', 'done'] as const;
export type JobStatusValue = (typeof JobStatuses)[number];

/** The user id recorded for work nobody asked for in person (scheduled retries). */
export const SYSTEM_ACTOR_ID = 'system';

/** A mailbox as the job first saw it, so a summary can name it even if it is deleted later. */
export const jobMailboxSchema = z.object({ id, name: z.string(), emailAddress: z.string() }).strict();
export type JobMailbox = z.infer<typeof jobMailboxSchema>;

/**
 * What the job decided for one mailbox. `enabled`: every tested part works. `retryScheduled`: a temporary
 * failure, tested again later by the retry scheduler. `disabled`: a permanent failure or a failed precondition.
 * `notTested`: refused, deleted, or it kept changing while being tested.
 */
export const JobVerdicts = ['enabled', 'retryScheduled', 'disabled', 'notTested'] as const;
export type JobVerdict = (typeof JobVerdicts)[number];

export const jobResultSchema = z.discriminatedUnion('verdict', [
  z.object({ mailboxId: id, verdict: z.literal('enabled') }).strict(),
  z.object({ mailboxId: id, verdict: z.enum(['retryScheduled', 'disabled', 'notTested']), reason: z.string().min(1) }).strict(),
]);
export type JobResult = z.infer<typeof jobResultSchema>;

/** Where the progress card lives. `personalChat`: posted through the outbox to the requester; `message`: a card the bot already sent. */
export const jobReportSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }).strict(),
  z.object({ kind: z.literal('personalChat'), tenantId: id, aadObjectId: id }).strict(),
  z.object({ kind: z.literal('message'), conversationId: id, activityId: id }).strict(),
]);
export type JobReport = z.infer<typeof jobReportSchema>;

/** A proactive message decided together with a batch of results; delivered again (idempotently) after a restart. */
export const pendingNotificationSchema = z.object({ key: z.string().min(1), payload: z.json() }).strict();
export type PendingNotification = z.infer<typeof pendingNotificationSchema>;

/** Someone an alert could not be sent to because the bot has no way to reach them. */
export const unreachableRecipientSchema = z.object({ recipient: z.string().min(1), name: z.string(), reason: z.string() }).strict();
export type UnreachableRecipient = z.infer<typeof unreachableRecipientSchema>;

/**
 * The newest batch of results, written ahead of its record write: the results and what they notify, and the
 * idempotency key of the record batch carrying the mailbox results. It is in doubt until the job counts it
 * (`batches` reaches its number). After a crash, the next start asks the records whether that key was applied:
 * if so the job takes the results, otherwise it forgets them (those mailboxes are tested again). Never both,
 * never neither. Once counted it stays, unchanged, as the batch whose notifications a restart hands over
 * again, so they are written once.
 */
export const lastBatchSchema = z
  .object({
    key: z.string().min(1),
    /** The number the batch has once counted (`batches` + 1 when written ahead). */
    batch: z.number().int().min(1),
    results: z.array(jobResultSchema),
    notifications: z.array(pendingNotificationSchema),
    unreachable: z.array(unreachableRecipientSchema),
  })
  .strict();
export type LastBatch = z.infer<typeof lastBatchSchema>;

/** How many unreachable recipients a job lists by name; the rest are only counted. */
export const MAX_LISTED_UNREACHABLE = 100;

export const jobRecordSchema = z
  .object({
    id,
    title: z.string().min(1),
    origin: z.enum(JobOrigins),
    requestedById: id,
    requestedByName: z.string(),
    /** Ask Exchange to make this organization the primary sync organization (stored on the mailboxes too). */
    syncFromThisOrgOnly: z.boolean().nullable(),
    status: z.enum(JobStatuses),
    createdAt: timestamp,
    startedAt: timestamp.nullable(),
    completedAt: timestamp.nullable(),
    mailboxes: z.array(jobMailboxSchema),
    /** In the order they were decided; at most one per mailbox. */
    results: z.array(jobResultSchema),
    report: jobReportSchema,
    /**
     * The event-outbox sequence of the event that started the job, if one did: an event handed over again after
     * a crash (its job committed, the dispatcher's offset not yet) finds its job instead of starting a second.
     */
    sourceEvent: z.number().int().positive().optional(),
    /** Batches committed so far; numbers the profile alert digests so their keys stay the same after a restart. */
    batches: z.number().int().min(0),
    /**
     * The notifications of the last committed batch, in files written before `lastBatch` (which now carries
     * them: see `pendingNotificationsOf`); emptied when a batch is written ahead.
     */
    pendingNotifications: z.array(pendingNotificationSchema),
    /** Idempotency keys of every notification this job handed to the outbox, for the delivery report. */
    notificationKeys: z.array(z.string().min(1)),
    unreachable: z.array(unreachableRecipientSchema),
    /** Recipients that could not be reached, including those beyond the listed ones. */
    unreachableCount: z.number().int().min(0),
    /** Set once the requester was told how the alerts were delivered. */
    deliveryReported: z.boolean(),
    /** The newest batch written ahead (in doubt until counted); see `lastBatchSchema`. */
    lastBatch: lastBatchSchema.optional(),
    /**
     * Which bot instance runs the job, since when, when several share the jobs (PostgreSQL): set by the instance
     * the job's run was dispatched to as it takes the run. Only the owner writes a batch ahead, so an instance
     * that lost the run (pg-boss saw it as gone) cannot write after the one that took the job over.
     */
    owner: z.object({ instance: z.string().min(1), since: timestamp }).strict().optional(),
  })
  .strict();
export type JobRecord = z.infer<typeof jobRecordSchema>;

/** A team channel or group chat that receives the alerts of one email server profile. */
export const alertSubscriptionRecordSchema = z
  .object({
    profileId: id,
    conversationId: id,
    subscribedById: id,
    subscribedAt: timestamp,
  })
  .strict();
export type AlertSubscriptionRecord = z.infer<typeof alertSubscriptionRecordSchema>;

export const isJobFinished = (job: JobRecord): boolean => job.status === 'done';

/** A batch written ahead and not yet counted: its record write may or may not have happened. */
export const batchInDoubt = (job: JobRecord): LastBatch | undefined => (job.lastBatch !== undefined && job.lastBatch.batch > job.batches ? job.lastBatch : undefined);

/** The notifications of the last counted batch, which a restart hands to the outbox again. */
export const pendingNotificationsOf = (job: JobRecord): JobRecord['pendingNotifications'] =>
  job.lastBatch !== undefined && batchInDoubt(job) === undefined ? job.lastBatch.notifications : job.pendingNotifications;

export const succeededCount = (job: JobRecord): number => job.results.filter((result) => result.verdict === 'enabled').length;

// Test & Enable jobs as the rest of the application asks for them: started by a command (the caller shows the
// job card) or by a `testAndEnableRequested` event (Apply Default Email Settings, approvals; the card then
// goes to the requester's personal chat). The runner does the work; the progress card is a port's business.
import type { DomainError } from '../../domain/errors.js';
import type { User } from '../../domain/model.js';
import type { Result } from '../../domain/result.js';
import type { AppEvent, AppEventListener, EventDelivery, TestAndEnableOrigin } from '../events.js';
import type { OrganizationRecords } from '../ports.js';
import type { JobOrigin, JobRecord, JobReport } from './job-records.js';
import type { RunnerLog, TestAndEnableRunner } from './runner.js';

/** Where events come from (the bot's event bus). */
export interface AppEventSource {
  /** Returns the function that unsubscribes; `consumer` names the listener's offset in the event outbox. */
  subscribe(listener: AppEventListener, consumer?: string): () => void;
}

/** The job card: told of every change of a job, so it can show progress (src/bot/alerts implements it). */
export interface JobProgressCards {
  jobChanged(job: JobRecord): void;
  stop(): void;
}

export interface StartJobInput {
  readonly requester: User;
  readonly mailboxIds: readonly string[];
  readonly origin: Exclude<JobOrigin, 'retry'>;
  readonly title: string;
  /** Ask Exchange to make this organization the primary sync organization (the "this org only" check box). */
  readonly syncFromThisOrgOnly?: boolean;
}

/** Where a job's card lives once the caller has shown it, so it can be updated in place. */
export interface JobCardMessage {
  readonly conversationId: string;
  readonly activityId: string;
}

export interface TestAndEnableJobServiceDependencies {
  readonly runner: Pick<TestAndEnableRunner, 'createJob' | 'attachReport' | 'job' | 'latestJobOf' | 'start' | 'stop'>;
  readonly events: AppEventSource;
  /** Who requested a job started by an event, and the tenant their personal chat is in. */
  readonly records: Pick<OrganizationRecords, 'user' | 'organization'>;
  readonly cards: JobProgressCards;
  readonly log: RunnerLog;
}

const countText = (count: number): string => (count === 1 ? '1 mailbox' : `${count} mailboxes`);

const eventTitle: Readonly<Record<TestAndEnableOrigin, (count: number) => string>> = {
  applyDefaults: (count) => `Test & Enable after Apply Default Email Settings (${countText(count)})`,
  approval: (count) => `Test & Enable after email approval (${countText(count)})`,
  command: (count) => `Test & Enable ${countText(count)}`,
};

/** The job service's consumer name in the event outbox: keep it stable (its offset is stored under it). */
export const TEST_AND_ENABLE_JOBS_CONSUMER = 'testAndEnableJobs';

export class TestAndEnableJobService {
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly deps: TestAndEnableJobServiceDependencies) {}

  /** Resumes unfinished jobs and starts listening for `testAndEnableRequested`. */
  async start(): Promise<void> {
    this.unsubscribe ??= this.deps.events.subscribe((event, delivery) => this.startFromEvent(event, delivery), TEST_AND_ENABLE_JOBS_CONSUMER);
    await this.deps.runner.start();
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    await this.deps.runner.stop();
    this.deps.cards.stop();
  }

  /** Queues a job and returns at once; the job runs in the background. */
  startJob(input: StartJobInput): Promise<Result<JobRecord, DomainError>> {
    return this.deps.runner.createJob({
      requester: input.requester,
      mailboxIds: input.mailboxIds,
      origin: input.origin,
      title: input.title,
      ...(input.syncFromThisOrgOnly === undefined ? {} : { syncFromThisOrgOnly: input.syncFromThisOrgOnly }),
    });
  }

  /** Once the job card is shown, progress updates go to that message. */
  async reportProgressTo(jobId: string, message: JobCardMessage): Promise<void> {
    await this.deps.runner.attachReport(jobId, { kind: 'message', conversationId: message.conversationId, activityId: message.activityId });
  }

  job(jobId: string): JobRecord | undefined {
    return this.deps.runner.job(jobId);
  }

  /** The newest job the user started, for `job` without an id. */
  latestJobOf(userId: string): JobRecord | undefined {
    return this.deps.runner.latestJobOf(userId);
  }

  private async startFromEvent(event: AppEvent, delivery: EventDelivery | undefined): Promise<void> {
    if (event.type !== 'testAndEnableRequested') return;
    const { records, log } = this.deps;
    const requester = await records.user(event.requestedById);
    if (requester === undefined) {
      log.warn('Test & Enable was requested by someone who is not a user; ignored', { requestedById: event.requestedById });
      return;
    }
    const report: JobReport = { kind: 'personalChat', tenantId: (await records.organization()).tenantId, aadObjectId: requester.aadObjectId };
    const created = await this.deps.runner.createJob({
      requester,
      mailboxIds: event.mailboxIds,
      origin: event.origin,
      title: eventTitle[event.origin](event.mailboxIds.length),
      report,
      // The same event handed over again (a crash before its offset was saved) finds the job it started.
      ...(delivery === undefined ? {} : { sourceEvent: delivery.sequence }),
    });
    if (!created.ok) {
      log.warn('Test & Enable requested by an event did not start', { origin: event.origin, error: created.error.message });
      return;
    }
    this.deps.cards.jobChanged(created.value);
  }
}

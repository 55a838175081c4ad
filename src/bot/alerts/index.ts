// Test & Enable jobs and profile alert subscriptions for the bot: the runner (src/app/jobs) wired to the data
// file, the Exchange connector, the outbox and the job cards; jobs also start from `testAndEnableRequested`
// events (Apply Default Email Settings, approvals) and then report to the requester's personal chat.
import { subscribeToProfileAlerts, unsubscribeFromProfileAlerts } from '../../app/jobs/alert-subscriptions.js';
import type { JobRecord } from '../../app/jobs/job-records.js';
import { systemJobTimers, type JobTimers } from '../../app/jobs/ports.js';
import { TestAndEnableRunner, type TestAndEnableRunnerOptions } from '../../app/jobs/runner.js';
import type { AppEvent, TestAndEnableOrigin } from '../../app/events.js';
import { ok } from '../../domain/result.js';
import { DocumentJobRepository } from '../../store/jobs-repository.js';
import type { AlertSubscriptions, CoreServices, TestAndEnableJobs } from '../services.js';
import { OutboxJobNotifications } from './notifications.js';
import { JobProgressReporter } from './progress.js';
import { jobProgressView } from './views.js';

export { jobProgressView } from './views.js';

export interface TestAndEnableJobsOptions extends TestAndEnableRunnerOptions {
  /** Least time between two updates of a job card. Default 2000 ms. */
  readonly progressIntervalMs?: number;
  /** Wait before a job started by an event posts its card to the requester's personal chat. Default 1000 ms. */
  readonly personalCardDelayMs?: number;
  /** Longest the job summary waits for its alerts to be delivered before saying some are still on their way. Default 5 min. */
  readonly deliveryReportTimeoutMs?: number;
  readonly timers?: JobTimers;
}

/** The service plus the runner, for tests and benchmarks that wait for jobs or trigger the retry scheduler. */
export interface TestAndEnableJobService extends TestAndEnableJobs {
  readonly runner: TestAndEnableRunner;
}

const countText = (count: number): string => (count === 1 ? '1 mailbox' : `${count} mailboxes`);

const eventTitle: Readonly<Record<TestAndEnableOrigin, (count: number) => string>> = {
  applyDefaults: (count) => `Test & Enable after Apply Default Email Settings (${countText(count)})`,
  approval: (count) => `Test & Enable after email approval (${countText(count)})`,
  command: (count) => `Test & Enable ${countText(count)}`,
};

export function createTestAndEnableJobs(core: CoreServices, options: TestAndEnableJobsOptions = {}): TestAndEnableJobService {
  const { store, outbox, references, logger, clock } = core;
  const timers = options.timers ?? systemJobTimers;
  const repository = new DocumentJobRepository(store);
  const reporter = new JobProgressReporter({
    outbox,
    store,
    references,
    // Called only once jobs run, after `jobs` below exists.
    jobs: { job: (jobId) => jobs.job(jobId), markDeliveryReported: (jobId) => jobs.markDeliveryReported(jobId) },
    clock,
    timers,
    intervalMs: options.progressIntervalMs ?? 2_000,
    personalCardDelayMs: options.personalCardDelayMs ?? 1_000,
    deliveryTimeoutMs: options.deliveryReportTimeoutMs ?? 300_000,
    logger,
  });
  const notifications = new OutboxJobNotifications({
    store,
    outbox,
    references,
    subscriptions: () => repository.subscriptions(),
    onJobChanged: (job) => reporter.jobChanged(job),
    logger,
  });
  const jobs = new TestAndEnableRunner({ store, repository, connector: core.connector, clock, ids: core.ids, notifications, timers, log: logger }, options);

  const startFromEvent = async (event: AppEvent): Promise<void> => {
    if (event.type !== 'testAndEnableRequested') return;
    const requester = store.userById(event.requestedById);
    if (requester === undefined) {
      logger.warn('Test & Enable was requested by someone who is not a user; ignored', { requestedById: event.requestedById });
      return;
    }
    const created = await jobs.createJob({
      requester,
      mailboxIds: event.mailboxIds,
      origin: event.origin,
      title: eventTitle[event.origin](event.mailboxIds.length),
      report: { kind: 'personalChat', tenantId: store.organization.tenantId, aadObjectId: requester.aadObjectId },
    });
    if (!created.ok) {
      logger.warn('Test & Enable requested by an event did not start', { origin: event.origin, error: created.error.message });
      return;
    }
    reporter.jobChanged(created.value);
  };
  const unsubscribe = core.events.subscribe(startFromEvent);

  const view = (job: JobRecord | undefined) => (job === undefined ? undefined : jobProgressView(job));

  return {
    runner: jobs,
    startJob: async (input) => {
      const created = await jobs.createJob({
        requester: input.requester,
        mailboxIds: input.mailboxIds,
        origin: input.origin,
        title: input.title,
        ...(input.syncFromThisOrgOnly === undefined ? {} : { syncFromThisOrgOnly: input.syncFromThisOrgOnly }),
      });
      return created.ok ? ok(jobProgressView(created.value)) : created;
    },
    reportProgressTo: async (jobId, message) => {
      await jobs.attachReport(jobId, { kind: 'message', conversationId: message.conversationId, activityId: message.activityId });
    },
    job: (jobId) => view(jobs.job(jobId)),
    latestJobOf: (userId) => view(jobs.latestJobOf(userId)),
    start: () => jobs.start(),
    stop: async () => {
      unsubscribe();
      await jobs.stop();
      reporter.stop();
    },
  };
}

export function createAlertSubscriptions(core: CoreServices): AlertSubscriptions {
  const repository = new DocumentJobRepository(core.store);
  return {
    subscribe: (input) => subscribeToProfileAlerts(core.useCases, repository, input.requester, { profileName: input.profileName, conversationId: input.conversationId }),
    unsubscribe: (input) => unsubscribeFromProfileAlerts(core.useCases, repository, input.requester, { profileName: input.profileName, conversationId: input.conversationId }),
  };
}

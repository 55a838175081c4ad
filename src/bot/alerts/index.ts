// The bot side of Test & Enable jobs (the job service itself is src/app/jobs): who hears about results and
// how (alert cards through the outbox), the job card kept up to date, and job records shown as card views to
// the command handlers. main.ts builds the runner and the service and hands these adapters to them.
import { subscribeToProfileAlerts, unsubscribeFromProfileAlerts } from '../../app/jobs/alert-subscriptions.js';
import type { AlertSubscriptionRecord, JobRecord } from '../../app/jobs/job-records.js';
import type { JobNotifications, JobRepository, JobTimers } from '../../app/jobs/ports.js';
import type { JobProgressCards, TestAndEnableJobService } from '../../app/jobs/service.js';
import type { UseCaseContext } from '../../app/context.js';
import type { Clock, OrganizationRecords } from '../../app/ports.js';
import { ok } from '../../domain/result.js';
import type { Logger } from '../../shared/logger.js';
import type { AlertSubscriptions, TestAndEnableJobs } from '../services.js';
import { OutboxJobNotifications, type OutboxJobNotificationsDependencies, type ReferenceLookup } from './notifications.js';
import { JobProgressReporter, type JobProgressReporterDependencies } from './progress.js';
import { jobProgressView } from './views.js';

export { jobProgressView } from './views.js';

export interface JobAlertsOptions {
  /** Least time between two updates of a job card. Default 2000 ms. */
  readonly progressIntervalMs?: number;
  /** Wait before a job started by an event posts its card to the requester's personal chat. Default 1000 ms. */
  readonly personalCardDelayMs?: number;
  /** Longest the job summary waits for its alerts to be delivered before saying some are still on their way. Default 5 min. */
  readonly deliveryReportTimeoutMs?: number;
}

export interface JobAlertsDependencies {
  readonly records: OrganizationRecords;
  readonly outbox: OutboxJobNotificationsDependencies['outbox'] & JobProgressReporterDependencies['outbox'];
  readonly references: ReferenceLookup;
  /** The channels and group chats subscribed to profile alerts, as committed now. */
  readonly subscriptions: () => Promise<readonly AlertSubscriptionRecord[]>;
  /** The jobs as the runner knows them; called only once jobs run, so it may be bound after this is built. */
  readonly jobs: JobProgressReporterDependencies['jobs'];
  readonly clock: Clock;
  readonly timers: JobTimers;
  readonly logger: Logger;
}

/** The notification side the runner reports to, and the job cards the service tells about jobs it starts. */
export interface JobAlerts {
  readonly notifications: JobNotifications;
  readonly cards: JobProgressCards;
}

export function createJobAlerts(deps: JobAlertsDependencies, options: JobAlertsOptions = {}): JobAlerts {
  const { records, outbox, references, clock, timers, logger } = deps;
  const reporter = new JobProgressReporter({
    outbox,
    records,
    references,
    jobs: deps.jobs,
    clock,
    timers,
    intervalMs: options.progressIntervalMs ?? 2_000,
    personalCardDelayMs: options.personalCardDelayMs ?? 1_000,
    deliveryTimeoutMs: options.deliveryReportTimeoutMs ?? 300_000,
    logger,
  });
  const notifications = new OutboxJobNotifications({
    records,
    outbox,
    references,
    subscriptions: deps.subscriptions,
    onJobChanged: (job) => reporter.jobChanged(job),
    logger,
  });
  return { notifications, cards: reporter };
}

/** The job service as the command handlers use it: jobs shown as job card views. */
export function jobsForCommands(service: TestAndEnableJobService): TestAndEnableJobs {
  const view = (job: JobRecord | undefined) => (job === undefined ? undefined : jobProgressView(job));
  return {
    startJob: async (input) => {
      const created = await service.startJob(input);
      return created.ok ? ok(jobProgressView(created.value)) : created;
    },
    reportProgressTo: (jobId, message) => service.reportProgressTo(jobId, message),
    job: (jobId) => view(service.job(jobId)),
    latestJobOf: (userId) => view(service.latestJobOf(userId)),
  };
}

export function createAlertSubscriptions(useCases: UseCaseContext, repository: JobRepository): AlertSubscriptions {
  return {
    subscribe: (input) => subscribeToProfileAlerts(useCases, repository, input.requester, { profileName: input.profileName, conversationId: input.conversationId }),
    unsubscribe: (input) => unsubscribeFromProfileAlerts(useCases, repository, input.requester, { profileName: input.profileName, conversationId: input.conversationId }),
  };
}

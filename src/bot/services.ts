// The services the bot layer talks to, as interfaces. main.ts builds the concrete ones; tests may fake them.
import type { UseCaseContext } from '../app/context.js';
import type { InProcessEventBus } from '../app/events.js';
import type { ExchangeConnector } from '../app/exchange-connector.js';
import type { Clock, IdGenerator } from '../app/ports.js';
import type { RoleDirectory } from '../app/role-directory.js';
import type { ConversationReferences, ProactiveMessages } from '../app/proactive-messages.js';
import type { JobCardMessage, StartJobInput } from '../app/jobs/service.js';
import type { JobProgressView } from '../cards/view-models.js';
import type { AdminRoleEligibility } from '../app/platform-refusal.js';
import type { DomainError } from '../domain/errors.js';
import type { Mailbox, User } from '../domain/model.js';
import type { Result } from '../domain/result.js';
import type { Logger } from '../shared/logger.js';
import type { ApprovalActionHandler } from './requests.js';

/** Where a job's progress card lives, so it can be updated in place. */
export type ProgressMessage = JobCardMessage;

/** Test & Enable as persisted background jobs (src/app/jobs), with jobs shown as job card views. */
export interface TestAndEnableJobs {
  /** Queues a job and returns at once; the job runs in the background. */
  startJob(input: StartJobInput): Promise<Result<JobProgressView, DomainError>>;
  /** Once the job card is sent, progress updates go to that message. */
  reportProgressTo(jobId: string, message: ProgressMessage): Promise<void>;
  job(jobId: string): JobProgressView | undefined;
  /** The newest job the user started, for `job` without an id. */
  latestJobOf(userId: string): JobProgressView | undefined;
}

/** Channels and group chats that receive a profile's alerts. */
export interface AlertSubscriptions {
  subscribe(input: { readonly requester: User; readonly profileName: string; readonly conversationId: string }): Promise<Result<{ readonly profileName: string; readonly changed: boolean }, DomainError>>;
  unsubscribe(input: { readonly requester: User; readonly profileName: string; readonly conversationId: string }): Promise<Result<{ readonly profileName: string; readonly changed: boolean }, DomainError>>;
}

/** Approval cards sent to eligible approvers (issue: approval cards). */
export interface ApprovalCards {
  readonly handleAction: ApprovalActionHandler;
  /** Addresses approved or rejected outside the bot, as the records noticed: their open requests close, cards update. */
  decidedOutside(mailboxes: readonly Mailbox[]): void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Everything the concrete services are built from; main.ts passes the notify layer's outbox and references. */
export interface CoreServices {
  readonly useCases: UseCaseContext;
  readonly events: InProcessEventBus;
  readonly outbox: ProactiveMessages;
  readonly references: ConversationReferences;
  readonly connector: ExchangeConnector;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger: Logger;
  /** PIM-eligible admin roles, named when Dynamics 365 refuses an approval (src/app/platform-refusal.ts); optional. */
  readonly adminRoleEligibility?: AdminRoleEligibility;
  /**
   * People's directory (Entra) roles now, for deciding who may approve an address before anyone asks (approval
   * cards). Without it, the roles the records carry are used (the organization file has them; Dynamics 365 does not).
   */
  readonly roles?: RoleDirectory;
}

// What follows an approval event, as a consumer of the event outbox: a request is opened (and its cards sent) when
// approval is asked for; a decision closes the mailbox's open requests and has every copy of their cards updated.
// Cards are the notifier's business (src/bot/approvals implements it); the records are this module's.
import type { Clock, OrganizationRecords } from '../ports.js';
import type { AppEvent, AppEventListener } from '../events.js';
import { DECIDED_OUTSIDE_THE_BOT, followUpAfterApproval, openRequestsFor, withDecision, type ApprovalDecisionRecord, type ApprovalRequestRepository } from './approval-requests.js';
import type { Mailbox } from '../../domain/model.js';
import { EmailApprovalStatus } from '../../domain/options.js';

export type ApprovalRequestedEvent = Extract<AppEvent, { type: 'approvalRequested' }>;
export type EmailAddressDecidedEvent = Extract<AppEvent, { type: 'emailAddressDecided' }>;

/** The consumer name of the approval follow-ups in the event outbox: keep it stable (offsets are stored under it). */
export const APPROVAL_FOLLOW_UPS_CONSUMER = 'approvalFollowUps';

/** Sends and updates approval cards. Both calls may be repeated for the same input and must then send nothing twice. */
export interface ApprovalNotifier {
  /**
   * Approval was asked for: record the request (replacing older open ones) and queue its cards. `requestKey` is the
   * same every time the same event is handled, so a repeat finds the request it already opened.
   */
  openRequest(event: ApprovalRequestedEvent, requestKey: string): Promise<void>;
  /** A request was decided or replaced: update every sent copy in place and tell the owner (may finish in the background). */
  closeOut(requestId: string): void;
}

export interface ApprovalFollowUpsDependencies {
  readonly requests: ApprovalRequestRepository;
  readonly records: Pick<OrganizationRecords, 'mailbox' | 'directory'>;
  readonly clock: Clock;
  readonly notifier: ApprovalNotifier;
}

/**
 * A decision made elsewhere (a chat command) closes the mailbox's open requests; a decision made on a card was
 * committed with its request, so nothing is written again. Either way every decided request not yet closed out
 * has its cards updated.
 */
async function afterDecision(deps: ApprovalFollowUpsDependencies, event: EmailAddressDecidedEvent): Promise<void> {
  const { requests, records, clock, notifier } = deps;
  const mailbox = await records.mailbox(event.mailboxId);
  const directory = await records.directory();
  const decider = directory.userById(event.decidedById);
  const followUp = event.decision === 'approved' && mailbox !== undefined && decider !== undefined ? followUpAfterApproval(mailbox, decider, directory) : 'none';
  const decision: ApprovalDecisionRecord = {
    outcome: event.decision,
    decidedById: event.decidedById,
    decidedAt: clock.now().toISOString(),
    via: { kind: 'elsewhere' },
    followUp,
    remark: event.remark ?? null,
  };
  await requests.update((current) => {
    const decided = openRequestsFor(current, event.mailboxId).map((open) => withDecision(open, decision));
    return { upserts: decided, result: undefined };
  });
  for (const request of await requests.all()) {
    if (request.mailboxId === event.mailboxId && request.status !== 'pending' && request.closedOutAt === null) notifier.closeOut(request.id);
  }
}

/**
 * An address approved or rejected outside the bot (the admin center, another tool), as the records' refresh noticed
 * it: the mailbox's open requests are closed with that decision (maker unknown) and their cards updated. A request
 * a click is being decided on right now is left to that decision.
 */
export async function closeRequestsDecidedOutside(deps: Pick<ApprovalFollowUpsDependencies, 'requests' | 'clock' | 'notifier'>, mailbox: Mailbox): Promise<void> {
  const status = mailbox.emailRouterAccessApproval;
  if (status !== EmailApprovalStatus.Approved && status !== EmailApprovalStatus.Rejected) return;
  const decision: ApprovalDecisionRecord = {
    outcome: status === EmailApprovalStatus.Approved ? 'approved' : 'rejected',
    decidedById: DECIDED_OUTSIDE_THE_BOT,
    decidedAt: deps.clock.now().toISOString(),
    via: { kind: 'outside' },
    followUp: 'none',
    remark: null,
  };
  const decided = await deps.requests.update((current) => {
    const closed = openRequestsFor(current, mailbox.id)
      .filter((open) => open.deciding === undefined)
      .map((open) => withDecision(open, decision));
    return { upserts: closed, result: closed };
  });
  for (const request of decided) deps.notifier.closeOut(request.id);
}

/** The outbox consumer: each event is handled once it is committed, and again only if handling it failed. */
export function approvalFollowUps(deps: ApprovalFollowUpsDependencies): AppEventListener {
  return async (event, delivery) => {
    switch (event.type) {
      case 'approvalRequested':
        await deps.notifier.openRequest(event, delivery === undefined ? `${event.mailboxId}:${deps.clock.now().toISOString()}` : `event-${delivery.sequence}`);
        return;
      case 'emailAddressDecided':
        await afterDecision(deps, event);
        return;
      case 'testAndEnableRequested':
        return;
    }
  };
}

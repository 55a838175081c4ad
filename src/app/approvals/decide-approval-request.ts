// Deciding an approval request: the one use case behind Approve and Reject on an approval card. It checks the
// approver's permission once and the mailbox version once, then writes the mailbox, the audit entry, the decided
// request and the events it causes (cards to update, Test & Enable to start) in ONE commit. Nothing follows up
// in-process: the event outbox dispatches the events, so a crash after the commit loses no follow-up.
import { z } from 'zod';
import type { DomainError } from '../../domain/errors.js';
import type { Mailbox } from '../../domain/model.js';
import { canApproveEmail } from '../../domain/permissions.js';
import { err, ok, type Result } from '../../domain/result.js';
import { refusal } from '../authorization.js';
import type { Requester, UseCaseContext } from '../context.js';
import { planEmailDecision, type ApprovalDecision, type DecisionRemark } from '../email-approval.js';
import {
  awaitsDecision,
  followUpAfterApproval,
  MAX_REMARK_LENGTH,
  withDecision,
  type ApprovalDecisionRecord,
  type ApprovalRequest,
  type ApprovalRequestRepository,
} from './approval-requests.js';

/** What the approver typed with the click: a rejection needs a reason, an approval may carry a comment. */
const remarkText = z.string().trim().max(MAX_REMARK_LENGTH, `must be at most ${MAX_REMARK_LENGTH} characters`);
export const rejectionReasonSchema = remarkText.min(1, 'Say why you reject this address: the reason is shown to the owner and on every copy of this card.');
export const approvalCommentSchema = remarkText.optional().transform((text) => (text === undefined || text === '' ? undefined : text));

export interface DecideApprovalRequestInput {
  readonly requestId: string;
  readonly decision: ApprovalDecision;
  /** The mailbox version the approver saw on the card; the decision applies only if it has not moved. */
  readonly seenVersion: number;
  /** The reason (rejection, required) or comment (approval, optional), as typed: validated here. */
  readonly remark?: unknown;
  /** Where the decision was made (which card message). */
  readonly via: ApprovalDecisionRecord['via'];
}

/** Why nothing was decided (in words for the approver), with what the card needs to redraw itself truthfully. */
export type DecideApprovalRequestError =
  | { readonly problem: 'unknownRequest'; readonly message: string }
  | { readonly problem: 'requestClosed'; readonly message: string; readonly request: ApprovalRequest }
  | { readonly problem: 'refused'; readonly message: string; readonly request: ApprovalRequest; readonly refusal: DomainError }
  | { readonly problem: 'stale'; readonly message: string; readonly request: ApprovalRequest; readonly currentVersion: number }
  | { readonly problem: 'remarkInvalid'; readonly message: string; readonly request: ApprovalRequest };

export interface DecidedApprovalRequest {
  readonly request: ApprovalRequest;
  readonly mailbox: Mailbox;
}

export interface ApprovalDecisionContext extends UseCaseContext {
  readonly requests: ApprovalRequestRepository;
}

const failure = (error: DecideApprovalRequestError): Result<never, DecideApprovalRequestError> => err(error);

/** Decides a pending request for `approver` (identified from the activity by the caller). */
export async function decideApprovalRequest(
  context: ApprovalDecisionContext,
  approver: Requester,
  input: DecideApprovalRequestInput,
): Promise<Result<DecidedApprovalRequest, DecideApprovalRequestError>> {
  const { records, requests, clock } = context;
  const request = requests.byId(input.requestId);
  if (request === undefined) {
    return failure({ problem: 'unknownRequest', message: `There is no approval request ${input.requestId}. Nothing was changed.` });
  }
  const mailbox = await records.mailbox(request.mailboxId);
  if (request.status !== 'pending' || mailbox === undefined || !awaitsDecision(mailbox)) {
    return failure({ problem: 'requestClosed', message: 'This approval request is closed; nothing was decided.', request });
  }
  const directory = await records.directory();
  const permission = canApproveEmail(approver, mailbox, directory);
  if (!permission.allowed) {
    const what = input.decision === 'approved' ? 'Approving' : 'Rejecting';
    const refused = refusal(`${what} the email address of ${mailbox.name}`, permission);
    return failure({ problem: 'refused', message: refused.message, request, refusal: refused });
  }
  if (mailbox.version !== input.seenVersion) {
    return failure({
      problem: 'stale',
      message: `This card showed version ${input.seenVersion} of the mailbox, but it has changed since (it is version ${mailbox.version} now). Nothing was decided: this is the current state; decide again if it still looks right.`,
      request,
      currentVersion: mailbox.version,
    });
  }
  const remark = input.decision === 'rejected' ? rejectionReasonSchema.safeParse(input.remark ?? '') : approvalCommentSchema.safeParse(input.remark);
  if (!remark.success) {
    const problem = remark.error.issues.map((issue) => issue.message).join('; ');
    const message = input.decision === 'rejected' ? `Nothing was rejected. ${problem}` : `Nothing was approved: the comment ${problem}.`;
    return failure({ problem: 'remarkInvalid', message, request });
  }
  const remarkText = remark.data;
  const said: DecisionRemark | undefined = remarkText === undefined ? undefined : { kind: input.decision === 'rejected' ? 'reason' : 'comment', text: remarkText };
  const planned = planEmailDecision(context, approver, directory, input.decision, mailbox, permission.rule, said);
  const decision: ApprovalDecisionRecord = {
    outcome: input.decision,
    decidedById: approver.id,
    decidedAt: clock.now().toISOString(),
    via: input.via,
    followUp: input.decision === 'approved' ? followUpAfterApproval(planned.after, approver, directory) : 'none',
    remark: remarkText ?? null,
  };
  const decided = withDecision(request, decision);
  const committed = await requests.commitDecision({
    mailbox: planned.after,
    expectedMailboxVersion: mailbox.version,
    audit: [planned.audit],
    events: planned.events,
    request: decided,
  });
  if (!committed.ok) {
    // Decided elsewhere in between (another approver, a chat command): the card shows what is true now.
    const now = (await records.mailbox(mailbox.id)) ?? mailbox;
    const latest = (requests.byId(request.id)) ?? request;
    return committed.conflict === 'requestClosed'
      ? failure({ problem: 'requestClosed', message: 'Someone decided this request first; nothing was decided.', request: latest })
      : failure({
          problem: 'stale',
          message: `The mailbox changed while this was decided (it is version ${now.version} now); nothing was decided. Look at it again and decide anew.`,
          request: latest,
          currentVersion: now.version,
        });
  }
  for (const event of planned.events) context.events.publish(event);
  return ok({ request: (requests.byId(request.id)) ?? decided, mailbox: (await records.mailbox(mailbox.id)) ?? planned.after });
}

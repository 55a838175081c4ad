// Deciding an approval request: the one use case behind Approve and Reject on an approval card. It checks the
// approver's permission once and the mailbox version once, then writes in three steps, because the approval lives
// in the organization's records (Dataverse: on the owner, written as the approver) and the request in the bot's
// own state, which share no transaction:
//   1. the decision is begun on the request (a second click finds it taken);
//   2. the approval and its audit entry go to the records as one batch under an idempotency key;
//   3. the decision is settled on the request with the events it causes (cards updated, Test & Enable started),
//      which the event outbox dispatches: nothing follows up in-process.
// A crash between the steps is settled once the decision counts as abandoned, by the next start or the next click
// (`settleDecisionsInDoubt`): the records are asked whether the key was applied, and the request is decided (with
// its follow-ups, once) or pending again.
import { z } from 'zod';
import type { DomainError } from '../../domain/errors.js';
import type { Mailbox } from '../../domain/model.js';
import { canApproveEmail } from '../../domain/permissions.js';
import { err, ok, type Result } from '../../domain/result.js';
import { refusal } from '../authorization.js';
import type { Requester, UseCaseContext } from '../context.js';
import { approvalIntent, planEmailDecision, type ApprovalDecision, type DecisionRemark } from '../email-approval.js';
import { personCaller, StateStoreUnavailableError, type DelegatedCredential } from '../ports.js';
import {
  awaitsDecision,
  followUpAfterApproval,
  MAX_REMARK_LENGTH,
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
  /** The approver's own sign-in for this turn, when they gave one: the approval is then written as them. */
  readonly credential?: DelegatedCredential;
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
  const { records, requests, clock, ids } = context;
  const request = await requests.byId(input.requestId);
  if (request === undefined) {
    return failure({ problem: 'unknownRequest', message: `There is no approval request ${input.requestId}. Nothing was changed.` });
  }
  // Fresh: the request may have been opened by another instance, whose write this instance's copy has not seen.
  const mailbox = await records.mailbox(request.mailboxId, { fresh: true });
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
  const key = ids.next('decision');
  let begun = await requests.beginDecision(request.id, { key, decision, events: planned.events });
  if (!begun && (await settleIfAbandoned(context, request.id))) begun = await requests.beginDecision(request.id, { key, decision, events: planned.events });
  if (!begun) {
    // Decided, replaced, or another click being decided right now: the card shows what is true.
    return failure({ problem: 'requestClosed', message: 'Someone decided this request first; nothing was decided.', request: (await requests.byId(request.id)) ?? request });
  }
  // A store lost before the request is settled: the service that called settles it once the store is back.
  const settle = (applied: boolean): Promise<ApprovalRequest | undefined> =>
    requests.settleDecision(request.id, key, applied).catch((error: unknown) => {
      if (error instanceof StateStoreUnavailableError) throw new DecisionUnsettledError(error.reason, request.id, key, applied);
      throw error;
    });
  let written;
  try {
    written = await records.apply({
      caller: personCaller(approver, input.credential),
      intents: [approvalIntent(mailbox, planned.after)],
      audit: [planned.audit],
      idempotencyKey: key,
    });
  } catch (error) {
    // Refused or failed: the request is pending again unless the records have the approval after all (then
    // it stays in doubt until it can be settled, at the latest by the next start).
    if (!(await records.wasApplied(key).catch(() => true))) await settle(false);
    throw error;
  }
  if (!written.ok) {
    await settle(false);
    // Changed in between (another approver, a chat command): the card shows what is true now.
    const now = (await records.mailbox(mailbox.id)) ?? mailbox;
    return failure({
      problem: 'stale',
      message: `The mailbox changed while this was decided (it is version ${now.version} now); nothing was decided. Look at it again and decide anew.`,
      request: (await requests.byId(request.id)) ?? request,
      currentVersion: now.version,
    });
  }
  // The approval is in the records from here: only its settling on the request (with its events) may wait for the store.
  const settled = await settle(true);
  for (const event of planned.events) context.events.publish(event);
  return ok({ request: settled ?? request, mailbox: written.mailboxes.find((candidate) => candidate.id === mailbox.id) ?? planned.after });
}

/**
 * The bot's state store went away after a decision was begun on the request and before it was settled:
 * `settleDecision(requestId, key, applied)` once it is back finishes it (`applied`: the records have the decision,
 * and settling records its events; otherwise the request is pending again and nothing was changed).
 */
export class DecisionUnsettledError extends StateStoreUnavailableError {
  override readonly name: string = 'DecisionUnsettledError';
  constructor(
    reason: string,
    readonly requestId: string,
    readonly key: string,
    readonly applied: boolean,
  ) {
    super(reason);
  }
}

/**
 * How long a decision may stay begun and unsettled before it counts as abandoned (its process died): far longer
 * than one decision takes, so that a starting instance never settles a decision another instance is still making.
 */
export const DECISION_ABANDONED_AFTER_MS = 60_000;

const abandoned = (request: ApprovalRequest, now: Date): boolean =>
  request.deciding !== undefined && Date.parse(request.deciding.decision.decidedAt) <= now.getTime() - DECISION_ABANDONED_AFTER_MS;

/** Settles one request's decision if it was abandoned (begun long ago, never settled); true if it settled one. */
async function settleIfAbandoned(context: Pick<ApprovalDecisionContext, 'records' | 'requests' | 'clock'>, requestId: string): Promise<boolean> {
  const request = await context.requests.byId(requestId);
  if (request?.deciding === undefined || !abandoned(request, context.clock.now())) return false;
  const applied = await context.records.wasApplied(request.deciding.key);
  await context.requests.settleDecision(request.id, request.deciding.key, applied);
  return true;
}

/**
 * Decisions a crash left between their writes (begun on the request, maybe written to the records): each that was
 * abandoned (`DECISION_ABANDONED_AFTER_MS`) is settled by asking the records whether its batch was applied. Run at
 * start; one begun more recently may still be in the making on another instance, and is settled by the first
 * click on it once it counts as abandoned.
 */
export async function settleDecisionsInDoubt(context: Pick<ApprovalDecisionContext, 'records' | 'requests' | 'clock'>): Promise<readonly ApprovalRequest[]> {
  const settled: ApprovalRequest[] = [];
  const now = context.clock.now();
  for (const request of await context.requests.all()) {
    if (request.deciding === undefined || !abandoned(request, now)) continue;
    const applied = await context.records.wasApplied(request.deciding.key);
    const after = await context.requests.settleDecision(request.id, request.deciding.key, applied);
    if (after !== undefined) settled.push(after);
  }
  return settled;
}

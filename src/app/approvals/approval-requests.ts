// Approval requests: one record each time a mailbox enters Pending Approval, saying who may decide, which cards
// went where, and how it ended. The records are plain JSON (the `approvalRequests` section of the data file);
// the rules here are pure. Sending and updating the cards is the bot's business (src/bot/approvals).
import { z } from 'zod';
import type { Directory } from '../../domain/directory.js';
import type { EmailSettings, Mailbox, User } from '../../domain/model.js';
import { EmailApprovalStatus, TestStatus } from '../../domain/options.js';
import { canApproveEmail, canTestAndEnable, type PermissionDecision } from '../../domain/permissions.js';
import { checkPreconditions } from '../../domain/test-and-enable.js';
import type { AppEvent, ApprovalRequestReason } from '../events.js';
import { appEventSchema } from '../event-outbox.js';

const isoTimestamp = z.iso.datetime({ offset: true, message: 'must be an ISO-8601 timestamp like 2025-03-01T09:00:00.000Z' });
const recordId = z.string().trim().min(1, 'must not be empty');

export const approvalRequestReasons = ['newMailbox', 'emailChanged', 'requested'] as const satisfies readonly ApprovalRequestReason[];

/** One approval card sent to one approver's personal chat. */
export const approvalCardCopySchema = z
  .object({
    /** `systemuserid` of the approver the card went to. */
    approverId: recordId,
    /** The approver's Teams id (`29:…`), listed in the card's `refresh.userIds`. */
    teamsUserId: recordId,
    conversationId: recordId,
    /** The outbox entry that carries the card. */
    idempotencyKey: recordId,
    delivery: z.enum(['pending', 'sent', 'failed']),
    /** The Connector's id for the posted card, once sent: what in-place updates address. */
    activityId: recordId.nullable(),
    /** Why delivery failed, in words for the requester. */
    failure: z.string().nullable(),
  })
  .strict();
export type ApprovalCardCopy = z.infer<typeof approvalCardCopySchema>;

export const notAskedReasons = ['noConversation', 'conversationInactive', 'overRecipientLimit'] as const;
export type NotAskedReason = (typeof notAskedReasons)[number];

/** An eligible approver who was sent no card, and why. */
export const notAskedApproverSchema = z
  .object({ approverId: recordId, reason: z.enum(notAskedReasons), detail: z.string() })
  .strict();
export type NotAskedApprover = z.infer<typeof notAskedApproverSchema>;

/** What the bot does about Test & Enable once an approval was all the mailbox was waiting for. */
export const approvalFollowUps = ['none', 'testAndEnableStarted', 'testAndEnableOffered'] as const;
export type ApprovalFollowUp = (typeof approvalFollowUps)[number];

/** Longest reason or comment an approver may give: a few sentences, not a document. */
export const MAX_REMARK_LENGTH = 1_000;

export const approvalDecisionRecordSchema = z
  .object({
    outcome: z.enum(['approved', 'rejected']),
    /** `systemuserid` of the decider. */
    decidedById: recordId,
    decidedAt: isoTimestamp,
    /** Where the decision was made: one of the cards (and which message), or elsewhere (a chat command). */
    via: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('card'), channel: z.enum(['invoke', 'submit']), conversationId: recordId, activityId: recordId.nullable() }).strict(),
      z.object({ kind: z.literal('elsewhere') }).strict(),
      /** In Dynamics 365 itself (the admin center, another tool): noticed by the records' refresh; who is not known. */
      z.object({ kind: z.literal('outside') }).strict(),
    ]),
    followUp: z.enum(approvalFollowUps),
    /** Why the approver rejected (a card asks for it), or their optional comment on an approval. Absent in older files. */
    remark: z.string().max(MAX_REMARK_LENGTH).nullable().optional(),
  })
  .strict();
export type ApprovalDecisionRecord = z.infer<typeof approvalDecisionRecordSchema>;

/** An earlier rejection of the same mailbox: who, when and why, shown on the new request's cards. */
export const previousRejectionSchema = z
  .object({ decidedById: recordId, decidedAt: isoTimestamp, reason: z.string().max(MAX_REMARK_LENGTH).nullable() })
  .strict();
export type PreviousRejection = z.infer<typeof previousRejectionSchema>;

export const approvalRequestStatuses = ['pending', 'approved', 'rejected', 'superseded'] as const;
export type ApprovalRequestStatus = (typeof approvalRequestStatuses)[number];

export const approvalRequestRecordSchema = z
  .object({
    id: recordId,
    mailboxId: recordId,
    /** The mailbox version when it entered Pending Approval. Cards carry the mailbox's version at render time. */
    mailboxVersion: z.number().int().min(0),
    /** The address that needed approval when the request was made. */
    emailAddress: z.string().trim().min(1),
    reason: z.enum(approvalRequestReasons),
    requestedById: recordId,
    requestedAt: isoTimestamp,
    /** Everyone the permission model allowed to decide when the request was made, in name order. */
    eligibleApproverIds: z.array(recordId),
    copies: z.array(approvalCardCopySchema),
    notAsked: z.array(notAskedApproverSchema),
    /** When the requester was told who was asked and who could not be reached. */
    requesterReportedAt: isoTimestamp.nullable(),
    status: z.enum(approvalRequestStatuses),
    decision: approvalDecisionRecordSchema.nullable(),
    /** The request that replaced this one (the address changed again, or approval was asked for again). */
    supersededById: recordId.nullable(),
    /** When every sent card was queued for its closing update (and the owner told): restarts finish the rest. */
    closedOutAt: isoTimestamp.nullable(),
    /** The rejection this request asks to reconsider (asked again after a rejection); absent in older files. */
    previousRejection: previousRejectionSchema.nullable().optional(),
    /** A decision begun and not yet settled (see `DecisionInDoubt`); absent when none is. */
    deciding: z
      .object({ key: recordId, decision: approvalDecisionRecordSchema, events: z.array(appEventSchema) })
      .strict()
      .optional(),
  })
  .strict();
export type ApprovalRequest = z.infer<typeof approvalRequestRecordSchema>;

/**
 * A decision between its two writes. The approval itself is written to the organization's records (Dataverse: on
 * the owner, as the approver); the request is the bot's own state. So a decision is begun on the request first
 * (which also keeps a second click out), then written to the records under `key`, then settled on the request
 * together with its events. After a crash the next start asks the records whether `key` was applied.
 */
export interface DecisionInDoubt {
  /** The idempotency key of the records batch carrying the approval. */
  readonly key: string;
  readonly decision: ApprovalDecisionRecord;
  /** What the decision causes (cards updated, Test & Enable started): written to the event outbox when it settles. */
  readonly events: readonly AppEvent[];
}

/** Where approval requests are kept. Reads see the last committed state; every write is atomic on its own. */
export interface ApprovalRequestRepository {
  /** Every request, oldest first. */
  all(): Promise<readonly ApprovalRequest[]>;
  byId(id: string): Promise<ApprovalRequest | undefined>;
  /**
   * Begins deciding a request: only a pending request that nobody is deciding takes it (false otherwise: it was
   * decided, replaced, or someone else's click is being decided right now).
   */
  beginDecision(requestId: string, decision: DecisionInDoubt): Promise<boolean>;
  /**
   * Settles the decision begun with `key`: `applied` records it on the request and writes its events to the event
   * outbox in the same write; otherwise the request is pending again. Returns the request as stored afterwards.
   */
  settleDecision(requestId: string, key: string, applied: boolean): Promise<ApprovalRequest | undefined>;
  /**
   * Runs `work` against the committed requests, after every earlier write, and upserts (by id) what it
   * returns in one write; nothing is written when `upserts` is empty. A record failing the schema rejects.
   */
  update<R>(work: (requests: readonly ApprovalRequest[]) => { readonly upserts: readonly ApprovalRequest[]; readonly result: R }): Promise<R>;
}

// ---------------------------------------------------------------------------------------------------------------
// Rules

export interface EligibleApprover {
  readonly user: User;
  readonly decision: PermissionDecision;
}

const byName = (a: User, b: User): number => a.fullName.localeCompare(b.fullName, 'en') || a.id.localeCompare(b.id);

/**
 * Every active user the permission model lets approve this mailbox (table, privilege depth, self-approval),
 * in name order. Nobody is left out or added by role name: `canApproveEmail` decides alone.
 */
export function eligibleApprovers(users: readonly User[], mailbox: Mailbox, directory: Directory): readonly EligibleApprover[] {
  return [...users]
    .filter((user) => user.active)
    .sort(byName)
    .map((user) => ({ user, decision: canApproveEmail(user, mailbox, directory) }))
    .filter((candidate) => candidate.decision.allowed);
}

function approvalSetting(mailbox: Mailbox, settings: EmailSettings): { readonly label: string; readonly on: boolean } {
  return mailbox.regarding.type === 'queue'
    ? { label: 'Process emails only for approved queues', on: settings.requireApprovalForQueueEmail }
    : { label: 'Process emails only for approved users', on: settings.requireApprovalForUserEmail };
}

/** Why the address needs approval, in two sentences: what happened, and what the setting means for it. */
export function whyApprovalIsNeeded(input: {
  readonly mailbox: Mailbox;
  readonly reason: ApprovalRequestReason;
  readonly requesterName: string;
  readonly settings: EmailSettings;
}): string {
  const { mailbox, reason, requesterName, settings } = input;
  const happened =
    reason === 'emailChanged'
      ? `Its email address changed to ${mailbox.emailAddress}, and a changed address must be approved again.`
      : reason === 'newMailbox'
        ? 'The mailbox is new, and its email address has not been approved yet.'
        : `${requesterName} asked for its email address to be approved.`;
  const setting = approvalSetting(mailbox, settings);
  const consequence = setting.on
    ? `${setting.label} is on, so server-side synchronization processes no email for it until the address is approved.`
    : `${setting.label} is off, but the address is still marked Pending Approval until someone decides.`;
  return `${happened} ${consequence}`;
}

/**
 * After an approval: whether Test & Enable was started for the mailbox (the organization's
 * `testAndEnableAfterApproval`; the approve use case publishes the request), is to be offered to the approver
 * (option off), or is beside the point (something else still blocks it, it already works, or the approver may
 * not test it). The conditions mirror the approve use case, so 'started' means it really was requested.
 */
export function followUpAfterApproval(approved: Mailbox, approver: User, directory: Directory): ApprovalFollowUp {
  if (approved.emailRouterAccessApproval !== EmailApprovalStatus.Approved) return 'none';
  if (approved.mailboxStatus === TestStatus.Success) return 'none';
  if (checkPreconditions(approved, directory).length > 0) return 'none';
  if (!canTestAndEnable(approver, approved, directory).allowed) return 'none';
  return directory.organization.settings.testAndEnableAfterApproval ? 'testAndEnableStarted' : 'testAndEnableOffered';
}

/**
 * Whether a pending request can still be decided on this mailbox: it is Pending Approval, or Rejected and asked
 * again (a rejection stands until an approver decides anew).
 */
export const awaitsDecision = (mailbox: Mailbox): boolean =>
  mailbox.emailRouterAccessApproval === EmailApprovalStatus.PendingApproval || mailbox.emailRouterAccessApproval === EmailApprovalStatus.Rejected;

/** The newest rejection among the mailbox's requests, for a request that asks again. */
export function latestRejection(requests: readonly ApprovalRequest[], mailboxId: string): PreviousRejection | null {
  const rejected = requests.filter((request) => request.mailboxId === mailboxId && request.status === 'rejected' && request.decision !== null);
  const newest = rejected.reduce<ApprovalRequest | undefined>((found, request) => (found === undefined || (request.decision?.decidedAt ?? '') >= (found.decision?.decidedAt ?? '') ? request : found), undefined);
  const decision = newest?.decision;
  return decision == null ? null : { decidedById: decision.decidedById, decidedAt: decision.decidedAt, reason: decision.remark ?? null };
}

/** The requests of one mailbox still waiting for a decision (normally at most one: a new one supersedes the old). */
export const openRequestsFor = (requests: readonly ApprovalRequest[], mailboxId: string): ApprovalRequest[] =>
  requests.filter((request) => request.mailboxId === mailboxId && request.status === 'pending');

/** Follows `supersededById` to the newest request of the same mailbox (cycles cannot occur, but are cut anyway). */
export function newestRequest(request: ApprovalRequest, byId: (id: string) => ApprovalRequest | undefined): ApprovalRequest {
  let current = request;
  const seen = new Set([current.id]);
  while (current.supersededById !== null) {
    const next = byId(current.supersededById);
    if (next === undefined || seen.has(next.id)) break;
    seen.add(next.id);
    current = next;
  }
  return current;
}

/** Recorded as the decider of a decision made outside the bot, whose maker the records do not name. */
export const DECIDED_OUTSIDE_THE_BOT = 'outside-the-bot';

/** Who decided, in words: a user's name, or "someone in Dynamics 365" for a decision made outside the bot. */
export function deciderName(decision: Pick<ApprovalDecisionRecord, 'decidedById' | 'via'>, nameOf: (userId: string) => string): string {
  return decision.via.kind === 'outside' ? 'someone in Dynamics 365, outside this bot' : nameOf(decision.decidedById);
}

/** The request with the decision recorded; only a pending request takes one. */
export function withDecision(request: ApprovalRequest, decision: ApprovalDecisionRecord): ApprovalRequest {
  if (request.status !== 'pending') return request;
  const { deciding: _settled, ...settled } = request;
  return { ...settled, status: decision.outcome, decision };
}

/** The request with a decision begun; only a pending request nobody is deciding takes one. */
export function withDecisionBegun(request: ApprovalRequest, decision: DecisionInDoubt): ApprovalRequest | undefined {
  if (request.status !== 'pending' || request.deciding !== undefined) return undefined;
  return { ...request, deciding: { key: decision.key, decision: decision.decision, events: decision.events.map((event) => appEventSchema.parse(event)) } };
}

/** The request after the decision begun with `key` settled: decided, or pending again. Unchanged for another key. */
export function withDecisionSettled(request: ApprovalRequest, key: string, applied: boolean): ApprovalRequest {
  if (request.deciding?.key !== key) return request;
  if (applied) return withDecision(request, request.deciding.decision);
  const { deciding: _abandoned, ...pending } = request;
  return pending;
}

/** The request replaced by a newer one; only a pending request can be. */
export function supersededBy(request: ApprovalRequest, newerId: string): ApprovalRequest {
  if (request.status !== 'pending') return request;
  return { ...request, status: 'superseded', supersededById: newerId };
}

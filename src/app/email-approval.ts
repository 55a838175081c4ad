// Approve Email / Reject Email (seed, "Approve email"), the compare-and-set decision behind the approval
// cards, and asking for approval. Approval is decided per mailbox by the permission model (`canApproveEmail`).
import type { Directory } from '../domain/directory.js';
import { domainError, type DomainError, type DomainErrorCode } from '../domain/errors.js';
import type { AuditEntry, Mailbox, User } from '../domain/model.js';
import { approvalStatusLabel, EmailApprovalStatus, TestStatus } from '../domain/options.js';
import { canApproveEmail, canTestAndEnable } from '../domain/permissions.js';
import { checkPreconditions } from '../domain/test-and-enable.js';
import { err, ok, type Result } from '../domain/result.js';
import { auditEntry, mailboxTarget } from './audit.js';
import { canRequestApproval, refusal } from './authorization.js';
import type { Requester, UseCaseContext } from './context.js';
import type { AppEvent } from './events.js';
import { selectMailboxes, selectOneMailbox, type MailboxSelector } from './mailbox-selection.js';
import { bulkResult, failIfNothingAllowed, type BulkMailboxResult, type PlannedOutcome } from './outcomes.js';
import { personCaller, type RecordIntent } from './ports.js';
import { carryOut } from './unit-of-work.js';
import { mailboxView, type MailboxView } from './views.js';

export type ApprovalDecision = 'approved' | 'rejected';

const isMicrosoft365Admin = (user: User): boolean =>
  user.office365Roles.includes('GlobalAdministrator') || user.office365Roles.includes('ExchangeAdministrator');

/**
 * The mailbox after the decision. Rejecting clears the Microsoft 365 admin approval flag (any state but
 * Approved does, domain.md §9); approving by a Global or Exchange administrator also sets it, because that
 * approval is the Microsoft 365 admin's (domain.md §5.5: the Exchange Online profile still needs it).
 */
function decided(mailbox: Mailbox, decision: ApprovalDecision, approver: User): Mailbox {
  return decision === 'approved'
    ? { ...mailbox, emailRouterAccessApproval: EmailApprovalStatus.Approved, isEmailAddressApprovedByO365Admin: mailbox.isEmailAddressApprovedByO365Admin || isMicrosoft365Admin(approver) }
    : { ...mailbox, emailRouterAccessApproval: EmailApprovalStatus.Rejected, isEmailAddressApprovedByO365Admin: false };
}

const sameApproval = (a: Mailbox, b: Mailbox): boolean =>
  a.emailRouterAccessApproval === b.emailRouterAccessApproval && a.isEmailAddressApprovedByO365Admin === b.isEmailAddressApprovedByO365Admin;

function approvalDetails(before: Mailbox, after: Mailbox): string {
  const parts = [`Email Address Status: ${approvalStatusLabel[before.emailRouterAccessApproval]} → ${approvalStatusLabel[after.emailRouterAccessApproval]}`];
  if (before.isEmailAddressApprovedByO365Admin !== after.isEmailAddressApprovedByO365Admin) {
    parts.push(`Email Address O365 Admin Approval Status: ${before.isEmailAddressApprovedByO365Admin ? 'Yes' : 'No'} → ${after.isEmailAddressApprovedByO365Admin ? 'Yes' : 'No'}`);
  }
  return parts.join('; ');
}

/**
 * Whether approval was the only thing keeping the mailbox from Test & Enable (our option
 * `testAndEnableAfterApproval`): once approved, no precondition fails, and it is not already working.
 */
function readyForTestAndEnableOnceApproved(approved: Mailbox, directory: Directory): boolean {
  if (!directory.organization.settings.testAndEnableAfterApproval) return false;
  if (approved.mailboxStatus === TestStatus.Success) return false;
  return checkPreconditions(approved, directory).length === 0;
}

const actionFor = (decision: ApprovalDecision): string => (decision === 'approved' ? 'mailbox.approveEmail' : 'mailbox.rejectEmail');

/** What a decision on one mailbox writes: the mailbox after it, its audit entry, and the events it causes. */
export interface PlannedEmailDecision {
  readonly after: Mailbox;
  readonly audit: AuditEntry;
  readonly events: readonly AppEvent[];
}

/** The approver's words with a decision: the reason of a rejection, or the comment of an approval. */
export interface DecisionRemark {
  readonly kind: 'reason' | 'comment';
  readonly text: string;
}

/**
 * One approver's decision on one mailbox, planned from `before` (already checked: permitted by `rule`, and a
 * change). Test & Enable is asked for when approval was all the mailbox waited for and the approver may test it.
 */
export function planEmailDecision(
  context: UseCaseContext,
  requester: Requester,
  directory: Directory,
  decision: ApprovalDecision,
  before: Mailbox,
  rule: string,
  remark?: DecisionRemark,
): PlannedEmailDecision {
  const after = decided(before, decision, requester);
  const said = remark === undefined ? '' : `; ${remark.kind === 'reason' ? 'Reason' : 'Comment'}: ${remark.text}`;
  const audit = auditEntry(context, requester, { action: actionFor(decision), target: mailboxTarget(before), rule, details: `${approvalDetails(before, after)}${said}` });
  const events: AppEvent[] = [{ type: 'emailAddressDecided', mailboxId: after.id, decision, decidedById: requester.id, ...(remark === undefined ? {} : { remark: remark.text }) }];
  if (decision === 'approved' && readyForTestAndEnableOnceApproved(after, directory) && canTestAndEnable(requester, after, directory).allowed) {
    events.push({ type: 'testAndEnableRequested', mailboxIds: [after.id], requestedById: requester.id, origin: 'approval' });
  }
  return { after, audit, events };
}

interface DecisionPlan {
  readonly intents: RecordIntent[];
  readonly audit: AuditEntry[];
  readonly events: AppEvent[];
}

/** The decision as an intent on the address's owner (Dataverse keeps the approval on the user or queue). */
export const approvalIntent = (before: Mailbox, after: Mailbox): RecordIntent => ({
  kind: 'setAddressApproval',
  owner: before.regarding,
  status: after.emailRouterAccessApproval,
  approvedByO365Admin: after.isEmailAddressApprovedByO365Admin,
  expectedMailboxVersion: before.version,
});

/** Intents, audit entries and events for decided mailboxes; one Test & Enable request for all that are ready. */
function planDecisions(
  context: UseCaseContext,
  requester: Requester,
  directory: Directory,
  decision: ApprovalDecision,
  changes: readonly { before: Mailbox; rule: string }[],
  remark?: DecisionRemark,
): DecisionPlan {
  const plan: DecisionPlan = { intents: [], audit: [], events: [] };
  const toTest: string[] = [];
  for (const { before, rule } of changes) {
    const planned = planEmailDecision(context, requester, directory, decision, before, rule, remark);
    plan.intents.push(approvalIntent(before, planned.after));
    plan.audit.push(planned.audit);
    for (const event of planned.events) {
      if (event.type === 'testAndEnableRequested') toTest.push(...event.mailboxIds);
      else plan.events.push(event);
    }
  }
  if (toTest.length > 0) plan.events.push({ type: 'testAndEnableRequested', mailboxIds: toTest, requestedById: requester.id, origin: 'approval' });
  return plan;
}

export interface EmailApprovalInput {
  readonly mailboxes: MailboxSelector;
  /** Why (a rejection) or a comment (an approval), kept in the audit. */
  readonly remark?: string;
}

function decideMany(context: UseCaseContext, requester: Requester, input: EmailApprovalInput, decision: ApprovalDecision): Promise<Result<BulkMailboxResult, DomainError>> {
  return carryOut(context, requester, async () => {
    const { records } = context;
    const selected = await selectMailboxes(records, input.mailboxes);
    if (!selected.ok) return selected;
    const directory = await records.directory();
    const planned: PlannedOutcome[] = [];
    const changes: { before: Mailbox; rule: string }[] = [];
    for (const mailbox of selected.value) {
      const permission = canApproveEmail(requester, mailbox, directory);
      if (!permission.allowed) {
        planned.push({ mailbox, status: 'refused', reason: permission.reason, decision: permission });
        continue;
      }
      const after = decided(mailbox, decision, requester);
      if (sameApproval(mailbox, after)) {
        planned.push({ mailbox, status: 'unchanged', reason: `Its email address is already ${approvalStatusLabel[mailbox.emailRouterAccessApproval]}.`, decision: permission });
        continue;
      }
      planned.push({ mailbox: after, status: 'changed', reason: approvalDetails(mailbox, after), decision: permission });
      changes.push({ before: mailbox, rule: permission.rule });
    }
    const allowed = failIfNothingAllowed(decision === 'approved' ? 'approve these email addresses' : 'reject these email addresses', planned);
    if (!allowed.ok) return allowed;
    const remark = input.remark?.trim();
    // Asked only once the mailboxes exist and the requester may reject them, so nobody is asked in vain.
    if (decision === 'rejected' && changes.length > 0 && (remark === undefined || remark === '')) {
      return err(domainError('ReasonRequired', 'A rejection needs a reason, which is kept in the audit and shown to the owner. Nothing was rejected.'));
    }
    const plan = planDecisions(context, requester, directory, decision, changes, remark === undefined || remark === '' ? undefined : { kind: decision === 'rejected' ? 'reason' : 'comment', text: remark });
    return ok({ intents: plan.intents, audit: plan.audit, events: plan.events, answer: (written) => bulkResult(directory, written, planned) });
  });
}

/** Approve Email on the selected mailboxes; an already approved one is reported unchanged. */
export function approveEmail(context: UseCaseContext, requester: Requester, input: EmailApprovalInput): Promise<Result<BulkMailboxResult, DomainError>> {
  return decideMany(context, requester, input, 'approved');
}

/** Reject Email (status 3 Rejected) on the selected mailboxes; an already rejected one is reported unchanged. */
export function rejectEmail(context: UseCaseContext, requester: Requester, input: EmailApprovalInput): Promise<Result<BulkMailboxResult, DomainError>> {
  return decideMany(context, requester, input, 'rejected');
}

export interface DecideEmailApprovalInput {
  readonly mailboxId: string;
  readonly decision: ApprovalDecision;
  /** The mailbox version the approver saw (on the card); the decision applies only if it has not moved. */
  readonly expectedVersion: number;
}

export interface DecidedMailbox {
  readonly mailbox: MailboxView;
  /** 'unchanged' when the mailbox already had this decision. */
  readonly outcome: 'changed' | 'unchanged';
}

/** A VersionConflict carries the mailbox as it is now, so the card can be redrawn with the current state. */
export type DecideEmailApprovalError =
  | (DomainError & { readonly code: Exclude<DomainErrorCode, 'VersionConflict'> })
  | (DomainError & { readonly code: 'VersionConflict'; readonly current: MailboxView });

function versionConflict(mailbox: Mailbox, expectedVersion: number, directory: Directory): DecideEmailApprovalError {
  return {
    ...domainError(
      'VersionConflict',
      `The mailbox ${mailbox.name} changed since version ${expectedVersion} was shown (it is now version ${mailbox.version}, Email Address Status ${approvalStatusLabel[mailbox.emailRouterAccessApproval]}); nothing was decided. Look at it again and decide anew.`,
    ),
    code: 'VersionConflict',
    current: mailboxView(mailbox, directory),
  };
}

/**
 * One decision on one mailbox without an approval request (the store benchmarks measure it), compare-and-set
 * against the version the caller saw. Approval cards decide through `decideApprovalRequest`, which also closes
 * the request in the same commit.
 */
export async function decideEmailApproval(
  context: UseCaseContext,
  requester: Requester,
  input: DecideEmailApprovalInput,
): Promise<Result<DecidedMailbox, DecideEmailApprovalError>> {
  const { records } = context;
  const mailbox = await records.mailbox(input.mailboxId);
  if (mailbox === undefined) return err({ ...domainError('UnknownMailbox', `There is no mailbox with id ${input.mailboxId}.`), code: 'UnknownMailbox' });
  const directory = await records.directory();
  if (mailbox.version !== input.expectedVersion) return err(versionConflict(mailbox, input.expectedVersion, directory));
  const permission = canApproveEmail(requester, mailbox, directory);
  if (!permission.allowed) {
    const what = input.decision === 'approved' ? 'Approving' : 'Rejecting';
    return err({ ...refusal(`${what} the email address of ${mailbox.name}`, permission), code: 'PermissionDenied' });
  }
  if (sameApproval(mailbox, decided(mailbox, input.decision, requester))) return ok({ mailbox: mailboxView(mailbox, directory), outcome: 'unchanged' });
  const plan = planEmailDecision(context, requester, directory, input.decision, mailbox, permission.rule);
  const written = await records.apply({ caller: personCaller(requester), intents: [approvalIntent(mailbox, plan.after)], audit: [plan.audit], events: plan.events });
  if (!written.ok) {
    const current = (await records.mailbox(mailbox.id)) ?? mailbox;
    return err(versionConflict(current, input.expectedVersion, directory));
  }
  for (const event of plan.events) context.events.publish(event);
  return ok({ mailbox: mailboxView(written.mailboxes.find((candidate) => candidate.id === mailbox.id) ?? plan.after, directory), outcome: 'changed' });
}

export interface RequestApprovalInput {
  readonly mailbox: string;
}

/**
 * Asks the approvers to decide on a mailbox's address, for its owner or a System Administrator. Empty becomes
 * Pending Approval. Rejected stays Rejected until an approver decides: the rejection is not undone by asking again,
 * and the new request shows it. Already pending: unchanged, but the approvers are asked again. Approved: nothing to ask.
 */
export function requestApproval(context: UseCaseContext, requester: Requester, input: RequestApprovalInput): Promise<Result<DecidedMailbox, DomainError>> {
  return carryOut<DecidedMailbox>(context, requester, async () => {
    const { records } = context;
    const selected = await selectOneMailbox(records, input.mailbox);
    if (!selected.ok) return selected;
    const mailbox = selected.value;
    const directory = await records.directory();
    const permission = canRequestApproval(requester, mailbox, directory);
    if (!permission.allowed) return err(refusal(`Requesting approval for ${mailbox.name}`, permission));
    if (mailbox.emailRouterAccessApproval === EmailApprovalStatus.Approved) {
      return err(domainError('NotApplicable', `The email address of ${mailbox.name} (${mailbox.emailAddress}) is already approved; there is nothing to request.`));
    }
    if (mailbox.emailRouterAccessApproval === EmailApprovalStatus.PendingApproval || mailbox.emailRouterAccessApproval === EmailApprovalStatus.Rejected) {
      // The status stays (a rejection stands until an approver decides), but the approvers are asked again.
      const details =
        mailbox.emailRouterAccessApproval === EmailApprovalStatus.Rejected
          ? 'Approvers asked again after a rejection; the address stays Rejected until an approver decides.'
          : 'Approvers asked again; the address was already Pending Approval.';
      return ok({
        intents: [],
        audit: [auditEntry(context, requester, { action: 'mailbox.requestApproval', target: mailboxTarget(mailbox), rule: permission.rule, details })],
        events: [{ type: 'approvalRequested', mailboxId: mailbox.id, requestedById: requester.id, reason: 'requested' }],
        answer: () => ({ mailbox: mailboxView(mailbox, directory), outcome: 'unchanged' }),
      });
    }
    const after: Mailbox = { ...mailbox, emailRouterAccessApproval: EmailApprovalStatus.PendingApproval, isEmailAddressApprovedByO365Admin: false };
    return ok({
      intents: [approvalIntent(mailbox, after)],
      audit: [auditEntry(context, requester, { action: 'mailbox.requestApproval', target: mailboxTarget(mailbox), rule: permission.rule, details: approvalDetails(mailbox, after) })],
      events: [{ type: 'approvalRequested', mailboxId: mailbox.id, requestedById: requester.id, reason: 'requested' }],
      answer: (written) => ({ mailbox: mailboxView(written.mailbox(mailbox.id) ?? after, directory), outcome: 'changed' }),
    });
  });
}

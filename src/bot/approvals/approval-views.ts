// The approval card as each viewer should see it, from the request record and the mailbox as it is now:
// the approver view (Approve / Reject), the read-only view with the reason the viewer may not decide, the
// decided view, and the closed view of a request that ended without a decision.
import type { ApprovalRequest } from '../../app/approvals/approval-requests.js';
import { deciderName, whyApprovalIsNeeded } from '../../app/approvals/approval-requests.js';
import type { Directory } from '../../domain/directory.js';
import {
  ADAPTIVE_CARD_SCHEMA_URL,
  ADAPTIVE_CARD_VERSION,
  CardVerb,
  adaptiveCardJsonSchema,
  escapeMarkdown,
  renderApprovalApproverCard,
  renderApprovalBaseCard,
  renderApprovalDecidedCard,
  type AdaptiveCardJson,
  type ApprovalRequestView,
} from '../../cards/index.js';
import type { Mailbox } from '../../domain/model.js';
import { approvalStatusLabel, TestStatus } from '../../domain/options.js';

/** Teams refreshes a card for at most 60 listed users, so a request goes to at most 60 approvers. */
export const MAX_APPROVAL_CARD_RECIPIENTS = 60;

export const TEST_AND_ENABLE_BUTTON_TITLE = 'Test & Enable';

const nameOf = (directory: Directory, userId: string): string => directory.userById(userId)?.fullName ?? `(unknown user ${userId})`;

/** The Teams ids the request's cards refresh for: the approvers who were sent one. */
export const refreshUserIdsOf = (request: ApprovalRequest): string[] => request.copies.map((copy) => copy.teamsUserId);

/** The view model: the mailbox as it is now (falling back to what the request recorded if it is gone). */
export function approvalRequestView(request: ApprovalRequest, mailbox: Mailbox | undefined, directory: Directory): ApprovalRequestView {
  const profileId = mailbox?.emailServerProfileId ?? null;
  const requesterName = nameOf(directory, request.requestedById);
  return {
    requestId: request.id,
    version: mailbox?.version ?? request.mailboxVersion,
    mailboxName: mailbox?.name ?? `(deleted mailbox ${request.mailboxId})`,
    emailAddress: mailbox?.emailAddress ?? request.emailAddress,
    ownerName: mailbox === undefined ? '(unknown)' : nameOf(directory, mailbox.ownerId),
    regardingType: mailbox?.regarding.type ?? 'systemuser',
    profileName: profileId === null ? null : (directory.profileById(profileId)?.name ?? `(unknown profile ${profileId})`),
    whyApprovalIsNeeded:
      mailbox === undefined
        ? 'The mailbox no longer exists.'
        : whyApprovalIsNeeded({ mailbox, reason: request.reason, requesterName, settings: directory.organization.settings }),
    requestedBy: requesterName,
    requestedAt: request.requestedAt,
    approverUserIds: refreshUserIdsOf(request),
    ...(request.previousRejection == null
      ? {}
      : { previousRejection: { decidedBy: nameOf(directory, request.previousRejection.decidedById), decidedAt: request.previousRejection.decidedAt, reason: request.previousRejection.reason } }),
  };
}

/** A TextBlock appended under the card's content (the renderers escape their own text; this escapes ours). */
function withNotice(card: AdaptiveCardJson, notice: string): AdaptiveCardJson {
  return { ...card, body: [...card.body, { type: 'TextBlock', text: escapeMarkdown(notice), wrap: true, color: 'Attention', separator: true }] };
}

/** A command button in its own ActionSet, as the card templates write them: Action.Execute with a Submit fallback. */
function withCommandButton(card: AdaptiveCardJson, title: string, command: string): AdaptiveCardJson {
  const button = {
    type: 'Action.Execute',
    title,
    verb: CardVerb.Command,
    data: { command },
    fallback: { type: 'Action.Submit', title, data: { verb: CardVerb.Command, command } },
  };
  return { ...card, body: [...card.body, { type: 'ActionSet', actions: [button] }] };
}

/** Approve and Reject for someone the permission model lets decide; `notice` explains a redraw (stale card). */
export function approverCard(request: ApprovalRequest, mailbox: Mailbox, directory: Directory, notice?: string): AdaptiveCardJson {
  const card = renderApprovalApproverCard(approvalRequestView(request, mailbox, directory));
  return notice === undefined ? card : withNotice(card, notice);
}

/** The status everyone may see, plus why this viewer cannot decide. */
export function readOnlyCard(request: ApprovalRequest, mailbox: Mailbox | undefined, directory: Directory, whyNot: string): AdaptiveCardJson {
  return withNotice(renderApprovalBaseCard(approvalRequestView(request, mailbox, directory)), whyNot);
}

/**
 * "Approved by X at T" / "Rejected by X at T". The decider of an approval that was all the mailbox waited for
 * also gets a Test & Enable button when the organization does not run it by itself.
 */
export function decidedCard(request: ApprovalRequest, mailbox: Mailbox | undefined, directory: Directory, viewerId: string | undefined): AdaptiveCardJson {
  const decision = request.decision;
  if (decision === null) throw new RangeError(`Approval request ${request.id} has no decision to show`);
  const { approverUserIds: _approvers, ...view } = approvalRequestView(request, mailbox, directory);
  const offerTest =
    decision.followUp === 'testAndEnableOffered' && viewerId === decision.decidedById && mailbox !== undefined && mailbox.mailboxStatus !== TestStatus.Success;
  const note =
    decision.followUp === 'testAndEnableStarted'
      ? 'Approval was all this mailbox was waiting for, so Test & Enable was started for it.'
      : offerTest
        ? 'Approval was all this mailbox was waiting for: Test & Enable it now to start synchronizing.'
        : decision.outcome === 'rejected'
          ? 'No email is processed for this mailbox until its address is approved.'
          : undefined;
  const card = renderApprovalDecidedCard({
    ...view,
    decision: decision.outcome,
    decidedBy: deciderName(decision, (userId) => nameOf(directory, userId)),
    decidedAt: decision.decidedAt,
    ...(note === undefined ? {} : { note }),
    ...(decision.remark == null ? {} : { remark: decision.remark }),
  });
  return offerTest ? withCommandButton(card, TEST_AND_ENABLE_BUTTON_TITLE, `test mailbox ${mailbox.emailAddress}`) : card;
}

/**
 * A request that ended without a decision on it: replaced by a newer request, or the mailbox left Pending Approval
 * some other way. No buttons and no refresh: there is nothing left to decide here.
 */
export function closedCard(request: ApprovalRequest, mailbox: Mailbox | undefined, directory: Directory, statusText: string, explanation: string): AdaptiveCardJson {
  const view = approvalRequestView(request, mailbox, directory);
  const fact = (title: string, value: string) => ({ title: escapeMarkdown(title), value: escapeMarkdown(value) });
  return adaptiveCardJsonSchema.parse({
    type: 'AdaptiveCard',
    $schema: ADAPTIVE_CARD_SCHEMA_URL,
    version: ADAPTIVE_CARD_VERSION,
    fallbackText: `${statusText}: the approval request for ${view.emailAddress} (mailbox ${view.mailboxName}). ${explanation}`,
    body: [
      { type: 'TextBlock', text: 'Email address approval', size: 'Medium', weight: 'Bolder', wrap: true },
      { type: 'TextBlock', text: escapeMarkdown(statusText), weight: 'Bolder', spacing: 'None', wrap: true },
      {
        type: 'FactSet',
        facts: [fact('Mailbox', view.mailboxName), fact('Email address', view.emailAddress), fact('Owner', view.ownerName), fact('Requested by', view.requestedBy)],
      },
      { type: 'TextBlock', text: escapeMarkdown(explanation), isSubtle: true, wrap: true },
    ],
  });
}

/** The closed view of a pending request whose mailbox is no longer Pending Approval. */
export function mailboxMovedOnCard(request: ApprovalRequest, mailbox: Mailbox | undefined, directory: Directory): AdaptiveCardJson {
  if (mailbox === undefined) return closedCard(request, mailbox, directory, 'Closed', 'The mailbox no longer exists, so there is nothing to approve. Nothing was changed.');
  const status = approvalStatusLabel[mailbox.emailRouterAccessApproval];
  return closedCard(request, mailbox, directory, `Email Address Status: ${status}`, `The mailbox is no longer pending approval (it is ${status} now), so this request is closed. Nothing was changed.`);
}

/** The closed view of a request a newer one replaced. */
export function supersededCard(request: ApprovalRequest, mailbox: Mailbox | undefined, directory: Directory): AdaptiveCardJson {
  return closedCard(request, mailbox, directory, 'Replaced by a newer request', 'Approval was asked for again (for example because the address changed); the newer card is the one to decide on.');
}

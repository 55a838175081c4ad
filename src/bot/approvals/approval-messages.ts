// The words the requester and the mailbox owner read about an approval request. Teams chat text is Markdown,
// so names and addresses pass through escapeMarkdownLine.
import { deciderName, type ApprovalRequest } from '../../app/approvals/approval-requests.js';
import type { Directory } from '../../domain/directory.js';
import { escapeMarkdownLine } from '../../cards/index.js';
import type { Mailbox } from '../../domain/model.js';
import { deploymentKeyOf, deploymentLabel } from '../../domain/permissions.js';
import { MAX_APPROVAL_CARD_RECIPIENTS } from './approval-views.js';

const nameOf = (directory: Directory, userId: string): string => escapeMarkdownLine(directory.userById(userId)?.fullName ?? `(unknown user ${userId})`);

/** "Ada", "Ada and Evan", "Ada, Dana and Evan" */
function listText(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1) ?? ''}`;
}

/** `2025-03-01 10:15 UTC`, as the cards write times. */
const utc = (iso: string): string => `${new Date(iso).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/**
 * Who was asked and who could not be reached. `eligibleApproverIds` empty means the permission model lets nobody
 * decide; the requester must hear that too, or they would wait for a card nobody got.
 */
export function requesterReportText(request: ApprovalRequest, mailbox: Mailbox | undefined, directory: Directory): string {
  const what = `${escapeMarkdownLine(request.emailAddress)} (mailbox ${escapeMarkdownLine(mailbox?.name ?? request.mailboxId)})`;
  if (request.eligibleApproverIds.length === 0) {
    const organization = directory.organization;
    return (
      `Nobody was asked to approve ${what}: no active user of ${escapeMarkdownLine(organization.name)} may approve it under the permission model ` +
      `for ${deploymentLabel[deploymentKeyOf(organization.deployment)]} (version ${organization.version}). Give someone the roles the permission table needs, then ask again.`
    );
  }
  const sent = request.copies.filter((copy) => copy.delivery === 'sent').map((copy) => nameOf(directory, copy.approverId));
  const pending = request.copies.filter((copy) => copy.delivery === 'pending').map((copy) => nameOf(directory, copy.approverId));
  const unreachable = [
    ...request.notAsked.filter((entry) => entry.reason !== 'overRecipientLimit').map((entry) => `${nameOf(directory, entry.approverId)} (${entry.detail})`),
    ...request.copies.filter((copy) => copy.delivery === 'failed').map((copy) => `${nameOf(directory, copy.approverId)} (${copy.failure ?? 'delivery failed'})`),
  ];
  const overLimit = request.notAsked.filter((entry) => entry.reason === 'overRecipientLimit').map((entry) => nameOf(directory, entry.approverId));

  const paragraphs: string[] = [];
  if (sent.length > 0) paragraphs.push(`I asked ${listText(sent)} to approve ${what}.`);
  else if (pending.length === 0) paragraphs.push(`I could not reach any of the people who may approve ${what}.`);
  if (pending.length > 0) paragraphs.push(`Still delivering the approval card to ${listText(pending)}; Teams has not confirmed it yet and I keep trying.`);
  if (unreachable.length > 0) paragraphs.push(`Could not reach: ${unreachable.join('; ')}.`);
  if (overLimit.length > 0) {
    paragraphs.push(
      `${overLimit.length} more ${overLimit.length === 1 ? 'approver was' : 'approvers were'} not asked, because a card can show Approve and Reject to at most ` +
        `${MAX_APPROVAL_CARD_RECIPIENTS} people (the first ${MAX_APPROVAL_CARD_RECIPIENTS} by name were): ${listText(overLimit)}.`,
    );
  }
  return paragraphs.join('\n\n');
}

/** What the mailbox owner is told once someone decided. */
export function ownerNoticeText(request: ApprovalRequest, mailbox: Mailbox | undefined, directory: Directory): string {
  const decision = request.decision;
  if (decision === null) throw new RangeError(`Approval request ${request.id} has no decision to tell the owner about`);
  const address = escapeMarkdownLine(mailbox?.emailAddress ?? request.emailAddress);
  const whose = mailbox?.regarding.type === 'queue' ? `the queue mailbox ${escapeMarkdownLine(mailbox.name)}, which you own` : 'your mailbox';
  const decided = `${decision.outcome} by ${deciderName(decision, (userId) => nameOf(directory, userId))} at ${utc(decision.decidedAt)}`;
  const remark = decision.remark == null ? '' : ` ${decision.outcome === 'rejected' ? 'Reason' : 'Comment'}: ${escapeMarkdownLine(decision.remark)}.`;
  if (decision.outcome === 'rejected') {
    return `The email address ${address} of ${whose} was ${decided}.${remark} No email is processed for it until its address is approved; once whatever was wrong is fixed, type **request approval ${address}**.`;
  }
  const next =
    decision.followUp === 'testAndEnableStarted'
      ? ' Test & Enable was started for it.'
      : ' Server-side synchronization can process its email once the mailbox is tested and enabled.';
  return `The email address ${address} of ${whose} was ${decided}.${remark}${next}`;
}

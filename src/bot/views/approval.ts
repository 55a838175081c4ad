// Approval-related answers that are not per-mailbox tables: the approval requirement, requests for
// approval, email address changes and the "sync from this org only" switch.
import type { ApprovalAudience, ApprovalRequirementChange, ApprovalRequirementView, DecidedMailbox, EmailAddressChange, MailboxChange } from '../../app/index.js';
import type { CommandButtonView } from '../../cards/index.js';
import { EmailApprovalStatus, approvalStatusLabel } from '../../domain/options.js';
import type { NoticeView } from './notice-card.js';

const onOff = (value: boolean): string => (value ? 'On' : 'Off');

export const approvalSettingLabel: Readonly<Record<ApprovalAudience, string>> = {
  users: 'Process emails only for approved users',
  queues: 'Process emails only for approved queues',
};

/** KB 4506139: processing email of unapproved addresses is possible but not recommended. */
const NOT_RECOMMENDED = 'Microsoft does not recommend processing email for unapproved addresses (KB 4506139).';

const requirementFacts = (view: ApprovalRequirementView) => [
  { title: approvalSettingLabel.users, value: onOff(view.users) },
  { title: approvalSettingLabel.queues, value: onOff(view.queues) },
];

/** Toggle buttons, only for someone the permission model lets change the requirement. */
function toggleActions(view: ApprovalRequirementView): CommandButtonView[] {
  if (!view.canChange.allowed) return [];
  return (['users', 'queues'] as const).map((audience) => {
    const on = view[audience];
    return { title: `Turn ${on ? 'off' : 'on'} for ${audience}`, command: `approval required ${audience} ${on ? 'off' : 'on'}` };
  });
}

export function approvalRequirementNotice(view: ApprovalRequirementView): NoticeView {
  const who = view.canChange.allowed
    ? `You may change these: ${view.canChange.reason}`
    : `You may not change these: ${view.canChange.reason} (rule ${view.canChange.rule})`;
  return {
    title: 'Email processing for unapproved users and queues',
    tone: view.users && view.queues ? 'good' : 'warning',
    lines: [who, ...(view.users && view.queues ? [] : [NOT_RECOMMENDED])],
    facts: requirementFacts(view),
    actions: toggleActions(view),
  };
}

export function approvalRequirementChangeNotice(change: ApprovalRequirementChange, audience: ApprovalAudience, required: boolean): NoticeView {
  const label = `“${approvalSettingLabel[audience]}”`;
  const state = required ? 'on' : 'off';
  return {
    title: change.changed ? `${label} is now ${state}` : `${label} already was ${state}`,
    tone: required ? 'good' : 'warning',
    lines: [
      ...(change.changed ? [] : ['Nothing was changed.']),
      ...(required ? [] : [NOT_RECOMMENDED]),
    ],
    facts: requirementFacts(change),
    actions: toggleActions(change),
  };
}

export function requestApprovalNotice(decided: DecidedMailbox): NoticeView {
  const { mailbox } = decided.mailbox;
  const who = `${mailbox.name} (${mailbox.emailAddress})`;
  if (mailbox.emailRouterAccessApproval === EmailApprovalStatus.Rejected) {
    return {
      title: `Approval requested again for ${who}`,
      tone: 'good',
      lines: [
        'Its email address stays Rejected until an approver decides: asking again does not undo the rejection. The people who may approve it are sent a new card with Approve and Reject that shows the earlier rejection.',
      ],
      actions: [{ title: 'Show mailbox', command: `mailbox ${mailbox.emailAddress}` }],
    };
  }
  return {
    title: decided.outcome === 'changed' ? `Approval requested for ${who}` : `${who} is already waiting for approval: the approvers are asked again`,
    tone: 'good',
    lines: [
      decided.outcome === 'changed'
        ? `Its email address status is now ${approvalStatusLabel[mailbox.emailRouterAccessApproval]}. The people who may approve it are sent a card with Approve and Reject.`
        : 'Its email address status already is Pending Approval; the people who may approve it are sent the card with Approve and Reject again.',
    ],
    actions: [{ title: 'Show mailbox', command: `mailbox ${mailbox.emailAddress}` }],
  };
}

export function emailChangeNotice(change: EmailAddressChange): NoticeView {
  const kind = change.subject.type === 'queue' ? 'queue' : 'user';
  const mailbox = change.mailbox?.mailbox;
  if (!change.changed) {
    return {
      title: `The email address of ${change.subject.name} already is ${change.newAddress}`,
      tone: 'neutral',
      lines: ['Nothing was changed.'],
    };
  }
  return {
    title: `Email address of the ${kind} ${change.subject.name} changed`,
    tone: 'good',
    lines:
      mailbox === undefined
        ? [`The ${kind} has no mailbox, so there is nothing to approve.`]
        : ['A changed address needs approval again: the mailbox is back to Pending Approval and the approvers are asked.'],
    facts: [
      { title: 'Previous address', value: change.previousAddress },
      { title: 'New address', value: change.newAddress },
      ...(mailbox === undefined ? [] : [{ title: 'Email address status', value: approvalStatusLabel[mailbox.emailRouterAccessApproval] }]),
    ],
    actions: mailbox === undefined ? [] : [{ title: 'Show mailbox', command: `mailbox ${mailbox.emailAddress}` }],
  };
}

export function syncFromThisOrgOnlyNotice(change: MailboxChange, enabled: boolean): NoticeView {
  const { mailbox } = change.mailbox;
  const state = enabled ? 'on' : 'off';
  const setting = '“Sync items with Exchange from this org only, even if Exchange was set to sync with a different org”';
  return {
    title: change.changed ? `${setting} is now ${state} for ${mailbox.name}` : `${setting} already was ${state} for ${mailbox.name}`,
    tone: 'good',
    lines: [
      ...(change.changed ? [] : ['Nothing was changed.']),
      ...(enabled ? ['The next Test & Enable makes this organization the one that synchronizes the mailbox with Exchange.'] : []),
    ],
    facts: [{ title: 'Mailbox', value: mailbox.emailAddress }],
    actions: enabled ? [{ title: 'Test & Enable', command: `test mailbox ${mailbox.emailAddress}` }] : [{ title: 'Show mailbox', command: `mailbox ${mailbox.emailAddress}` }],
  };
}

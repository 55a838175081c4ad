// Mailbox lists, one mailbox, and the per-mailbox outcomes of bulk commands, as card view models.
import type { BulkMailboxResult, ListedMailbox, MailboxDetail, MailboxFilter, MailboxListPage, MailboxOutcomeStatus, MailboxView } from '../../app/index.js';
import { fixButton } from '../../cards/index.js';
import type {
  CommandButtonView,
  MailboxDetailView,
  MailboxListView,
  MailboxOutcome,
  MailboxRowView,
  OperationResultView,
} from '../../cards/index.js';
import { EmailApprovalStatus, TestStatus } from '../../domain/options.js';
import { privilegeDepthLabel } from '../../domain/privileges.js';

const filterLabel: Readonly<Record<MailboxFilter, string>> = {
  all: 'All mailboxes',
  pending: 'Email address status: Pending Approval',
  approved: 'Email address status: Approved',
  rejected: 'Email address status: Rejected',
  failed: 'Mailbox status: Failure',
  disabled: 'Disabled for email processing',
};

const mailboxRow = (view: MailboxView): MailboxRowView => ({
  name: view.mailbox.name,
  emailAddress: view.mailbox.emailAddress,
  approvalStatus: view.mailbox.emailRouterAccessApproval,
  mailboxStatus: view.mailbox.mailboxStatus,
  profileName: view.profileName,
});

/** Why a listed mailbox fails: a retry still to come is said as such, not as a failure. */
const failureReason = (failure: NonNullable<ListedMailbox['failure']>): string =>
  failure.health === 'retrying' ? `Will try again: ${failure.cause.summary}` : failure.cause.summary;

/** The buttons of one row: decide a pending address; test a failing mailbox again, or make its fix. */
function rowActions(item: ListedMailbox): CommandButtonView[] {
  const address = item.mailbox.emailAddress;
  const actions: CommandButtonView[] = [];
  if (item.mayApprove && item.mailbox.emailRouterAccessApproval === EmailApprovalStatus.PendingApproval) {
    actions.push({ title: 'Approve', command: `approve mailbox ${address}` }, { title: 'Reject', command: `reject mailbox ${address}` });
  }
  if (item.failure !== null) {
    const { fix } = item.failure;
    const alreadyOffered = fix?.kind === 'approve' && actions.length > 0;
    if (fix !== undefined && fix.kind !== 'testAgain' && !alreadyOffered) actions.push(fixButton(fix, address));
    if (item.mayTestAndEnable) actions.push({ title: 'Test again', command: `test mailbox ${address}` });
  }
  return actions;
}

const listedRow = (item: ListedMailbox): MailboxRowView => {
  const actions = rowActions(item);
  return {
    ...mailboxRow(item),
    ...(item.failure === null ? {} : { reason: failureReason(item.failure) }),
    ...(actions.length === 0 ? {} : { actions }),
  };
};

/** Actions on the whole list: approve every pending address (a bulk write, previewed with its count), test this page's failures again. */
function listActions(page: MailboxListPage): CommandButtonView[] {
  if (page.filter === 'pending' && page.total > 1 && page.items.some((item) => item.mayApprove)) {
    return [{ title: `Approve all ${page.total.toLocaleString('en-US')}`, command: 'approve mailbox pending' }];
  }
  if (page.filter === 'failed') {
    const retestable = page.items.filter((item) => item.failure !== null && item.mayTestAndEnable).map((item) => item.mailbox.emailAddress);
    if (retestable.length > 1) return [{ title: `Test these ${retestable.length} again`, command: `test mailbox ${retestable.join(', ')}` }];
  }
  return [];
}

/**
 * One page with Previous/Next commands. `pageCommand` writes the command for another page of the same
 * query, so the buttons carry the filter and profile as typed.
 */
export function mailboxListView(page: MailboxListPage, pageCommand: (page: number) => string): MailboxListView {
  const scope =
    page.readDepth === 'Organization'
      ? []
      : [`only the mailboxes your Read Mailbox depth (${privilegeDepthLabel[page.readDepth]}) reaches`];
  return {
    filterDescription: [filterLabel[page.filter], 'active mailboxes only', ...(page.profile === null ? [] : [`profile ${page.profile.profile.name}`]), ...scope].join(' · '),
    rows: page.items.map(listedRow),
    offset: page.total === 0 ? 0 : (page.page - 1) * page.pageSize,
    total: page.total,
    previousPageCommand: page.page > 1 ? pageCommand(page.page - 1) : null,
    nextPageCommand: page.page < page.pageCount ? pageCommand(page.page + 1) : null,
    nextPageCursor: page.page < page.pageCount ? page.nextCursor : null,
    listActions: listActions(page),
  };
}

/** Buttons for what the requester may do with this mailbox, as the permission model decided for them. */
function detailActions(detail: MailboxDetail): CommandButtonView[] {
  const { mailbox } = detail.mailbox;
  const allowed = (action: string): boolean => detail.permissions.some((permission) => permission.action === action && permission.decision.allowed);
  const address = mailbox.emailAddress;
  const actions: CommandButtonView[] = [];
  if (allowed('approveEmail') && mailbox.emailRouterAccessApproval !== EmailApprovalStatus.Approved) actions.push({ title: 'Approve', command: `approve mailbox ${address}` });
  if (allowed('testAndEnable')) actions.push({ title: 'Test & Enable', command: `test mailbox ${address}` });
  // A failing mailbox's card leads to why, and to the bot's fix.
  if (mailbox.mailboxStatus === TestStatus.Failure) actions.push({ title: 'Diagnose', command: `diagnose ${address}` });
  actions.push({ title: 'Alerts', command: `alerts mailbox ${address}` });
  // Reject is never the first or primary action: it comes last, and like every write from a button it is
  // previewed and confirmed before anything changes (docs/confirmations.md).
  if (allowed('approveEmail') && mailbox.emailRouterAccessApproval !== EmailApprovalStatus.Rejected) actions.push({ title: 'Reject', command: `reject mailbox ${address}` });
  return actions;
}

export function mailboxDetailView(detail: MailboxDetail): MailboxDetailView {
  const { mailbox, ownerName, profileName, regarding } = detail.mailbox;
  return {
    name: mailbox.name,
    emailAddress: mailbox.emailAddress,
    ownerName,
    regarding: { type: regarding.type, name: regarding.name },
    profileName,
    incomingEmailDeliveryMethod: mailbox.incomingEmailDeliveryMethod,
    outgoingEmailDeliveryMethod: mailbox.outgoingEmailDeliveryMethod,
    actDeliveryMethod: mailbox.actDeliveryMethod,
    emailRouterAccessApproval: mailbox.emailRouterAccessApproval,
    isEmailAddressApprovedByO365Admin: mailbox.isEmailAddressApprovedByO365Admin,
    incomingEmailStatus: mailbox.incomingEmailStatus,
    outgoingEmailStatus: mailbox.outgoingEmailStatus,
    actStatus: mailbox.actStatus,
    mailboxStatus: mailbox.mailboxStatus,
    enabledForIncomingEmail: mailbox.enabledForIncomingEmail,
    enabledForOutgoingEmail: mailbox.enabledForOutgoingEmail,
    enabledForAct: mailbox.enabledForAct,
    orgMarkedAsPrimaryForExchangeSync: mailbox.orgMarkedAsPrimaryForExchangeSync,
    testEmailConfigurationScheduled: mailbox.testEmailConfigurationScheduled,
    testEmailConfigurationRetryCount: mailbox.testEmailConfigurationRetryCount,
    postponeTestEmailConfigurationUntil: mailbox.postponeTestEmailConfigurationUntil,
    testMailboxAccessCompletedOn: mailbox.testMailboxAccessCompletedOn,
    active: mailbox.active,
    actions: detailActions(detail),
  };
}

/** Refused and invalid mailboxes were not done: both are failures, each with its reason. */
const outcomeOf: Readonly<Record<MailboxOutcomeStatus, MailboxOutcome>> = {
  changed: 'succeeded',
  unchanged: 'skipped',
  refused: 'failed',
  invalid: 'failed',
};

/** Every mailbox of a bulk command; the card shows failures first and states how many it leaves out. */
export function operationResultView(title: string, result: BulkMailboxResult, seeAllCommand?: CommandButtonView): OperationResultView {
  return {
    title,
    rows: result.outcomes.map((outcome) => ({
      mailboxName: outcome.mailbox.mailbox.name,
      emailAddress: outcome.mailbox.mailbox.emailAddress,
      outcome: outcomeOf[outcome.status],
      reason: outcome.status === 'refused' && outcome.decision !== undefined ? `Not allowed: ${outcome.reason} (rule ${outcome.decision.rule})` : outcome.reason,
    })),
    ...(seeAllCommand === undefined ? {} : { seeAllCommand }),
  };
}

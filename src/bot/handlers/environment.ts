// What every command handler works with: the services, the request (whose requester comes from the
// activity, never from the command text) and helpers to answer, including the card for a domain error.
// The registrations import this, so it knows no registry: the dispatcher builds the environment
// (src/bot/handlers/command-environment.ts).
import type { MailboxSelector, UseCaseContext } from '../../app/index.js';
import type { ApprovalRequestRepository } from '../../app/approvals/approval-requests.js';
import type { PendingChoiceRepository } from '../../app/ports/pending-choices.js';
import type { AdaptiveCardJson } from '../../cards/index.js';
import type { DomainError } from '../../domain/errors.js';
import type { User } from '../../domain/model.js';
import type { WriteKind } from '../../domain/confirmation.js';
import type { MailboxKeyword, MailboxSelection } from '../commands/values.js';
import type { AlertSubscriptions, CoreServices, TestAndEnableJobs } from '../services.js';
import type { CommandRequest, Reply } from '../requests.js';
import { mailboxRefText } from '../views/command-line.js';

export interface CommandDispatcherDependencies extends CoreServices {
  readonly jobs: TestAndEnableJobs;
  readonly subscriptions: AlertSubscriptions;
  /** Approval requests, for how long pending addresses have waited (the health card); absent in some tests. */
  readonly approvalRequests?: Pick<ApprovalRequestRepository, 'all'>;
  /** Where confirmations and suggestions wait for their click (shared by every instance with several). */
  readonly pendingChoices: PendingChoiceRepository;
}

export interface HandlerEnvironment {
  readonly deps: CommandDispatcherDependencies;
  readonly request: CommandRequest;
  /** The chat line of the command being handled (what to type again, e.g. with a reason added). */
  readonly commandText: string;
  /** Who asked, as identified from the activity. */
  readonly requester: User;
  readonly useCases: UseCaseContext;
  /** Sends a reply; resolves to the id of the message showing it, when known. */
  send(reply: Reply): Promise<string | undefined>;
  sendCard(card: AdaptiveCardJson): Promise<string | undefined>;
  /** Answers a domain error: a refusal card, a "not found" card with corrections, or a specific notice. */
  fail(error: DomainError, attempted: string): Promise<void>;
}

/** A selection that names one mailbox writes one record; a longer list, `all` or `pending` writes several. */
export const selectionWrite = (selection: MailboxSelection<MailboxKeyword>): WriteKind =>
  selection.kind === 'list' && selection.mailboxes.length === 1 ? 'single' : 'bulk';

/** The use cases' selector for a parsed mailbox selection: `all`, `pending`, or the names and addresses typed. */
export function mailboxSelector(selection: MailboxSelection<MailboxKeyword>): MailboxSelector {
  return selection.kind === 'keyword' ? selection.keyword : selection.mailboxes.map(mailboxRefText);
}

const LISTED_NAMES = 3;

/** "pia@contoso.com", "pia@contoso.com, Sales Inbox and 3 more", "every mailbox Pending Approval". */
export function describeSelection(selection: MailboxSelection<MailboxKeyword>): string {
  if (selection.kind === 'keyword') return selection.keyword === 'all' ? 'every active mailbox' : 'every mailbox Pending Approval';
  const names = selection.mailboxes.map(mailboxRefText);
  const shown = names.slice(0, LISTED_NAMES);
  const more = names.length - shown.length;
  return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ');
}

// Changing a user's or queue's email address. The address needs approval again (seed: "You only need to
// approve the email address for a user when their email address has changed"), so the mailbox goes back
// to Pending Approval and loses the Microsoft 365 admin approval (domain.md §9).
import { mailboxWithNewAddress } from '../domain/address-approval.js';
import { domainError, type DomainError } from '../domain/errors.js';
import type { AuditEntry, Mailbox } from '../domain/model.js';
import { approvalStatusLabel } from '../domain/options.js';
import { canChangeEmailAddress } from '../domain/permissions.js';
import { err, ok, type Result } from '../domain/result.js';
import { auditEntry, mailboxTarget, queueTarget, userTarget } from './audit.js';
import { refusal } from './authorization.js';
import type { Requester, UseCaseContext } from './context.js';
import type { AppEvent } from './events.js';
import { describeInputProblem, emailAddressInput } from './inputs.js';
import { findUserOrQueue, type UserOrQueue } from './lookup.js';
import { findFirst, type ChangeEmailAddress, type OrganizationRecords } from './ports.js';
import { carryOut, type Written } from './unit-of-work.js';
import { mailboxView, type MailboxView } from './views.js';

export interface ChangeEmailAddressInput {
  /** The user (full name, primary email, UPN or id) or queue (name, email address or id). */
  readonly who: string;
  readonly newAddress: string;
}

export interface EmailAddressChange {
  readonly subject: { readonly type: 'systemuser' | 'queue'; readonly id: string; readonly name: string };
  readonly previousAddress: string;
  readonly newAddress: string;
  /** The user's or queue's mailbox after the change; null when it has none. */
  readonly mailbox: MailboxView | null;
  /** False when the address already was this one (compared ignoring case; nothing committed). */
  readonly changed: boolean;
}

const same = (a: string, b: string): boolean => a.trim().toLowerCase() === b.trim().toLowerCase();

/** Who else already uses the address, as "the user Ada Admin"; null when nobody does. */
async function addressTakenBy(records: OrganizationRecords, address: string, subject: UserOrQueue, ownMailbox: Mailbox | undefined): Promise<string | null> {
  const subjectId = subject.type === 'systemuser' ? subject.user.id : subject.queue.id;
  const user = await findFirst(
    (page) => records.userPage(page),
    (candidate) => !(subject.type === 'systemuser' && candidate.id === subjectId) && (same(candidate.primaryEmail, address) || same(candidate.userPrincipalName, address)),
  );
  if (user !== undefined) return `the user ${user.fullName}`;
  const queue = await findFirst((page) => records.queuePage(page), (candidate) => !(subject.type === 'queue' && candidate.id === subjectId) && same(candidate.emailAddress, address));
  if (queue !== undefined) return `the queue ${queue.name}`;
  const mailbox = await records.mailboxByEmail(address);
  if (mailbox !== undefined && mailbox.id !== ownMailbox?.id) return `the mailbox ${mailbox.name}`;
  return null;
}

/**
 * Updates the user's primary email (`internalemailaddress`, not the UPN) or the queue's address, and the
 * mailbox's address; resets the mailbox to Pending Approval and publishes `approvalRequested` ('emailChanged').
 */
export function changeEmailAddress(context: UseCaseContext, requester: Requester, input: ChangeEmailAddressInput): Promise<Result<EmailAddressChange, DomainError>> {
  return carryOut(context, requester, async () => {
    const { records } = context;
    const parsed = emailAddressInput.safeParse(input.newAddress);
    if (!parsed.success) return err(domainError('InvalidValue', `The email address was not changed: ${describeInputProblem(parsed.error)}.`));
    const newAddress = parsed.data;
    const found = await findUserOrQueue(records, input.who);
    if (!found.ok) return found;
    const subject = found.value;
    const regarding = subject.type === 'systemuser' ? { type: 'systemuser' as const, id: subject.user.id } : { type: 'queue' as const, id: subject.queue.id };
    const subjectName = subject.type === 'systemuser' ? subject.user.fullName : subject.queue.name;
    const directory = await records.directory();
    const decision = canChangeEmailAddress(requester, regarding, directory);
    if (!decision.allowed) return err(refusal(`Changing the email address of ${subjectName}`, decision));

    const previousAddress = subject.type === 'systemuser' ? subject.user.primaryEmail : subject.queue.emailAddress;
    const mailbox = await records.mailboxByRegarding(regarding);
    const summary =
      (changed: boolean, after?: Mailbox) =>
      (written: Written): EmailAddressChange => {
        const current = mailbox === undefined ? undefined : (written.mailbox(mailbox.id) ?? after ?? mailbox);
        return {
          subject: { ...regarding, name: subjectName },
          previousAddress,
          newAddress: changed ? newAddress : previousAddress,
          mailbox: current === undefined ? null : mailboxView(current, directory),
          changed,
        };
      };
    if (same(previousAddress, newAddress)) return ok({ intents: [], events: [], answer: summary(false) });
    const takenBy = await addressTakenBy(records, newAddress, subject, mailbox);
    if (takenBy !== null) return err(domainError('InvalidValue', `${newAddress} is already used by ${takenBy}; an email address can belong to only one user, queue or mailbox.`));

    const audit: AuditEntry[] = [];
    const rule = decision.rule;
    const intent: ChangeEmailAddress = {
      kind: 'changeEmailAddress',
      owner: subject.type === 'systemuser' ? { type: 'systemuser', expected: subject.user } : { type: 'queue', expected: subject.queue },
      address: newAddress,
      expectedMailboxVersion: mailbox?.version ?? null,
    };
    if (subject.type === 'systemuser') {
      audit.push(auditEntry(context, requester, { action: 'user.changeEmailAddress', target: userTarget(subject.user), rule, details: `Primary Email: ${previousAddress} → ${newAddress}` }));
    } else {
      audit.push(auditEntry(context, requester, { action: 'queue.changeEmailAddress', target: queueTarget(subject.queue), rule, details: `Incoming Email: ${previousAddress} → ${newAddress}` }));
    }
    const events: AppEvent[] = [];
    // What the owner's mailbox becomes (the records adapter makes it so; shown if the write returns nothing newer).
    const after: Mailbox | undefined =
      mailbox === undefined ? undefined : mailboxWithNewAddress(mailbox, newAddress);
    if (mailbox !== undefined && after !== undefined) {
      audit.push(
        auditEntry(context, requester, {
          action: 'mailbox.changeEmailAddress',
          target: mailboxTarget(mailbox),
          rule,
          details: `Email Address: ${mailbox.emailAddress} → ${newAddress}; Email Address Status: ${approvalStatusLabel[mailbox.emailRouterAccessApproval]} → ${approvalStatusLabel[after.emailRouterAccessApproval]} (a changed address needs approval again)`,
        }),
      );
      events.push({ type: 'approvalRequested', mailboxId: mailbox.id, requestedById: requester.id, reason: 'emailChanged' });
    }
    return ok({ intents: [intent], audit, events, answer: summary(true, after) });
  });
}

// Per-mailbox results of operations on several mailboxes: each mailbox is changed, left unchanged
// (already so), refused by the permission model, or invalid for a rule, with the reason in words.
import { domainError, type DomainError } from '../domain/errors.js';
import type { Mailbox } from '../domain/model.js';
import type { PermissionDecision } from '../domain/permissions.js';
import { err, ok, type Result } from '../domain/result.js';
import type { Directory } from '../domain/directory.js';
import type { Written } from './unit-of-work.js';
import { mailboxView, type MailboxView } from './views.js';

export type MailboxOutcomeStatus = 'changed' | 'unchanged' | 'refused' | 'invalid';

export interface MailboxOutcome {
  /** For a changed mailbox, the record as committed (new version). */
  readonly mailbox: MailboxView;
  readonly status: MailboxOutcomeStatus;
  /** What changed, why nothing needed to, or why it was refused. */
  readonly reason: string;
  /** The permission model's decision; its rule and reason explain a refusal. */
  readonly decision?: PermissionDecision;
}

export interface BulkMailboxResult {
  readonly outcomes: readonly MailboxOutcome[];
  readonly counts: Readonly<Record<MailboxOutcomeStatus, number>>;
}

/** What a use case decided for one mailbox before committing. */
export interface PlannedOutcome {
  readonly mailbox: Mailbox;
  readonly status: MailboxOutcomeStatus;
  readonly reason: string;
  readonly decision?: PermissionDecision;
}

export function countOutcomes(outcomes: readonly { readonly status: MailboxOutcomeStatus }[]): Record<MailboxOutcomeStatus, number> {
  const counts: Record<MailboxOutcomeStatus, number> = { changed: 0, unchanged: 0, refused: 0, invalid: 0 };
  for (const outcome of outcomes) counts[outcome.status] += 1;
  return counts;
}

/** Builds the answer after the write: changed mailboxes are shown as written, so they carry their new version. */
export function bulkResult(directory: Directory, written: Written, planned: readonly PlannedOutcome[]): BulkMailboxResult {
  const outcomes = planned.map((outcome): MailboxOutcome => {
    const current = outcome.status === 'changed' ? (written.mailbox(outcome.mailbox.id) ?? outcome.mailbox) : outcome.mailbox;
    return {
      mailbox: mailboxView(current, directory),
      status: outcome.status,
      reason: outcome.reason,
      ...(outcome.decision === undefined ? {} : { decision: outcome.decision }),
    };
  });
  return { outcomes, counts: countOutcomes(outcomes) };
}

/** How many per-mailbox reasons an all-refused error spells out before summarising the rest. */
const REASONS_IN_MESSAGE = 5;

/**
 * When not a single selected mailbox could be acted on, the call fails as a whole, so a one-mailbox
 * command gets a plain refusal (with the permission decision) instead of a table with one red row.
 * Otherwise the refusals travel as per-mailbox outcomes next to the successes.
 */
export function failIfNothingAllowed(action: string, planned: readonly PlannedOutcome[]): Result<void, DomainError> {
  if (planned.some((outcome) => outcome.status === 'changed' || outcome.status === 'unchanged')) return ok(undefined);
  const firstRefusal = planned.find((outcome) => outcome.status === 'refused');
  const reasons = planned.slice(0, REASONS_IN_MESSAGE).map((outcome) => `${outcome.mailbox.name}: ${outcome.reason}`);
  const more = planned.length > REASONS_IN_MESSAGE ? ` (and ${planned.length - REASONS_IN_MESSAGE} more)` : '';
  const message = `Cannot ${action}. ${reasons.join(' ')}${more}`;
  if (firstRefusal !== undefined) {
    return err(domainError('PermissionDenied', message, firstRefusal.decision === undefined ? {} : { decision: firstRefusal.decision }));
  }
  return err(domainError('InvalidValue', message));
}

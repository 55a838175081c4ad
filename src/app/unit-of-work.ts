// Every use case call ends in at most ONE store commit holding all its records and audit entries.
// Mailboxes are written compare-and-set against the versions the plan was computed from, so two
// admins acting at once never silently overwrite each other: on a conflict the plan is recomputed.
import { domainError, type DomainError } from '../domain/errors.js';
import { err, ok, type Result } from '../domain/result.js';
import type { UseCaseContext } from './context.js';
import type { AppEvent } from './events.js';
import type { ChangeSet } from './ports.js';

export interface Plan<T> {
  readonly changes: ChangeSet;
  /** Recorded in the event outbox by the same commit, and published once it succeeded. */
  readonly events: readonly AppEvent[];
  /** Builds the answer from the state after the commit (so mailbox versions are the new ones). */
  readonly answer: () => T;
}

/** Attempts before a call gives up because other changes keep landing on the same mailboxes. */
const MAX_ATTEMPTS = 3;

export function hasChanges(changes: ChangeSet): boolean {
  return (
    changes.organization !== undefined ||
    [changes.users, changes.queues, changes.mailboxes, changes.profiles, changes.securityRoles, changes.businessUnits, changes.alerts, changes.audit, changes.events].some(
      (records) => records !== undefined && records.length > 0,
    )
  );
}

/** The versions the changed mailboxes had when read: the commit fails if any has moved since. */
function withExpectedVersions(changes: ChangeSet): ChangeSet {
  if (changes.expectedMailboxVersions !== undefined || changes.mailboxes === undefined) return changes;
  return { ...changes, expectedMailboxVersions: Object.fromEntries(changes.mailboxes.map((mailbox) => [mailbox.id, mailbox.version])) };
}

/**
 * Computes the plan from the current state, commits it once with its events, publishes them, and answers.
 * A plan without changes answers without committing. `makePlan` must only read: it may run again.
 */
export async function carryOut<T>(context: UseCaseContext, makePlan: () => Result<Plan<T>, DomainError>): Promise<Result<T, DomainError>> {
  let conflict: readonly string[] = [];
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const planned = makePlan();
    if (!planned.ok) return planned;
    const plan = planned.value;
    const changes: ChangeSet = plan.events.length === 0 ? plan.changes : { ...plan.changes, events: [...(plan.changes.events ?? []), ...plan.events] };
    if (!hasChanges(changes)) return ok(plan.answer());
    const outcome = await context.store.commit(withExpectedVersions(changes));
    if (outcome.ok) {
      for (const event of plan.events) context.events.publish(event);
      return ok(plan.answer());
    }
    conflict = outcome.conflict;
  }
  return err(
    domainError(
      'VersionConflict',
      `Other changes kept arriving for ${conflict.length === 1 ? 'a mailbox' : `${conflict.length} mailboxes`} while this ran (${conflict.join(', ')}); nothing was changed. Try again.`,
    ),
  );
}

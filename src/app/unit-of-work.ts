// Every use case call ends in at most ONE write: one IntentBatch holding its intents, audit entries and events.
// Each intent names the version of what it changes as the plan read it, so two admins acting at once never
// silently overwrite each other: on a conflict the plan is recomputed from the current state.
import { domainError, type DomainError } from '../domain/errors.js';
import type { AuditEntry, Mailbox } from '../domain/model.js';
import { err, ok, type Result } from '../domain/result.js';
import type { Requester, UseCaseContext } from './context.js';
import type { AppEvent } from './events.js';
import { personCaller, type IntentConflict, type RecordIntent } from './ports.js';

/** What a write left behind, for the answer: the changed mailboxes as stored now (with their new versions). */
export interface Written {
  mailbox(id: string): Mailbox | undefined;
}

export interface Plan<T> {
  readonly intents: readonly RecordIntent[];
  /** Written with the intents (see `IntentBatch.audit`). */
  readonly audit?: readonly AuditEntry[];
  /** Recorded with the intents (the event outbox), and published once the write succeeded. */
  readonly events: readonly AppEvent[];
  /** Builds the answer once written (`Written` is empty when nothing was). */
  readonly answer: (written: Written) => T;
}

/** Attempts before a call gives up because other changes keep landing on what it changes. */
const MAX_ATTEMPTS = 3;

const nothingWritten: Written = { mailbox: () => undefined };

function writtenFrom(mailboxes: readonly Mailbox[]): Written {
  const byId = new Map(mailboxes.map((mailbox) => [mailbox.id, mailbox]));
  return { mailbox: (id) => byId.get(id) };
}

const describeConflict = (conflict: IntentConflict): string => {
  const noun = conflict.record.type === 'systemuser' ? 'user' : conflict.record.type === 'role' ? 'security role' : conflict.record.type;
  return conflict.actual === null ? `the ${noun} ${conflict.record.id} no longer exists` : `the ${noun} ${conflict.record.id} changed meanwhile`;
};

/**
 * Computes the plan from the current state, writes it once with its events, publishes them, and answers.
 * A plan without intents, audit or events answers without writing. `makePlan` must only read: it may run again.
 */
export async function carryOut<T>(context: UseCaseContext, requester: Requester, makePlan: () => Promise<Result<Plan<T>, DomainError>>): Promise<Result<T, DomainError>> {
  let conflict: IntentConflict | undefined;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const planned = await makePlan();
    if (!planned.ok) return planned;
    const plan = planned.value;
    if (plan.intents.length === 0 && (plan.audit?.length ?? 0) === 0 && plan.events.length === 0) return ok(plan.answer(nothingWritten));
    const outcome = await context.records.apply({
      caller: personCaller(requester),
      intents: plan.intents,
      ...(plan.audit === undefined ? {} : { audit: plan.audit }),
      ...(plan.events.length === 0 ? {} : { events: plan.events }),
    });
    if (outcome.ok) {
      for (const event of plan.events) context.events.publish(event);
      return ok(plan.answer(writtenFrom(outcome.mailboxes)));
    }
    conflict = outcome.conflict;
  }
  return err(
    domainError(
      'VersionConflict',
      `Other changes kept arriving while this ran (last: ${conflict === undefined ? 'unknown' : describeConflict(conflict)}); nothing was changed. Try again.`,
    ),
  );
}

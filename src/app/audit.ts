// One audit entry per changed record: who, what, which record, the permission rule that allowed it, when.
import type { AuditEntry, EmailServerProfile, Mailbox, Organization, Queue, SecurityRole, User } from '../domain/model.js';
import type { UseCaseContext, Requester } from './context.js';

export type AuditTarget = AuditEntry['target'];

export const mailboxTarget = (mailbox: Mailbox): AuditTarget => ({ type: 'mailbox', id: mailbox.id, name: mailbox.name });
export const profileTarget = (profile: EmailServerProfile): AuditTarget => ({ type: 'emailserverprofile', id: profile.id, name: profile.name });
export const organizationTarget = (organization: Organization): AuditTarget => ({ type: 'organization', id: organization.id, name: organization.name });
export const userTarget = (user: User): AuditTarget => ({ type: 'systemuser', id: user.id, name: user.fullName });
export const queueTarget = (queue: Queue): AuditTarget => ({ type: 'queue', id: queue.id, name: queue.name });
export const roleTarget = (role: SecurityRole): AuditTarget => ({ type: 'role', id: role.id, name: role.name });

export interface AuditFacts {
  /** Stable verb, e.g. `mailbox.approveEmail`; the audit card groups by it. */
  readonly action: string;
  readonly target: AuditTarget;
  /** The permission rule id that allowed the change. */
  readonly rule: string | null;
  /** What changed, old → new, in words. */
  readonly details: string;
}

export function auditEntry(context: UseCaseContext, requester: Requester, facts: AuditFacts): AuditEntry {
  return {
    id: context.ids.next('audit'),
    at: context.clock.now().toISOString(),
    actorId: requester.id,
    actorName: requester.fullName,
    action: facts.action,
    target: facts.target,
    rule: facts.rule,
    details: facts.details,
  };
}

/** "Incoming Email: None → Server-Side Synchronization or Email Router; …" for the fields that differ. */
export function describeChanges(changes: readonly { readonly field: string; readonly from: string; readonly to: string }[]): string {
  return changes
    .filter((change) => change.from !== change.to)
    .map((change) => `${change.field}: ${change.from} → ${change.to}`)
    .join('; ');
}

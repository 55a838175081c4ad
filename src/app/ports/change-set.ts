// What one use case changes, as one atomic commit. A leaf of the ports: the store's commit (ports.ts) and the
// records port's intents (ports/records.ts) both speak it.
import type { AuditEntry, Alert, BusinessUnit, EmailServerProfile, Mailbox, Organization, Queue, SecurityRole, User } from '../../domain/model.js';
import type { AppEvent } from '../events.js';

/** Everything one use case changes, committed as a single atomic write. */
export interface ChangeSet {
  readonly organization?: Organization;
  readonly users?: readonly User[];
  readonly queues?: readonly Queue[];
  readonly mailboxes?: readonly Mailbox[];
  readonly profiles?: readonly EmailServerProfile[];
  readonly securityRoles?: readonly SecurityRole[];
  readonly businessUnits?: readonly BusinessUnit[];
  /** Appended to the Alerts walls. */
  readonly alerts?: readonly Alert[];
  /** Appended to the audit log. */
  readonly audit?: readonly AuditEntry[];
  /** Domain events caused by these changes: written to the event outbox in the same commit (see event-outbox.ts). */
  readonly events?: readonly AppEvent[];
  /** Compare-and-set: the commit fails with `VersionConflict` unless each mailbox still has this version. */
  readonly expectedMailboxVersions?: Readonly<Record<string, number>>;
}

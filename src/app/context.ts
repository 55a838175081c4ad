// What every use case receives: the ports it works through, injected so tests can fix time and ids.
import type { User } from '../domain/model.js';
import type { AppEvents } from './events.js';
import type { AuditLog, Clock, IdGenerator, OrganizationRecords } from './ports.js';

export interface UseCaseContext {
  /** The organization's records: asynchronous reads, cursor pages, intents checked against versions. */
  readonly records: OrganizationRecords;
  readonly auditLog: AuditLog;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly events: AppEvents;
}

/**
 * Who is asking. The bot resolves it from the activity's Entra object id (`activity.from.aadObjectId`)
 * through `records.userByAadObjectId`, never from anything typed in the command.
 */
export type Requester = User;

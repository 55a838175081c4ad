// "Why is this mailbox not working?" and the sync health overview: the records and alerts the domain's rules
// (src/domain/diagnosis.ts, src/domain/sync-health.ts) read, limited to what the requester may see.
import type { Diagnosis } from '../domain/diagnosis.js';
import { diagnoseMailbox } from '../domain/diagnosis.js';
import type { DomainError } from '../domain/errors.js';
import type { Alert } from '../domain/model.js';
import { depthReaches, mailboxOwnership } from '../domain/privileges.js';
import { err, ok, type Result } from '../domain/result.js';
import { summarizeSyncHealth, type SyncHealth } from '../domain/sync-health.js';
import { canReadMailbox, mailboxReadScope, refusal } from './authorization.js';
import { fixPermission } from './fix-permission.js';
import type { Requester, UseCaseContext } from './context.js';
import { selectOneMailbox } from './mailbox-selection.js';
import { readAll } from './ports.js';
import { mailboxView, type MailboxView } from './views.js';

/** Alerts read per mailbox: enough for the latest test and the start of a failing streak. */
const ALERTS_PER_MAILBOX = 20;

export interface MailboxDiagnosis {
  readonly mailbox: MailboxView;
  readonly diagnosis: Diagnosis;
  /** Newest first. */
  readonly latestAlerts: readonly Alert[];
  /** Whether the requester may make the fix themselves; the button is offered only then. */
  readonly mayFix: boolean;
}

export async function diagnoseMailboxFor(context: UseCaseContext, requester: Requester, input: { readonly mailbox: string }): Promise<Result<MailboxDiagnosis, DomainError>> {
  const { records } = context;
  const directory = await records.directory();
  const scope = mailboxReadScope(requester, directory);
  if (scope.depth === null) return err(refusal('Diagnosing a mailbox', scope.decision));
  const selected = await selectOneMailbox(records, input.mailbox);
  if (!selected.ok) return selected;
  const mailbox = selected.value;
  const decision = canReadMailbox(requester, mailbox, directory);
  if (!decision.allowed) return err(refusal(`Diagnosing the mailbox ${mailbox.name}`, decision));
  const alerts = await records.alertsFor({ type: 'mailbox', id: mailbox.id }, ALERTS_PER_MAILBOX);
  const diagnosis = diagnoseMailbox(mailbox, directory, alerts);
  const mayFix = diagnosis.fix === undefined ? false : fixPermission(diagnosis.fix)(requester, mailbox, directory).allowed;
  return ok({ mailbox: mailboxView(mailbox, directory), diagnosis, latestAlerts: [...alerts].sort((a, b) => b.createdOn.localeCompare(a.createdOn)), mayFix });
}

export interface SyncHealthReport extends SyncHealth {
  readonly organizationName: string;
}

/**
 * The health of every active mailbox the requester's Read Mailbox depth reaches. `approvalRequestedOn`: when
 * each pending mailbox's approval was asked for, where the caller keeps approval requests.
 */
export async function syncHealthFor(
  context: UseCaseContext,
  requester: Requester,
  input: { readonly approvalRequestedOn?: ReadonlyMap<string, string> } = {},
): Promise<Result<SyncHealthReport, DomainError>> {
  const { records } = context;
  const directory = await records.directory();
  const scope = mailboxReadScope(requester, directory);
  if (scope.depth === null) return err(refusal('Showing the sync health', scope.decision));
  const depth = scope.depth;
  const mailboxes = (await readAll((page) => records.mailboxPage({ activeOnly: true }, page))).filter(
    (mailbox) => depth === 'Organization' || depthReaches(depth, requester, mailboxOwnership(mailbox, directory), directory),
  );
  const alerts = (await Promise.all(mailboxes.map((mailbox) => records.alertsFor({ type: 'mailbox', id: mailbox.id }, ALERTS_PER_MAILBOX)))).flat();
  const organization = await records.organization();
  const health = summarizeSyncHealth({ mailboxes, directory, alerts, approvalRequestedOn: input.approvalRequestedOn ?? new Map(), now: context.clock.now() });
  return ok({ ...health, organizationName: organization.name });
}

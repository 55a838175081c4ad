// The server-side synchronization health overview, modelled on the admin center's monitoring dashboard:
// counts by health and by cause, the mailboxes failing longest, when tests last ran, pending approvals and
// their age, and a seven-day trend of test results. Pure: the caller passes records and alerts.
import { diagnoseMailbox, type DiagnosisCauseCode, type MailboxHealth } from './diagnosis.js';
import type { Directory } from './directory.js';
import type { Alert, Mailbox } from './model.js';
import { EmailApprovalStatus } from './options.js';

export interface FailingMailbox {
  readonly mailboxId: string;
  readonly name: string;
  readonly emailAddress: string;
  readonly cause: DiagnosisCauseCode;
  readonly summary: string;
  /** The first failure alert of the current failing streak, or null when no alert dates it. */
  readonly failingSince: string | null;
}

export interface PendingApproval {
  readonly mailboxId: string;
  readonly name: string;
  readonly emailAddress: string;
  /** When approval was requested, when known. */
  readonly requestedOn: string | null;
  readonly ageDays: number | null;
}

export interface TrendDay {
  /** YYYY-MM-DD (UTC). */
  readonly day: string;
  readonly succeeded: number;
  readonly failed: number;
}

export interface SyncHealth {
  readonly activeMailboxes: number;
  readonly byHealth: Readonly<Record<MailboxHealth, number>>;
  /** Causes of mailboxes that are not working, most frequent first. */
  readonly byCause: readonly { readonly cause: DiagnosisCauseCode; readonly count: number }[];
  readonly failingLongest: readonly FailingMailbox[];
  readonly lastTestCompletedOn: string | null;
  readonly neverTested: number;
  readonly pendingApprovals: readonly PendingApproval[];
  readonly trend: readonly TrendDay[];
}

export interface SyncHealthInput {
  readonly mailboxes: readonly Mailbox[];
  readonly directory: Directory;
  /** Alerts regarding mailboxes, any order. */
  readonly alerts: readonly Alert[];
  /** When each pending mailbox's approval was requested (from the approval requests). */
  readonly approvalRequestedOn: ReadonlyMap<string, string>;
  readonly now: Date;
  /** How many of the longest-failing and oldest pending to list. */
  readonly limit?: number;
}

const DAY_MS = 86_400_000;
const dayOf = (timestamp: string): string => timestamp.slice(0, 10);

export function summarizeSyncHealth(input: SyncHealthInput): SyncHealth {
  const limit = input.limit ?? 5;
  const alertsByMailbox = new Map<string, Alert[]>();
  for (const alert of input.alerts) {
    if (alert.regarding.type !== 'mailbox') continue;
    alertsByMailbox.set(alert.regarding.id, [...(alertsByMailbox.get(alert.regarding.id) ?? []), alert]);
  }
  const byHealth: Record<MailboxHealth, number> = { working: 0, failing: 0, retrying: 0, notTested: 0, blocked: 0 };
  const causeCounts = new Map<DiagnosisCauseCode, number>();
  const failing: FailingMailbox[] = [];
  const pending: PendingApproval[] = [];
  let lastTest: string | null = null;
  const active = input.mailboxes.filter((mailbox) => mailbox.active);

  for (const mailbox of active) {
    const alerts = alertsByMailbox.get(mailbox.id) ?? [];
    const diagnosis = diagnoseMailbox(mailbox, input.directory, alerts);
    byHealth[diagnosis.health] += 1;
    const [cause] = diagnosis.causes;
    if (cause !== undefined && diagnosis.health !== 'notTested') causeCounts.set(cause.code, (causeCounts.get(cause.code) ?? 0) + 1);
    if (diagnosis.health === 'failing' && cause !== undefined) {
      // The streak starts after the last success: the oldest non-success alert newer than it.
      const newestFirst = [...alerts].sort((a, b) => b.createdOn.localeCompare(a.createdOn));
      const lastSuccess = newestFirst.find((alert) => alert.code === 'TestSucceeded')?.createdOn ?? '';
      const streak = newestFirst.filter((alert) => alert.code !== 'TestSucceeded' && alert.createdOn > lastSuccess);
      failing.push({ mailboxId: mailbox.id, name: mailbox.name, emailAddress: mailbox.emailAddress, cause: cause.code, summary: cause.summary, failingSince: streak.at(-1)?.createdOn ?? null });
    }
    if (mailbox.emailRouterAccessApproval === EmailApprovalStatus.PendingApproval) {
      const requestedOn = input.approvalRequestedOn.get(mailbox.id) ?? null;
      pending.push({
        mailboxId: mailbox.id,
        name: mailbox.name,
        emailAddress: mailbox.emailAddress,
        requestedOn,
        ageDays: requestedOn === null ? null : Math.floor((input.now.getTime() - Date.parse(requestedOn)) / DAY_MS),
      });
    }
    const completed = mailbox.testMailboxAccessCompletedOn;
    if (completed !== null && (lastTest === null || completed > lastTest)) lastTest = completed;
  }

  const trend: TrendDay[] = [];
  for (let back = 6; back >= 0; back--) {
    const day = dayOf(new Date(input.now.getTime() - back * DAY_MS).toISOString());
    trend.push({ day, succeeded: 0, failed: 0 });
  }
  const trendByDay = new Map(trend.map((entry) => [entry.day, entry]));
  for (const alert of input.alerts) {
    const entry = trendByDay.get(dayOf(alert.createdOn));
    if (entry === undefined || alert.regarding.type !== 'mailbox') continue;
    const counted = alert.code === 'TestSucceeded' ? { ...entry, succeeded: entry.succeeded + 1 } : { ...entry, failed: entry.failed + 1 };
    trendByDay.set(entry.day, counted);
  }

  return {
    activeMailboxes: active.length,
    byHealth,
    byCause: [...causeCounts.entries()].map(([cause, count]) => ({ cause, count })).sort((a, b) => b.count - a.count || a.cause.localeCompare(b.cause)),
    failingLongest: failing
      .sort((a, b) => (a.failingSince ?? '\uffff').localeCompare(b.failingSince ?? '\uffff') || a.name.localeCompare(b.name))
      .slice(0, limit),
    lastTestCompletedOn: lastTest,
    neverTested: byHealth.notTested,
    pendingApprovals: pending.sort((a, b) => (a.requestedOn ?? '\uffff').localeCompare(b.requestedOn ?? '\uffff')).slice(0, limit),
    trend: trend.map((entry) => trendByDay.get(entry.day) ?? entry),
  };
}

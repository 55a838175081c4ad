// The sync health overview (`health`): tiles by health, causes, the mailboxes failing longest, pending
// approvals by age, and a seven-day chart of test results with a text fallback where charts are not shown.
import type { DiagnosisCauseCode, MailboxHealth } from '../domain/diagnosis.js';
import type { SyncHealth } from '../domain/sync-health.js';
import { toButtonSet, type ButtonSetData } from './buttons.js';
import type { AdaptiveCardJson } from './card-json.js';
import type { CommandButtonView } from './view-models.js';
import { countOf, escapeMarkdown, formatUtc, formatUtcOrDash } from './format.js';
import { loadCardTemplate } from './template-store.js';

export interface SyncHealthView extends SyncHealth {
  readonly organizationName: string;
  /** Where to act next: the failed and pending lists, the longest failure's diagnosis. */
  readonly actions?: readonly CommandButtonView[];
}

/** Container styles, not text colours: Teams draws them with enough contrast in light, dark and high-contrast themes. */
type ContainerStyle = 'default' | 'emphasis' | 'good' | 'attention' | 'warning' | 'accent';

interface SyncHealthCardData extends ButtonSetData {
  readonly fallbackText: string;
  readonly subtitle: string;
  readonly tiles: readonly { readonly count: string; readonly label: string; readonly style: ContainerStyle }[];
  readonly hasCauses: boolean;
  readonly causes: readonly { readonly title: string; readonly value: string }[];
  readonly hasFailing: boolean;
  readonly failing: readonly { readonly name: string; readonly emailAddress: string; readonly cause: string; readonly since: string }[];
  readonly hasPending: boolean;
  readonly pendingHeading: string;
  readonly pending: readonly { readonly name: string; readonly emailAddress: string; readonly requested: string; readonly age: string }[];
  readonly trend: readonly { readonly label: string; readonly succeeded: number; readonly failed: number; readonly text: string }[];
}

const template = loadCardTemplate<SyncHealthCardData>('sync-health');

export const causeLabel: Readonly<Record<DiagnosisCauseCode, string>> = {
  inactive: 'Mailbox inactive',
  rejected: 'Email address rejected',
  notApproved: 'Email address not approved',
  wrongDeliveryMethod: 'Not set to server-side sync',
  noProfile: 'No email server profile',
  profileInactive: 'Email server profile inactive',
  exchangeOnlineMissing: 'No Exchange Online in this tenant',
  actNotSupported: 'Profile cannot sync appointments, contacts and tasks',
  anotherPrimaryOrganization: 'Synced with another organization',
  credentials: 'Credentials or secure connection',
  mailboxNotFound: 'Mailbox not found in Exchange',
  serverUnreachable: 'Exchange unreachable (retrying)',
  retriesExhausted: 'Exchange unreachable (gave up)',
  unknownFailure: 'Failed, reason unknown',
  neverTested: 'Never tested',
};

const tileOf: Readonly<Record<MailboxHealth, { label: string; style: ContainerStyle }>> = {
  working: { label: 'Working', style: 'good' },
  failing: { label: 'Failing', style: 'attention' },
  retrying: { label: 'Retrying', style: 'warning' },
  blocked: { label: 'Blocked', style: 'warning' },
  notTested: { label: 'Not tested', style: 'emphasis' },
};

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const dayLabel = (day: string): string => {
  const date = new Date(`${day}T00:00:00Z`);
  return `${WEEKDAYS[date.getUTCDay()] ?? ''} ${date.getUTCDate()}`;
};
const ageText = (days: number | null): string => (days === null ? '—' : days === 0 ? 'today' : countOf(days, 'day'));

export function renderSyncHealthCard(view: SyncHealthView): AdaptiveCardJson {
  const healthOrder: readonly MailboxHealth[] = ['working', 'failing', 'retrying', 'blocked', 'notTested'];
  const notWorking = view.activeMailboxes - view.byHealth.working;
  const lastTest = view.lastTestCompletedOn === null ? 'no test has completed yet' : `last test completed ${formatUtc(view.lastTestCompletedOn)}`;
  return template.expand({
    fallbackText:
      `Sync health of ${view.organizationName}: ${countOf(view.activeMailboxes, 'active mailbox', 'active mailboxes')}, ` +
      healthOrder.map((health) => `${view.byHealth[health]} ${tileOf[health].label.toLowerCase()}`).join(', ') +
      `; ${countOf(view.pendingApprovals.length, 'pending approval')} listed.`,
    subtitle: `${escapeMarkdown(view.organizationName)} · ${countOf(view.activeMailboxes, 'active mailbox', 'active mailboxes')}, ${notWorking} not working · ${lastTest}`,
    tiles: healthOrder.map((health) => ({ count: String(view.byHealth[health]), label: tileOf[health].label, style: tileOf[health].style })),
    hasCauses: view.byCause.length > 0,
    causes: view.byCause.map((entry) => ({ title: causeLabel[entry.cause], value: countOf(entry.count, 'mailbox', 'mailboxes') })),
    hasFailing: view.failingLongest.length > 0,
    failing: view.failingLongest.map((entry) => ({ name: escapeMarkdown(entry.name), emailAddress: escapeMarkdown(entry.emailAddress), cause: causeLabel[entry.cause], since: formatUtcOrDash(entry.failingSince) })),
    hasPending: view.pendingApprovals.length > 0,
    pendingHeading: `Waiting for approval (${view.pendingApprovals.length})`,
    pending: view.pendingApprovals.map((entry) => ({ name: escapeMarkdown(entry.name), emailAddress: escapeMarkdown(entry.emailAddress), requested: formatUtcOrDash(entry.requestedOn), age: ageText(entry.ageDays) })),
    trend: view.trend.map((day) => ({ label: dayLabel(day.day), succeeded: day.succeeded, failed: day.failed, text: `${day.succeeded} succeeded, ${day.failed} failed` })),
    ...toButtonSet(view.actions, 'sync health'),
  });
}

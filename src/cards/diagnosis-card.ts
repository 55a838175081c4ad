// `diagnose <mailbox>` and "why is ... not working?": the likely cause in plain words, what to do, the statuses,
// the latest alerts, and the fix as a button where the bot can make it (a write: previewed and confirmed).
import type { DiagnosisCause, DiagnosisFix, MailboxHealth } from '../domain/diagnosis.js';
import { actMethodLabel, incomingMethodLabel, outgoingMethodLabel } from '../domain/options.js';
import type { ActDeliveryMethod, AlertLevel, EmailApprovalStatus, IncomingEmailDeliveryMethod, OutgoingEmailDeliveryMethod, TestStatus } from '../domain/options.js';
import { toButtonSet, type ButtonSetData } from './buttons.js';
import type { AdaptiveCardJson } from './card-json.js';
import { fact, type FactData } from './facts.js';
import { escapeMarkdown, formatUtc, formatUtcOrDash } from './format.js';
import { alertLevelText, approvalStatusText, testStatusText } from './labels.js';
import { loadCardTemplate } from './template-store.js';
import type { CommandButtonView } from './view-models.js';

export interface DiagnosisView {
  readonly name: string;
  readonly emailAddress: string;
  readonly health: MailboxHealth;
  readonly causes: readonly DiagnosisCause[];
  readonly fix: DiagnosisFix | undefined;
  readonly emailRouterAccessApproval: EmailApprovalStatus;
  readonly incomingEmailDeliveryMethod: IncomingEmailDeliveryMethod;
  readonly outgoingEmailDeliveryMethod: OutgoingEmailDeliveryMethod;
  readonly actDeliveryMethod: ActDeliveryMethod;
  readonly mailboxStatus: TestStatus;
  readonly incomingEmailStatus: TestStatus;
  readonly outgoingEmailStatus: TestStatus;
  readonly actStatus: TestStatus;
  readonly testMailboxAccessCompletedOn: string | null;
  readonly postponeTestEmailConfigurationUntil: string | null;
  readonly latestAlerts: readonly { readonly level: AlertLevel; readonly text: string; readonly createdOn: string }[];
  /** The fix as a command button first, then navigation (each posts a new card). */
  readonly actions: readonly CommandButtonView[];
}

type ContainerStyle = 'good' | 'attention' | 'warning' | 'emphasis';

interface DiagnosisCardData extends ButtonSetData {
  readonly fallbackText: string;
  readonly headline: string;
  readonly headlineStyle: ContainerStyle;
  readonly emailAddress: string;
  readonly hasCause: boolean;
  readonly cause: { readonly summary: string; readonly advice: string };
  readonly hasOtherCauses: boolean;
  readonly otherCauses: readonly { readonly summary: string }[];
  readonly statuses: readonly FactData[];
  readonly hasAlerts: boolean;
  readonly alerts: readonly { readonly heading: string; readonly text: string }[];
}

const template = loadCardTemplate<DiagnosisCardData>('diagnosis');

const headlineOf: Readonly<Record<MailboxHealth, { text: (name: string) => string; style: ContainerStyle }>> = {
  working: { text: (name) => `${name} is working`, style: 'good' },
  failing: { text: (name) => `${name} is not working`, style: 'attention' },
  blocked: { text: (name) => `${name} cannot be tested yet`, style: 'warning' },
  retrying: { text: (name) => `${name} is waiting for a retry`, style: 'warning' },
  notTested: { text: (name) => `${name} has not been tested`, style: 'emphasis' },
};

export const MAX_DIAGNOSIS_ALERTS = 3;

export function renderDiagnosisCard(view: DiagnosisView): AdaptiveCardJson {
  const headline = headlineOf[view.health];
  const [cause, ...others] = view.causes;
  const statuses = [
    fact('Mailbox status', testStatusText(view.mailboxStatus)),
    fact('Incoming email', `${testStatusText(view.incomingEmailStatus)} · ${incomingMethodLabel[view.incomingEmailDeliveryMethod]}`),
    fact('Outgoing email', `${testStatusText(view.outgoingEmailStatus)} · ${outgoingMethodLabel[view.outgoingEmailDeliveryMethod]}`),
    fact('Appointments, contacts, and tasks', `${testStatusText(view.actStatus)} · ${actMethodLabel[view.actDeliveryMethod]}`),
    fact('Email address', approvalStatusText(view.emailRouterAccessApproval)),
    fact('Last test completed', formatUtcOrDash(view.testMailboxAccessCompletedOn)),
    ...(view.postponeTestEmailConfigurationUntil === null ? [] : [fact('Next retry', formatUtc(view.postponeTestEmailConfigurationUntil))]),
  ];
  const alerts = [...view.latestAlerts].sort((a, b) => b.createdOn.localeCompare(a.createdOn)).slice(0, MAX_DIAGNOSIS_ALERTS);
  return template.expand({
    fallbackText: `${headline.text(view.name)}. ${cause === undefined ? '' : `Likely cause: ${cause.summary} ${cause.advice}`}`.trim(),
    headline: escapeMarkdown(headline.text(view.name)),
    headlineStyle: headline.style,
    emailAddress: escapeMarkdown(view.emailAddress),
    hasCause: cause !== undefined,
    cause: { summary: escapeMarkdown(cause?.summary ?? ''), advice: escapeMarkdown(cause?.advice ?? '') },
    hasOtherCauses: others.length > 0,
    otherCauses: others.map((other) => ({ summary: escapeMarkdown(other.summary) })),
    statuses,
    hasAlerts: alerts.length > 0,
    alerts: alerts.map((alert) => ({ heading: `${alertLevelText(alert.level)} · ${formatUtc(alert.createdOn)}`, text: escapeMarkdown(alert.text) })),
    ...toButtonSet(view.actions, 'diagnosis'),
  });
}

/** The button for a fix, as the exact command the bot runs after its preview is confirmed. */
export function fixButton(fix: DiagnosisFix, emailAddress: string): CommandButtonView {
  const command = {
    approve: `approve mailbox ${emailAddress}`,
    requestApproval: `request approval ${emailAddress}`,
    applyDefaults: `apply default settings to ${emailAddress}`,
    syncFromThisOrgOnly: `sync from this org only ${emailAddress} on`,
    testAgain: `test mailbox ${emailAddress}`,
  }[fix.kind];
  return { title: fix.label, command };
}


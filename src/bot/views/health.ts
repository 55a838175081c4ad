// A mailbox's diagnosis and the sync health overview as card views.
import type { MailboxDiagnosis, SyncHealthReport } from '../../app/index.js';
import { fixButton, MAX_DIAGNOSIS_ALERTS, type CommandButtonView, type DiagnosisView, type SyncHealthView } from '../../cards/index.js';

export function diagnosisView(result: MailboxDiagnosis): DiagnosisView {
  const { mailbox } = result.mailbox;
  const { diagnosis } = result;
  const address = mailbox.emailAddress;
  // The fix first (a write: previewed and confirmed before it runs), then where to read more.
  const actions: CommandButtonView[] = [
    ...(diagnosis.fix !== undefined && result.mayFix ? [fixButton(diagnosis.fix, address)] : []),
    { title: 'Mailbox details', command: `mailbox ${address}` },
    { title: 'All alerts', command: `alerts mailbox ${address}` },
  ];
  return {
    name: mailbox.name,
    emailAddress: address,
    health: diagnosis.health,
    causes: diagnosis.causes,
    fix: result.mayFix ? diagnosis.fix : undefined,
    emailRouterAccessApproval: mailbox.emailRouterAccessApproval,
    incomingEmailDeliveryMethod: mailbox.incomingEmailDeliveryMethod,
    outgoingEmailDeliveryMethod: mailbox.outgoingEmailDeliveryMethod,
    actDeliveryMethod: mailbox.actDeliveryMethod,
    mailboxStatus: mailbox.mailboxStatus,
    incomingEmailStatus: mailbox.incomingEmailStatus,
    outgoingEmailStatus: mailbox.outgoingEmailStatus,
    actStatus: mailbox.actStatus,
    testMailboxAccessCompletedOn: mailbox.testMailboxAccessCompletedOn,
    postponeTestEmailConfigurationUntil: mailbox.postponeTestEmailConfigurationUntil,
    latestAlerts: result.latestAlerts.slice(0, MAX_DIAGNOSIS_ALERTS).map((alert) => ({ level: alert.level, text: alert.text, createdOn: alert.createdOn })),
    actions,
  };
}

export function syncHealthView(report: SyncHealthReport): SyncHealthView {
  const [longest] = report.failingLongest;
  const actions: CommandButtonView[] = [
    ...(report.byHealth.failing + report.byHealth.retrying > 0 ? [{ title: 'Failed mailboxes', command: 'mailboxes failed' }] : []),
    ...(report.pendingApprovals.length > 0 ? [{ title: 'Pending approvals', command: 'mailboxes pending' }] : []),
    ...(longest === undefined ? [] : [{ title: `Diagnose ${longest.name}`, command: `diagnose ${longest.emailAddress}` }]),
  ];
  return { ...report, actions };
}

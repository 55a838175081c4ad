import { TestStatus, actMethodLabel, incomingMethodLabel, outgoingMethodLabel } from '../domain/options.js';
import { toButtonSet, type ButtonSetData } from './buttons.js';
import type { AdaptiveCardJson } from './card-json.js';
import { fact, type FactData } from './facts.js';
import { escapeMarkdown, formatCount, formatUtcOrDash, yesNo } from './format.js';
import { approvalStatusText, testStatusText, type TextColor } from './labels.js';
import { loadCardTemplate } from './template-store.js';
import type { CommandButtonView, MailboxDetailView } from './view-models.js';

interface MailboxDetailCardData extends ButtonSetData {
  readonly fallbackText: string;
  readonly name: string;
  readonly emailAddress: string;
  readonly headline: string;
  readonly headlineColor: TextColor;
  readonly sections: readonly { readonly heading: string; readonly facts: readonly FactData[] }[];
}

const template = loadCardTemplate<MailboxDetailCardData>('mailbox-detail');

function regardingText(regarding: MailboxDetailView['regarding']): string {
  if (regarding === null) return 'None (forward mailbox)';
  return `${regarding.type === 'queue' ? 'Queue' : 'User'}: ${regarding.name}`;
}

function headlineOf(view: MailboxDetailView): { text: string; color: TextColor } {
  if (!view.active) return { text: 'Inactive mailbox', color: 'Attention' };
  const status = `Mailbox status: ${testStatusText(view.mailboxStatus)}`;
  if (view.mailboxStatus === TestStatus.Failure) return { text: status, color: 'Attention' };
  if (view.mailboxStatus === TestStatus.Success) return { text: status, color: 'Default' };
  return { text: `${status} (Test & Enable has not run)`, color: 'Default' };
}

/** Every status field of one mailbox, grouped as the mailbox form groups them. */
export function renderMailboxDetailCard(view: MailboxDetailView): AdaptiveCardJson {
  const headline = headlineOf(view);
  return template.expand({
    fallbackText:
      `Mailbox ${view.name} (${view.emailAddress}): ${headline.text}; email address status ${approvalStatusText(view.emailRouterAccessApproval)}; ` +
      `incoming ${testStatusText(view.incomingEmailStatus)}, outgoing ${testStatusText(view.outgoingEmailStatus)}, ` +
      `appointments, contacts, and tasks ${testStatusText(view.actStatus)}.`,
    name: escapeMarkdown(view.name),
    emailAddress: escapeMarkdown(view.emailAddress),
    headline: headline.text,
    headlineColor: headline.color,
    sections: [
      {
        heading: 'General',
        facts: [
          fact('Email address', view.emailAddress),
          fact('Owner', view.ownerName),
          fact('Regarding', regardingText(view.regarding)),
          fact('Server profile', view.profileName ?? 'None'),
          fact('Status', view.active ? 'Active' : 'Inactive'),
        ],
      },
      {
        heading: 'Synchronization method',
        facts: [
          fact('Incoming email', incomingMethodLabel[view.incomingEmailDeliveryMethod]),
          fact('Outgoing email', outgoingMethodLabel[view.outgoingEmailDeliveryMethod]),
          fact('Appointments, contacts, and tasks', actMethodLabel[view.actDeliveryMethod]),
        ],
      },
      {
        heading: 'Email address approval',
        facts: [
          fact('Email address status', approvalStatusText(view.emailRouterAccessApproval)),
          fact('Approved by an Office 365 administrator', yesNo(view.isEmailAddressApprovedByO365Admin)),
        ],
      },
      {
        heading: 'Configuration test results',
        facts: [
          fact('Incoming email status', testStatusText(view.incomingEmailStatus)),
          fact('Outgoing email status', testStatusText(view.outgoingEmailStatus)),
          fact('Appointments, contacts, and tasks status', testStatusText(view.actStatus)),
          fact('Mailbox status', testStatusText(view.mailboxStatus)),
          fact('Mailbox test completed on', formatUtcOrDash(view.testMailboxAccessCompletedOn)),
        ],
      },
      {
        heading: 'Enabled for',
        facts: [
          fact('Incoming email', yesNo(view.enabledForIncomingEmail)),
          fact('Outgoing email', yesNo(view.enabledForOutgoingEmail)),
          fact('Appointments, contacts, and tasks', yesNo(view.enabledForAct)),
        ],
      },
      {
        heading: 'Test scheduling',
        facts: [
          fact('Test scheduled', yesNo(view.testEmailConfigurationScheduled)),
          fact('Test retry count', formatCount(view.testEmailConfigurationRetryCount)),
          fact('Next retry', formatUtcOrDash(view.postponeTestEmailConfigurationUntil)),
          fact('Sync items with Exchange from this org only', yesNo(view.orgMarkedAsPrimaryForExchangeSync)),
        ],
      },
    ],
    ...toButtonSet(rejectLast(view.actions), 'mailbox detail'),
  });
}

/**
 * Reject is never the leftmost button (the one a quick click lands on): it goes last, whatever order the view
 * listed. Its command carries no reason, so the bot asks for one before anything is rejected.
 */
function rejectLast(actions: readonly CommandButtonView[] | undefined): readonly CommandButtonView[] | undefined {
  if (actions === undefined) return undefined;
  const isReject = (action: CommandButtonView): boolean => /^reject\b/i.test(action.command.trim());
  return [...actions.filter((action) => !isReject(action)), ...actions.filter(isReject)];
}

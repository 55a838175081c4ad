import {
  ActDeliveryMethod,
  IncomingEmailDeliveryMethod,
  OutgoingEmailDeliveryMethod,
  actMethodLabel,
  incomingMethodLabel,
  outgoingMethodLabel,
} from '../domain/options.js';
import { EXCHANGE_ONLINE_PROFILE_NAME } from '../domain/exchange-online.js';
import { toButtonSet, type ButtonSetData } from './buttons.js';
import type { AdaptiveCardJson } from './card-json.js';
import { fact, type FactData } from './facts.js';
import { countOf, escapeMarkdown, yesNo } from './format.js';
import type { TextColor } from './labels.js';
import { loadCardTemplate } from './template-store.js';
import type { EmailSettingsView } from './view-models.js';

interface SectionData {
  readonly heading: string;
  readonly facts: readonly FactData[];
  readonly notes: readonly { readonly text: string; readonly color: TextColor }[];
}

interface EmailSettingsCardData extends ButtonSetData {
  readonly fallbackText: string;
  readonly organizationName: string;
  readonly sections: readonly SectionData[];
}

const template = loadCardTemplate<EmailSettingsCardData>('email-settings');

/** The seed's "Configure default email processing and synchronization" values. */
function usesRecommendedDefaults(view: EmailSettingsView): boolean {
  return (
    view.defaultProfileName === EXCHANGE_ONLINE_PROFILE_NAME &&
    view.defaultIncomingEmailDeliveryMethod === IncomingEmailDeliveryMethod.ServerSideSynchronizationOrEmailRouter &&
    view.defaultOutgoingEmailDeliveryMethod === OutgoingEmailDeliveryMethod.ServerSideSynchronizationOrEmailRouter &&
    view.defaultActDeliveryMethod === ActDeliveryMethod.ServerSideSynchronization
  );
}

function defaultsSection(view: EmailSettingsView): SectionData {
  const recommended = usesRecommendedDefaults(view);
  return {
    heading: 'Defaults for new users and queues',
    facts: [
      fact('Server profile', view.defaultProfileName ?? 'None'),
      fact('Incoming email', incomingMethodLabel[view.defaultIncomingEmailDeliveryMethod]),
      fact('Outgoing email', outgoingMethodLabel[view.defaultOutgoingEmailDeliveryMethod]),
      fact('Appointments, contacts, and tasks', actMethodLabel[view.defaultActDeliveryMethod]),
    ],
    notes: [
      recommended
        ? { text: 'These are the recommended server-side synchronization defaults for Exchange Online.', color: 'Default' }
        : {
            text: escapeMarkdown(
              `Recommended for Exchange Online: server profile ${EXCHANGE_ONLINE_PROFILE_NAME}; incoming and outgoing email ` +
                `${incomingMethodLabel[IncomingEmailDeliveryMethod.ServerSideSynchronizationOrEmailRouter]}; appointments, contacts, and tasks ` +
                `${actMethodLabel[ActDeliveryMethod.ServerSideSynchronization]}.`,
            ),
            color: 'Default',
          },
      { text: 'Existing mailboxes keep their settings until default email settings are applied to them.', color: 'Default' },
    ],
  };
}

function approvalSection(view: EmailSettingsView): SectionData {
  const approvalOff = !view.requireApprovalForUserEmail || !view.requireApprovalForQueueEmail;
  return {
    heading: 'Email address approval',
    facts: [
      fact('Process emails only for approved users', yesNo(view.requireApprovalForUserEmail)),
      fact('Process emails only for approved queues', yesNo(view.requireApprovalForQueueEmail)),
      fact('Self-approval needs the approve privilege', yesNo(view.requirePrivilegeToSelfApproveEmailAddress)),
      fact('Test & Enable right after approval', yesNo(view.testAndEnableAfterApproval)),
    ],
    notes: approvalOff
      ? [{ text: 'Processing email for unapproved addresses is not recommended (KB 4506139).', color: 'Default' }]
      : [],
  };
}

function alertsSection(view: EmailSettingsView): SectionData {
  return {
    heading: 'Alerts',
    facts: [
      fact('Errors', yesNo(view.generateAlertsForErrors)),
      fact('Warnings', yesNo(view.generateAlertsForWarnings)),
      fact('Information', yesNo(view.generateAlertsForInformation)),
      fact('Also notify mailbox owners of server-profile alerts', yesNo(view.notifyMailboxOwnerOfEmailServerLevelAlerts)),
    ],
    notes: [],
  };
}

function retriesSection(view: EmailSettingsView): SectionData {
  return {
    heading: 'Retries after transient errors',
    facts: [
      fact('Failures tolerated before a mailbox is disabled', countOf(view.maxMailboxTransientFailures, 'failure')),
      fact('Wait before retrying', countOf(view.mailboxBackoffOnTransientErrorMinutes, 'minute')),
    ],
    notes: [],
  };
}

/** System Settings › Email: default profile and delivery methods, approval requirements, alerts, retries. */
export function renderEmailSettingsCard(view: EmailSettingsView): AdaptiveCardJson {
  return template.expand({
    fallbackText:
      `Email settings of ${view.organizationName}: default profile ${view.defaultProfileName ?? 'none'}; ` +
      `incoming ${incomingMethodLabel[view.defaultIncomingEmailDeliveryMethod]}, outgoing ${outgoingMethodLabel[view.defaultOutgoingEmailDeliveryMethod]}, ` +
      `appointments, contacts, and tasks ${actMethodLabel[view.defaultActDeliveryMethod]}; ` +
      `approved users only ${yesNo(view.requireApprovalForUserEmail)}, approved queues only ${yesNo(view.requireApprovalForQueueEmail)}.`,
    organizationName: escapeMarkdown(view.organizationName),
    sections: [defaultsSection(view), approvalSection(view), alertsSection(view), retriesSection(view)],
    ...toButtonSet(view.actions, 'email settings'),
  });
}

import { toButtonSet, type ButtonSetData } from './buttons.js';
import type { AdaptiveCardJson } from './card-json.js';
import { fact, type FactData, type LineData } from './facts.js';
import { escapeMarkdown, formatUtc } from './format.js';
import { alertLevelColor, alertLevelText, testStatusText, type TextColor } from './labels.js';
import { loadCardTemplate } from './template-store.js';
import type { MailboxAlertView } from './view-models.js';

interface MailboxAlertCardData extends ButtonSetData {
  readonly fallbackText: string;
  readonly headline: string;
  readonly headlineColor: TextColor;
  readonly mailbox: string;
  readonly message: string;
  readonly facts: readonly FactData[];
  readonly hasWhatToDo: boolean;
  readonly whatToDo: readonly LineData[];
}

const template = loadCardTemplate<MailboxAlertCardData>('mailbox-alert');

/** Tells a mailbox owner how Test & Enable went; a failure always comes with what to do. */
export function renderMailboxAlertCard(view: MailboxAlertView): AdaptiveCardJson {
  const succeeded = view.outcome === 'succeeded';
  const headline = succeeded ? 'Your mailbox is now connected to Dynamics 365' : 'Your mailbox could not be connected to Dynamics 365';
  const steps = succeeded ? [] : view.whatToDo;
  return template.expand({
    fallbackText:
      `${alertLevelText(view.level)}: ${headline} (${view.emailAddress}). ${view.message}` +
      (steps.length > 0 ? ` What to do: ${steps.join(' ')}` : ''),
    headline,
    headlineColor: succeeded ? 'Default' : alertLevelColor[view.level],
    mailbox: `${escapeMarkdown(view.mailboxName)} (${escapeMarkdown(view.emailAddress)})`,
    message: escapeMarkdown(view.message),
    facts: [
      fact('Level', alertLevelText(view.level)),
      fact('When', formatUtc(view.occurredAt)),
      fact('Server profile', view.profileName ?? 'None'),
      fact('Incoming email', testStatusText(view.incomingEmailStatus)),
      fact('Outgoing email', testStatusText(view.outgoingEmailStatus)),
      fact('Appointments, contacts, and tasks', testStatusText(view.actStatus)),
    ],
    hasWhatToDo: steps.length > 0,
    whatToDo: steps.map((step, index) => ({ text: `${index + 1}. ${escapeMarkdown(step)}` })),
    ...toButtonSet(view.actions, 'mailbox alert'),
  });
}

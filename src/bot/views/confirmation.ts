// The confirmation card's view, from a write's preview, and the notices that replace it once decided.
import type { ConfirmationView } from '../../cards/index.js';
import { formatCount, formatUtc } from '../../cards/format.js';
import type { ConfirmationReason, WriteDescription } from '../../domain/confirmation.js';
import type { PendingConfirmation, ChoiceRefusal } from '../handlers/choices.js';
import type { PreviewRecordType, WritePreview } from '../handlers/preview.js';
import type { NoticeView } from './notice-card.js';

const reasonText: Readonly<Record<ConfirmationReason, string>> = {
  chosenOnCard: 'you chose it on a card rather than typing it',
  guessed: 'I read it from your words, and may have read them wrong',
  bulkSelection: 'it names several mailboxes, all or pending',
  overwritesSettings: 'it replaces values that were set before',
};

const nouns: Readonly<Record<PreviewRecordType, readonly [string, string]>> = {
  mailbox: ['mailbox', 'mailboxes'],
  organization: ['organization setting record', 'organization setting records'],
  user: ['user', 'users'],
  queue: ['queue', 'queues'],
  profile: ['profile', 'profiles'],
  securityRole: ['security role', 'security roles'],
};

function counted(count: number, types: readonly PreviewRecordType[]): string {
  const [first] = types;
  const same = first !== undefined && types.every((type) => type === first);
  const [singular, plural] = same ? nouns[first] : ['record', 'records'];
  return `${formatCount(count)} ${count === 1 ? singular : plural}`;
}

const LISTED_TESTED = 5;

function listed(names: readonly string[]): string {
  const shown = names.slice(0, LISTED_TESTED);
  const more = names.length - shown.length;
  return `${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}

export interface ConfirmationContext {
  readonly commandText: string;
  readonly write: WriteDescription;
  readonly reasons: readonly ConfirmationReason[];
  readonly preview: WritePreview;
  readonly confirmation: PendingConfirmation;
  /** Set when this preview replaces one whose records changed before Confirm. */
  readonly previewedAgain?: boolean;
}

export function confirmationView(context: ConfirmationContext): ConfirmationView {
  const { preview, write, confirmation } = context;
  const changing = preview.records.length;
  const tested = preview.testedMailboxes.length;
  const summary =
    changing > 0
      ? `${counted(changing, preview.records.map((record) => record.type))} will change.${tested > 0 ? ` Then Test & Enable runs for ${counted(tested, ['mailbox'])}.` : ''}`
      : tested > 0
        ? `Test & Enable runs for ${counted(tested, ['mailbox'])}.`
        : 'This changes the alert subscriptions of this conversation.';
  // A Test & Enable alone changes no field: its mailboxes are the records it touches.
  const records =
    changing > 0
      ? preview.records.map((record) => ({ name: record.name, changes: record.changes }))
      : preview.testedMailboxes.map((name) => ({ name, changes: [] }));
  const overwritten = write.overwrites
    ? preview.records.flatMap((record) => record.changes.filter((change) => change.from !== '(new)').map((change) => `${record.name}: ${change.field} ${change.from} → ${change.to}`))
    : [];
  const notes = [
    ...(context.previewedAgain === true ? ['The records changed since the last preview; this is what it would do now.'] : []),
    ...(changing > 0 && tested > 0 ? [`Test & Enable: ${listed(preview.testedMailboxes)}.`] : []),
    ...preview.subscriptions.map((profile) => `Alert subscription of the profile “${profile}” in this conversation.`),
  ];
  return {
    title: `Confirm: ${context.commandText}`,
    summary,
    reasons: context.reasons.map((reason) => reasonText[reason]),
    records,
    overwritten,
    notes,
    expiry: `Only ${confirmation.ownerName} can confirm. Expires at ${formatUtc(new Date(confirmation.expiresAt).toISOString())}; nothing changes until then.`,
    confirmTitle: 'Confirm',
    confirmationId: confirmation.id,
  };
}

export function confirmedNotice(commandText: string, who: string): NoticeView {
  return { title: `Confirmed: ${commandText}`, tone: 'good', lines: [`${who} confirmed it; the result follows below.`] };
}

export function previewFailedNotice(commandText: string): NoticeView {
  return {
    title: `Could not preview: ${commandText}`,
    tone: 'attention',
    lines: ['Something went wrong while working out what this would change, so it did not run. The error was logged.', 'Nothing was changed.'],
  };
}

export function cancelledNotice(commandText: string, who: string): NoticeView {
  return { title: `Cancelled: ${commandText}`, tone: 'neutral', lines: [`${who} cancelled it. Nothing was changed.`] };
}

const refusalLines: Readonly<Record<ChoiceRefusal, string>> = {
  unknown: 'I no longer know this confirmation (it may be from before a restart). Type the command again to see a new preview.',
  used: 'This confirmation was already used. Type the command again to see a new preview.',
  expired: 'This confirmation expired: confirmations last 10 minutes. Type the command again to see a new preview.',
  someoneElse: 'Only the person who asked can confirm or cancel this.',
  otherConversation: 'This can only be confirmed in the conversation where it was asked.',
};

export function choiceRefusedNotice(refusal: ChoiceRefusal): NoticeView {
  return { title: refusal === 'someoneElse' ? 'Not yours to decide' : 'Nothing was changed', tone: refusal === 'someoneElse' ? 'attention' : 'neutral', lines: [refusalLines[refusal], 'Nothing was changed.'] };
}

/** Text for a refusal that must leave the clicked card as it is (it still belongs to someone else). */
export const choiceRefusedMessage = (refusal: ChoiceRefusal): string => `${refusalLines[refusal]} Nothing was changed.`;

// The confirmation card (issue 12): what a write will change, before it runs. It carries only an opaque
// confirmation id; what it stands for, who may confirm it and until when stay in the bot's state.
import { confirmationDataSchema } from './actions.js';
import type { AdaptiveCardJson } from './card-json.js';
import { clip, countOf, escapeMarkdown } from './format.js';
import { loadCardTemplate } from './template-store.js';

export interface ConfirmationFieldView {
  readonly field: string;
  readonly from: string;
  readonly to: string;
}

export interface ConfirmationRecordView {
  readonly name: string;
  readonly changes: readonly ConfirmationFieldView[];
}

export interface ConfirmationView {
  /** "Confirm: reject mailbox pending" */
  readonly title: string;
  /** "This changes 3 mailboxes." */
  readonly summary: string;
  /** Why the bot asks: "You chose this on a card, it names pending, …". */
  readonly reasons: readonly string[];
  /** Every record that changes; the card lists the first MAX_CONFIRMATION_RECORDS and counts the rest. */
  readonly records: readonly ConfirmationRecordView[];
  /** Values set before that the write replaces, one line each ("Sales Inbox: Incoming Email Outlook → …"). */
  readonly overwritten: readonly string[];
  /** What follows the change (a Test & Enable, a subscription). */
  readonly notes: readonly string[];
  /** "Expires at 07:42 UTC." */
  readonly expiry: string;
  readonly confirmTitle: string;
  readonly confirmationId: string;
}

export const MAX_CONFIRMATION_RECORDS = 10;
export const MAX_OVERWRITTEN_LINES = 12;
const MAX_FIELDS_PER_RECORD = 8;

interface ConfirmationCardData {
  readonly fallbackText: string;
  readonly title: string;
  readonly summary: string;
  readonly hasReasons: boolean;
  readonly reasonsText: string;
  readonly hasOverwritten: boolean;
  readonly overwrittenHeading: string;
  readonly overwritten: readonly { readonly line: string }[];
  readonly hasHiddenOverwritten: boolean;
  readonly hiddenOverwrittenText: string;
  readonly records: readonly {
    readonly name: string;
    readonly hasChanges: boolean;
    readonly changes: readonly { readonly field: string; readonly value: string }[];
  }[];
  readonly hasHiddenRecords: boolean;
  readonly hiddenRecordsText: string;
  readonly notes: readonly { readonly line: string }[];
  readonly expiryText: string;
  readonly confirmTitle: string;
  readonly confirmationId: string;
}

const template = loadCardTemplate<ConfirmationCardData>('confirmation');

const change = (field: ConfirmationFieldView): string => `${field.from} → ${field.to}`;

/** Renders the card; throws on an id the action schema would refuse, so a bad view fails here, not on click. */
export function renderConfirmationCard(view: ConfirmationView): AdaptiveCardJson {
  const { confirmationId } = confirmationDataSchema.parse({ confirmationId: view.confirmationId });
  const shown = view.records.slice(0, MAX_CONFIRMATION_RECORDS);
  const hiddenRecords = view.records.length - shown.length;
  const shownOverwritten = view.overwritten.slice(0, MAX_OVERWRITTEN_LINES);
  const hiddenOverwritten = view.overwritten.length - shownOverwritten.length;
  const names = shown.map((record) => record.name);
  return template.expand({
    fallbackText: clip(
      `${view.title}. ${view.summary} ${names.join(', ')}${hiddenRecords > 0 ? ` and ${hiddenRecords} more` : ''}. ${view.overwritten.length > 0 ? `Overwrites: ${view.overwritten.slice(0, 3).join('; ')}. ` : ''}${view.expiry}`,
      2_000,
    ),
    title: escapeMarkdown(view.title),
    summary: escapeMarkdown(view.summary),
    hasReasons: view.reasons.length > 0,
    reasonsText: escapeMarkdown(`Asked because ${view.reasons.join('; ')}.`),
    hasOverwritten: view.overwritten.length > 0,
    overwrittenHeading: escapeMarkdown(`This overwrites ${countOf(view.overwritten.length, 'value')} set before:`),
    overwritten: shownOverwritten.map((line) => ({ line: escapeMarkdown(line) })),
    hasHiddenOverwritten: hiddenOverwritten > 0,
    hiddenOverwrittenText: `and ${hiddenOverwritten} more`,
    records: shown.map((record) => {
      const fields = record.changes.slice(0, MAX_FIELDS_PER_RECORD);
      const more = record.changes.length - fields.length;
      const changes = fields.map((field) => ({ field: escapeMarkdown(field.field), value: escapeMarkdown(change(field)) }));
      return {
        name: escapeMarkdown(record.name),
        hasChanges: changes.length > 0,
        changes: more > 0 ? [...changes, { field: '…', value: `and ${countOf(more, 'more field')}` }] : changes,
      };
    }),
    hasHiddenRecords: hiddenRecords > 0,
    hiddenRecordsText: `and ${hiddenRecords} more`,
    notes: view.notes.map((line) => ({ line: escapeMarkdown(line) })),
    expiryText: escapeMarkdown(view.expiry),
    confirmTitle: view.confirmTitle,
    confirmationId,
  });
}

import { toButtonSet, type ButtonData, type ButtonSetData } from './buttons.js';
import { CARD_BYTE_BUDGET, cardByteSize, type AdaptiveCardJson } from './card-json.js';
import { clip, escapeMarkdown, escapeMarkdownLine, rangeText } from './format.js';
import { approvalStatusColor, approvalStatusText, testStatusColor, testStatusText, type TextColor } from './labels.js';
import { loadCardTemplate } from './template-store.js';
import type { CommandButtonView, MailboxListView } from './view-models.js';

/** One page per card keeps even long names under the 28 KB budget. */
export const MAX_MAILBOX_ROWS_PER_CARD = 25;
const MAX_NAME_LENGTH = 120;
const MAX_REASON_LENGTH = 160;
const MAX_BUTTON_NAME_LENGTH = 40;

interface MailboxListCardData extends ButtonSetData {
  readonly fallbackText: string;
  readonly filterDescription: string;
  readonly rangeText: string;
  readonly hasRows: boolean;
  readonly rows: readonly {
    readonly name: string;
    readonly emailAddress: string;
    readonly approval: string;
    readonly approvalColor: TextColor;
    readonly status: string;
    readonly statusColor: TextColor;
    readonly profile: string;
    readonly hasReason: boolean;
    readonly reason: string;
  }[];
  /** One top-level ActionSet per row with buttons (Teams mobile renders ActionSets reliably only there). */
  readonly hasRowActions: boolean;
  readonly rowActions: readonly { readonly actions: readonly ButtonData[] }[];
  /** The rows' buttons did not fit: say how to act on one mailbox. */
  readonly hasRowButtonsNote: boolean;
}

const template = loadCardTemplate<MailboxListCardData>('mailbox-list');

/** A page that hides rows without offering the way to them would be a silent truncation: refuse it. */
function checkPage(view: MailboxListView): void {
  const { offset, total, rows } = view;
  if (!Number.isInteger(offset) || offset < 0) throw new RangeError(`Mailbox list offset must be a whole number ≥ 0; got ${offset}`);
  if (!Number.isInteger(total) || total < 0) throw new RangeError(`Mailbox list total must be a whole number ≥ 0; got ${total}`);
  if (rows.length > MAX_MAILBOX_ROWS_PER_CARD) {
    throw new RangeError(`A mailbox list card shows one page of at most ${MAX_MAILBOX_ROWS_PER_CARD} rows; got ${rows.length}. Page the query.`);
  }
  if (offset + rows.length > total) throw new RangeError(`Mailbox list rows ${offset + 1}–${offset + rows.length} exceed the total of ${total}`);
  if (offset > 0 && view.previousPageCommand === null) throw new RangeError('Mailbox list page after the first needs a previousPageCommand');
  if (offset + rows.length < total && view.nextPageCommand === null) {
    throw new RangeError(`Mailbox list shows rows up to ${offset + rows.length} of ${total} but has no nextPageCommand`);
  }
}

/**
 * A filtered page of mailboxes: "Showing 21 - 40 of 10,000" with Previous/Next, never a silent truncation.
 * Rows carry their buttons while the card stays within the byte budget; a page of very long names and
 * addresses keeps its list buttons and tells how to act on one mailbox instead.
 */
export function renderMailboxListCard(view: MailboxListView): AdaptiveCardJson {
  checkPage(view);
  const withRowButtons = render(view, true);
  if (cardByteSize(withRowButtons) <= CARD_BYTE_BUDGET || !view.rows.some((row) => (row.actions ?? []).length > 0)) return withRowButtons;
  return render(view, false);
}

function render(view: MailboxListView, rowButtons: boolean): AdaptiveCardJson {
  const range = rangeText(view.offset, view.rows.length, view.total);
  const buttons: CommandButtonView[] = [...(view.listActions ?? [])];
  if (view.previousPageCommand !== null && view.offset > 0) buttons.push({ title: 'Previous', command: view.previousPageCommand });
  if (view.nextPageCommand !== null && view.offset + view.rows.length < view.total) {
    buttons.push({ title: 'Next', command: view.nextPageCommand, ...(view.nextPageCursor === null ? {} : { cursor: view.nextPageCursor }) });
  }
  const nextHint = buttons.find((button) => button.title === 'Next');
  // Each button names its row: the buttons sit below the table, one set per mailbox.
  const rowActions = rowButtons
    ? view.rows.flatMap((row) => {
        const named = (row.actions ?? []).map((action) => ({ ...action, title: `${action.title}: ${clip(row.name, MAX_BUTTON_NAME_LENGTH)}` }));
        return named.length === 0 ? [] : [{ actions: toButtonSet(named, 'mailbox list row').actions }];
      })
    : [];
  return template.expand({
    fallbackText: `Mailboxes (${view.filterDescription}): ${range}.${nextHint === undefined ? '' : ` Next page: ${nextHint.command}`}`,
    filterDescription: escapeMarkdown(view.filterDescription),
    rangeText: range,
    hasRows: view.rows.length > 0,
    rows: view.rows.map((row) => ({
      name: escapeMarkdownLine(clip(row.name, MAX_NAME_LENGTH)),
      emailAddress: escapeMarkdownLine(row.emailAddress),
      approval: approvalStatusText(row.approvalStatus),
      approvalColor: approvalStatusColor[row.approvalStatus],
      status: testStatusText(row.mailboxStatus),
      statusColor: testStatusColor[row.mailboxStatus],
      profile: row.profileName === null ? 'None' : escapeMarkdownLine(row.profileName),
      hasReason: row.reason !== undefined,
      reason: escapeMarkdownLine(clip(row.reason ?? '', MAX_REASON_LENGTH)),
    })),
    hasRowActions: rowActions.length > 0,
    rowActions,
    hasRowButtonsNote: !rowButtons,
    ...toButtonSet(buttons, 'mailbox list'),
  });
}

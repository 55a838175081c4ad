// What a person is told while the bot's own state store (PostgreSQL) does not answer: specific, and honest about
// what was changed, instead of the generic "something went wrong".
import type { NoticeView } from './notice-card.js';

export const STATE_STORE_UNAVAILABLE_TITLE = "The bot's state store is temporarily unavailable";

/** Whether the failed step had already changed the records (a decision written, only its settling left). */
export interface UnavailableContext {
  readonly recordsChanged?: boolean;
}

function outcomeLine(context: UnavailableContext): string {
  return context.recordsChanged === true
    ? 'Your decision was written to the mailbox; the bot finishes recording it (and updates the cards) as soon as its state store answers again.'
    : 'Nothing was changed. Try again in a moment.';
}

/** The same in one message (chat text, or an invoke's message answer that leaves the clicked card as it was). */
export function stateStoreUnavailableText(context: UnavailableContext = {}): string {
  return `${STATE_STORE_UNAVAILABLE_TITLE}: the database that keeps its jobs, approvals and audit trail does not answer. ${outcomeLine(context)}`;
}

/** The card for a command that could not run; its button runs the same command line again. */
export function stateStoreUnavailableNotice(commandName: string, commandText: string): NoticeView {
  return {
    title: STATE_STORE_UNAVAILABLE_TITLE,
    tone: 'warning',
    lines: [`I could not run ${commandName}: the database that keeps the bot's jobs, approvals and audit trail does not answer.`, outcomeLine({})],
    actions: [{ title: 'Try again', command: commandText }],
  };
}

import { suggestionDataSchema } from './actions.js';
import { MAX_BUTTONS_PER_SET, toButtonSet, type ButtonSetData } from './buttons.js';
import type { AdaptiveCardJson } from './card-json.js';
import { clip, escapeMarkdownLine } from './format.js';
import { loadCardTemplate } from './template-store.js';
import type { DidYouMeanView } from './view-models.js';

/** One button per suggestion, so no more suggestions than an ActionSet shows. */
export const MAX_SUGGESTIONS = MAX_BUTTONS_PER_SET;
const MAX_ECHOED_INPUT_LENGTH = 200;

interface DidYouMeanCardData extends ButtonSetData {
  readonly choices: readonly { readonly title: string; readonly suggestionId: string }[];
  readonly fallbackText: string;
  readonly unknownText: string;
  readonly questionText: string;
}

const template = loadCardTemplate<DidYouMeanCardData>('did-you-mean');

function question(suggestions: readonly string[]): string {
  const [only] = suggestions;
  if (only === undefined) return 'Type **help** to see what I can do.';
  if (suggestions.length === 1) return `Did you mean **${escapeMarkdownLine(only)}**?`;
  return 'Did you mean one of these?';
}

/** "I don't know 'aprove mailbox'. Did you mean …?" with one button per suggestion. */
export function renderDidYouMeanCard(view: DidYouMeanView): AdaptiveCardJson {
  if (view.suggestions.length > MAX_SUGGESTIONS) {
    throw new RangeError(`The did-you-mean card offers at most ${MAX_SUGGESTIONS} suggestions; got ${view.suggestions.length}`);
  }
  if (view.choiceIds !== undefined && view.choiceIds.length !== view.suggestions.length) {
    throw new RangeError(`The did-you-mean card needs one choice id per suggestion; got ${view.choiceIds.length} for ${view.suggestions.length}`);
  }
  const input = clip(view.input.trim(), MAX_ECHOED_INPUT_LENGTH);
  if (view.titles !== undefined && view.titles.length !== view.suggestions.length) {
    throw new RangeError(`The did-you-mean card needs one title per suggestion; got ${view.titles.length} for ${view.suggestions.length}`);
  }
  const commands = toButtonSet(
    view.suggestions.map((suggestion, index) => ({ title: view.titles?.[index] ?? suggestion, command: suggestion })),
    'did-you-mean',
  );
  const { choiceIds } = view;
  const choices =
    choiceIds === undefined
      ? []
      : commands.actions.map((button, index) => ({ title: button.title, suggestionId: suggestionDataSchema.parse({ suggestionId: choiceIds[index] }).suggestionId }));
  const fallbackQuestion = view.suggestions.length === 0 ? 'Type "help" to see what I can do.' : `Did you mean: ${view.suggestions.join(' | ')}?`;
  const { wording } = view;
  return template.expand({
    fallbackText: wording === undefined ? `I don't know "${input}". ${fallbackQuestion}` : `${wording.statement} ${wording.question}`,
    unknownText: wording === undefined ? `I don't know “${escapeMarkdownLine(input)}”.` : escapeMarkdownLine(wording.statement),
    questionText: wording === undefined ? question(view.suggestions) : escapeMarkdownLine(wording.question),
    hasActions: commands.hasActions,
    actions: choiceIds === undefined ? commands.actions : [],
    choices,
  });
}

// A short card for what the card catalogue in src/cards has no template for: a confirmation ("approval
// requested"), a problem that is not a refusal ("profile inactive", "nothing to approve") and a name that
// was not found, with next steps as command buttons. Built like the templated cards: Markdown-escaped text,
// Action.Execute buttons (verb `command`) with an Action.Submit fallback, inside an ActionSet.
import { toButtonData } from '../../cards/buttons.js';
import {
  ADAPTIVE_CARD_SCHEMA_URL,
  ADAPTIVE_CARD_VERSION,
  CardVerb,
  MAX_BUTTONS_PER_SET,
  escapeMarkdown,
  suggestionDataSchema,
  type AdaptiveCardJson,
  type CommandButtonView,
} from '../../cards/index.js';

export type NoticeTone = 'good' | 'warning' | 'attention' | 'neutral';

export interface NoticeFact {
  readonly title: string;
  readonly value: string;
}

export interface NoticeView {
  readonly title: string;
  readonly tone: NoticeTone;
  /** Paragraphs, shown in order. */
  readonly lines: readonly string[];
  readonly facts?: readonly NoticeFact[];
  readonly actions?: readonly CommandButtonView[];
  /** Suggested commands kept by the bot behind an opaque id (verb `suggestion.choose`): a click previews, never writes. */
  readonly choices?: readonly SuggestionChoiceView[];
}

export interface SuggestionChoiceView {
  readonly title: string;
  readonly suggestionId: string;
}

/** Long texts (a use case may list several reasons) are cut visibly, so a notice stays far below the 28 KB budget. */
const MAX_LINE_LENGTH = 1_500;
const MAX_LINES = 8;
const MAX_FACTS = 12;
const MAX_FACT_VALUE_LENGTH = 300;

// Good and Warning text fail contrast on Teams' light theme: the tone shows in the words and the container.
const toneColor: Readonly<Record<NoticeTone, string>> = { good: 'Default', warning: 'Default', attention: 'Attention', neutral: 'Default' };

const clip = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`);

export function renderNoticeCard(view: NoticeView): AdaptiveCardJson {
  const lines = view.lines.filter((line) => line.trim() !== '').slice(0, MAX_LINES).map((line) => clip(line, MAX_LINE_LENGTH));
  const facts = (view.facts ?? []).slice(0, MAX_FACTS);
  const buttons = toButtonData(view.actions ?? [], 'notice');
  const choices = (view.choices ?? []).map((choice) => ({ title: choice.title, suggestionId: suggestionDataSchema.parse({ suggestionId: choice.suggestionId }).suggestionId }));
  if (buttons.length + choices.length > MAX_BUTTONS_PER_SET) throw new RangeError(`The notice card can show at most ${MAX_BUTTONS_PER_SET} buttons; got ${buttons.length + choices.length}`);
  const body: Record<string, unknown>[] = [
    { type: 'TextBlock', text: escapeMarkdown(view.title), size: 'Medium', weight: 'Bolder', color: toneColor[view.tone], wrap: true },
    ...lines.map((line) => ({ type: 'TextBlock', text: escapeMarkdown(line), spacing: 'Small', wrap: true })),
  ];
  if (facts.length > 0) {
    body.push({
      type: 'FactSet',
      facts: facts.map((fact) => ({ title: escapeMarkdown(fact.title), value: escapeMarkdown(clip(fact.value, MAX_FACT_VALUE_LENGTH)) })),
    });
  }
  if (buttons.length + choices.length > 0) {
    body.push({
      type: 'ActionSet',
      actions: [
        ...buttons.map((button) => ({
          type: 'Action.Execute',
          title: button.title,
          verb: CardVerb.Command,
          data: { command: button.command },
          fallback: { type: 'Action.Submit', title: button.title, data: { verb: CardVerb.Command, command: button.command } },
        })),
        ...choices.map((choice) => ({
          type: 'Action.Execute',
          title: choice.title,
          verb: CardVerb.ChooseSuggestion,
          data: { suggestionId: choice.suggestionId },
          fallback: { type: 'Action.Submit', title: choice.title, data: { verb: CardVerb.ChooseSuggestion, suggestionId: choice.suggestionId } },
        })),
      ],
    });
  }
  const fallbackFacts = facts.map((fact) => `${fact.title}: ${fact.value}`);
  return {
    type: 'AdaptiveCard',
    $schema: ADAPTIVE_CARD_SCHEMA_URL,
    version: ADAPTIVE_CARD_VERSION,
    fallbackText: clip([view.title, ...lines, ...fallbackFacts].join(' '), 2_000),
    body,
  };
}

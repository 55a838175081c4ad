import { toButtonSet, type ButtonSetData } from './buttons.js';
import type { AdaptiveCardJson } from './card-json.js';
import { escapeMarkdown } from './format.js';
import { loadCardTemplate } from './template-store.js';
import type { UsageErrorView } from './view-models.js';

interface UsageErrorCardData extends ButtonSetData {
  readonly fallbackText: string;
  readonly title: string;
  readonly problem: string;
  readonly usage: string;
  readonly example: string;
}

const template = loadCardTemplate<UsageErrorCardData>('usage-error');

/** The specific problem with what was typed, the command's usage line and a working example. */
export function renderUsageErrorCard(view: UsageErrorView): AdaptiveCardJson {
  return template.expand({
    fallbackText: `${view.commandName}: ${view.problem} Usage: ${view.usage}. Example: ${view.example}`,
    title: `Check the ${escapeMarkdown(view.commandName)} command`,
    problem: escapeMarkdown(view.problem),
    usage: escapeMarkdown(view.usage),
    example: escapeMarkdown(view.example),
    ...toButtonSet(
      view.helpCommand === undefined ? [] : [{ title: `Help: ${view.commandName}`, command: view.helpCommand }],
      'usage error',
    ),
  });
}

import { toButtonSet, type ButtonSetData } from './buttons.js';
import type { AdaptiveCardJson } from './card-json.js';
import { countOf, escapeMarkdown, formatCount } from './format.js';
import type { TextColor } from './labels.js';
import { countOutcomes, outcomeListData, type OutcomeListData } from './mailbox-outcomes.js';
import { loadCardTemplate } from './template-store.js';
import type { OperationResultView } from './view-models.js';

interface OperationResultCardData extends ButtonSetData, OutcomeListData {
  readonly fallbackText: string;
  readonly title: string;
  readonly summary: string;
  readonly summaryColor: TextColor;
  readonly hasHiddenRows: boolean;
  readonly hiddenRowsText: string;
}

const template = loadCardTemplate<OperationResultCardData>('operation-result');

/** The result of a bulk command: counts, then one row per mailbox (failures first) with the reason. */
export function renderOperationResultCard(view: OperationResultView): AdaptiveCardJson {
  const counts = countOutcomes(view.rows);
  const list = outcomeListData(view.rows);
  const summary =
    `${formatCount(counts.succeeded)} succeeded · ${formatCount(counts.failed)} failed · ${formatCount(counts.skipped)} skipped ` +
    `(${countOf(view.rows.length, 'mailbox', 'mailboxes')})`;
  const howToSeeAll =
    view.seeAllCommand === undefined
      ? 'Run the command for fewer mailboxes at a time to see each one.'
      : `To see them, type **${escapeMarkdown(view.seeAllCommand.command)}**.`;
  const failedNames = view.rows.filter((row) => row.outcome === 'failed').map((row) => `${row.mailboxName} (${row.reason})`);
  return template.expand({
    fallbackText: `${view.title}: ${summary}.${failedNames.length > 0 ? ` Failed: ${failedNames.slice(0, 5).join('; ')}${failedNames.length > 5 ? '; …' : ''}` : ''}`,
    title: escapeMarkdown(view.title),
    summary,
    summaryColor: counts.failed > 0 ? 'Attention' : 'Default',
    ...list,
    hasHiddenRows: list.hiddenCount > 0,
    hiddenRowsText: `${countOf(list.hiddenCount, 'mailbox is', 'mailboxes are')} not shown. ${howToSeeAll}`,
    ...toButtonSet(view.seeAllCommand === undefined ? [] : [view.seeAllCommand], 'operation result'),
  });
}

import { toButtonSet, type ButtonSetData } from './buttons.js';
import type { AdaptiveCardJson } from './card-json.js';
import { fact, type FactData, type LineData } from './facts.js';
import { escapeMarkdown } from './format.js';
import { permissionEditionLabel } from './labels.js';
import { loadCardTemplate } from './template-store.js';
import type { RefusalView } from './view-models.js';

interface RefusalCardData extends ButtonSetData {
  readonly fallbackText: string;
  readonly refusedAction: string;
  readonly reason: string;
  readonly facts: readonly FactData[];
  readonly hasWouldAllow: boolean;
  readonly wouldAllow: readonly LineData[];
}

const template = loadCardTemplate<RefusalCardData>('refusal');

/** What the permission model refused, by which rule and why, under which edition, and what would allow it. */
export function renderRefusalCard(view: RefusalView): AdaptiveCardJson {
  const wouldAllow = view.wouldAllow.length > 0 ? ` Allowed for: ${view.wouldAllow.join('; ')}.` : '';
  return template.expand({
    fallbackText: `Not allowed: ${view.refusedAction}. ${view.reason} (rule ${view.rule}).${wouldAllow}`,
    refusedAction: escapeMarkdown(view.refusedAction),
    reason: escapeMarkdown(view.reason),
    facts: [
      fact('Rule', view.rule),
      fact('Permission model', permissionEditionLabel[view.permissionEdition]),
      fact('Organization version', view.organizationVersion),
    ],
    hasWouldAllow: view.wouldAllow.length > 0,
    wouldAllow: view.wouldAllow.map((text) => ({ text: `• ${escapeMarkdown(text)}` })),
    ...toButtonSet(view.actions, 'refusal'),
  });
}

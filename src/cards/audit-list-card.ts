import type { AdaptiveCardJson } from './card-json.js';
import { clip, countOf, escapeMarkdown, escapeMarkdownLine, formatCount, formatUtc } from './format.js';
import { loadCardTemplate } from './template-store.js';
import type { AuditListView } from './view-models.js';

export const MAX_AUDIT_ENTRIES_PER_CARD = 20;
const MAX_DETAILS_LENGTH = 300;

interface AuditListCardData {
  readonly fallbackText: string;
  readonly subtitle: string;
  readonly hasEntries: boolean;
  readonly entries: readonly { readonly headline: string; readonly when: string; readonly hasDetails: boolean; readonly details: string }[];
  readonly hasHidden: boolean;
  readonly hiddenText: string;
}

const template = loadCardTemplate<AuditListCardData>('audit-list');

/** Recent audit entries: who did what to which record, under which permission rule, and when. */
export function renderAuditListCard(view: AuditListView): AdaptiveCardJson {
  if (view.total < view.entries.length) throw new RangeError(`Audit total (${view.total}) is less than the ${view.entries.length} entries given`);
  const shown = view.entries.slice(0, MAX_AUDIT_ENTRIES_PER_CARD);
  const hidden = view.total - shown.length;
  const subtitle = hidden > 0 ? `Showing the ${formatCount(shown.length)} most recent of ${countOf(view.total, 'entry', 'entries')}` : countOf(view.total, 'entry', 'entries');
  return template.expand({
    fallbackText:
      `Audit log: ${subtitle}.` +
      shown.slice(0, 3).map((entry) => ` ${formatUtc(entry.at)} ${entry.actorName}: ${entry.action} ${entry.target.name}.`).join(''),
    subtitle,
    hasEntries: shown.length > 0,
    entries: shown.map((entry) => ({
      headline: `**${escapeMarkdownLine(entry.actorName)}** · ${escapeMarkdownLine(entry.action)} · ${escapeMarkdownLine(entry.target.name)} (${escapeMarkdownLine(entry.target.type)})`,
      when: `${formatUtc(entry.at)} · rule: ${entry.rule === null ? 'none' : escapeMarkdownLine(entry.rule)}`,
      hasDetails: entry.details.trim() !== '',
      details: escapeMarkdown(clip(entry.details, MAX_DETAILS_LENGTH)),
    })),
    hasHidden: hidden > 0,
    hiddenText: `${countOf(hidden, 'older entry is', 'older entries are')} not shown.`,
  });
}

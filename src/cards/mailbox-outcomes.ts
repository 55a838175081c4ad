// Long lists of per-mailbox outcomes (bulk commands, Test & Enable jobs) are shown failures first and up
// to a fixed number of rows; the card then states how many are not shown, so nothing disappears silently.
import { fact, type FactData } from './facts.js';
import { clip, countOf, escapeMarkdownLine, formatCount } from './format.js';
import type { TextColor } from './labels.js';
import type { MailboxOutcome, MailboxOutcomeView } from './view-models.js';

/** Rows shown per card across all groups; keeps the card well under the 28 KB budget. */
export const MAX_OUTCOME_ROWS_PER_CARD = 20;
const MAX_REASON_LENGTH = 300;
const MAX_REASONS_SUMMARISED = 5;

export interface OutcomeGroupData {
  readonly heading: string;
  readonly color: TextColor;
  readonly rows: readonly { readonly mailbox: string; readonly reason: string }[];
  readonly hasHidden: boolean;
  readonly hiddenText: string;
}

export interface OutcomeListData {
  readonly groups: readonly OutcomeGroupData[];
  readonly hiddenCount: number;
  readonly hasReasonSummary: boolean;
  readonly reasonSummary: readonly FactData[];
}

const GROUP_ORDER: readonly { outcome: MailboxOutcome; heading: string; color: TextColor; noun: string }[] = [
  { outcome: 'failed', heading: 'Failed', color: 'Attention', noun: 'failed' },
  { outcome: 'notApproved', heading: 'Not approved', color: 'Default', noun: 'not approved' },
  { outcome: 'retrying', heading: 'Will try again', color: 'Default', noun: 'to be tried again' },
  { outcome: 'skipped', heading: 'Skipped', color: 'Default', noun: 'skipped' },
  { outcome: 'succeeded', heading: 'Succeeded', color: 'Default', noun: 'succeeded' },
];

export function countOutcomes(rows: readonly MailboxOutcomeView[]): Record<MailboxOutcome, number> {
  const counts: Record<MailboxOutcome, number> = { succeeded: 0, failed: 0, notApproved: 0, retrying: 0, skipped: 0 };
  for (const row of rows) counts[row.outcome] += 1;
  return counts;
}

/** The most frequent failure reasons, so a long failure list still reads as a diagnosis. */
function summariseReasons(failures: readonly MailboxOutcomeView[]): FactData[] {
  const byReason = new Map<string, number>();
  for (const failure of failures) byReason.set(failure.reason, (byReason.get(failure.reason) ?? 0) + 1);
  return [...byReason.entries()]
    .sort(([, left], [, right]) => right - left)
    .slice(0, MAX_REASONS_SUMMARISED)
    .map(([reason, count]) => fact(countOf(count, 'mailbox', 'mailboxes'), clip(reason, MAX_REASON_LENGTH)));
}

export function outcomeListData(rows: readonly MailboxOutcomeView[]): OutcomeListData {
  let budget = MAX_OUTCOME_ROWS_PER_CARD;
  let hiddenCount = 0;
  const groups: OutcomeGroupData[] = [];
  for (const group of GROUP_ORDER) {
    const members = rows.filter((row) => row.outcome === group.outcome);
    if (members.length === 0) continue;
    const shown = members.slice(0, budget);
    budget -= shown.length;
    const hidden = members.length - shown.length;
    hiddenCount += hidden;
    groups.push({
      heading: `${group.heading} (${formatCount(members.length)})`,
      color: group.color,
      rows: shown.map((row) => ({
        mailbox: `**${escapeMarkdownLine(row.mailboxName)}** (${escapeMarkdownLine(row.emailAddress)})`,
        reason: escapeMarkdownLine(clip(row.reason, MAX_REASON_LENGTH)),
      })),
      hasHidden: hidden > 0,
      hiddenText: `…and ${formatCount(hidden)} more ${group.noun} not shown.`,
    });
  }
  const failures = rows.filter((row) => row.outcome === 'failed');
  // Failures come first, so they are cut only when they alone exceed the budget.
  const reasonSummary = failures.length > MAX_OUTCOME_ROWS_PER_CARD ? summariseReasons(failures) : [];
  return { groups, hiddenCount, hasReasonSummary: reasonSummary.length > 0, reasonSummary };
}

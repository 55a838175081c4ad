// The confirmation rules, in one place (issue 12 "Safe actions"): which writes run straight away and which
// first show a card with what will change, Confirm and Cancel. Pure: the bot asks, the preview supplies facts.

/** What a command changes: nothing, one named record, several records, or settings set deliberately. */
export type WriteKind = 'none' | 'single' | 'bulk' | 'overwrites';

/** How the command arrived: typed in chat, or chosen on a card (a suggestion, "did you mean", a next step). */
export type ReachedBy = 'typed' | 'button';

export type ConfirmationReason =
  /** The person did not type it: a suggestion or guess may not be what they meant. */
  | 'chosenOnCard'
  /** More than one record changes. */
  | 'severalRecords'
  /** `all` or `pending`: which records that is depends on the moment. */
  | 'keyword'
  /** Values that differ from the new ones are replaced. */
  | 'overwritesSettings';

/** Whether a preview must be made before running: a typed write naming one record runs directly. */
export function mayNeedConfirmation(kind: WriteKind, reachedBy: ReachedBy): boolean {
  if (kind === 'none') return false;
  return reachedBy === 'button' || kind !== 'single';
}

export interface PreviewFacts {
  readonly recordCount: number;
  readonly usesKeyword: boolean;
  /** How many field values the write would replace with different ones, for a write of kind `overwrites`. */
  readonly overwrittenValues: number;
}

/** Every reason this write needs a confirmation; none means it runs directly. */
export function confirmationReasons(kind: WriteKind, reachedBy: ReachedBy, facts: PreviewFacts): readonly ConfirmationReason[] {
  if (kind === 'none') return [];
  const reasons: ConfirmationReason[] = [];
  if (reachedBy === 'button') reasons.push('chosenOnCard');
  if (facts.recordCount > 1) reasons.push('severalRecords');
  if (facts.usesKeyword) reasons.push('keyword');
  if (kind === 'overwrites' && facts.overwrittenValues > 0) reasons.push('overwritesSettings');
  return reasons;
}

/** A pending confirmation lives this long; after that, the person asks again. */
export const CONFIRMATION_TTL_MS = 10 * 60 * 1000;

// The confirmation rules, in one place (issue 12 "Safe actions"): which writes run straight away and which
// first show a card with what will change, Confirm and Cancel. Pure: the command's registration says what
// kind of write it is, the preview supplies what it would overwrite.

/** What a command changes: nothing, one record it names, or several (a list, `all`, `pending`, a profile's mailboxes). */
export type WriteKind = 'none' | 'single' | 'bulk';

/** A command's write as its registration describes it. */
export interface WriteDescription {
  readonly kind: WriteKind;
  /** It may replace values someone set deliberately (e.g. apply default settings over per-mailbox methods). */
  readonly overwrites: boolean;
}

/**
 * How the command arrived: typed in chat as a command, chosen on a card (a suggestion, "did you mean", a next
 * step), or guessed from a natural-language request.
 */
export type ReachedBy = 'typed' | 'button' | 'guess';

export type ConfirmationReason =
  /** The person did not type it: a suggestion may not be what they meant. */
  | 'chosenOnCard'
  /** The bot read it from a natural-language request: its reading may be wrong. */
  | 'guessed'
  /** Several records, `all` or `pending`: which and how many is only known when it runs. */
  | 'bulkSelection'
  /** Values set before, which differ from the new ones, are replaced. */
  | 'overwritesSettings';

/** Whether a preview must be made before running: only a typed write naming one record, overwriting nothing, runs unseen. */
export function mayNeedConfirmation(write: WriteDescription, reachedBy: ReachedBy): boolean {
  if (write.kind === 'none') return false;
  return reachedBy !== 'typed' || write.kind === 'bulk' || write.overwrites;
}

/** Every reason this write needs a confirmation, given how many previously set values it replaces; none means it runs directly. */
export function confirmationReasons(write: WriteDescription, reachedBy: ReachedBy, overwrittenValues: number): readonly ConfirmationReason[] {
  if (write.kind === 'none') return [];
  const reasons: ConfirmationReason[] = [];
  if (reachedBy === 'button') reasons.push('chosenOnCard');
  if (reachedBy === 'guess') reasons.push('guessed');
  if (write.kind === 'bulk') reasons.push('bulkSelection');
  if (write.overwrites && overwrittenValues > 0) reasons.push('overwritesSettings');
  return reasons;
}

/** A pending confirmation lives this long; after that, the person asks again. */
export const CONFIRMATION_TTL_MS = 10 * 60 * 1000;

/** Why a pending choice (a confirmation, a suggested command) cannot be taken; the card says so and nothing changes. */
export type ChoiceRefusal = 'unknown' | 'used' | 'expired' | 'someoneElse' | 'otherConversation';

/**
 * Who may take a pending choice, and when: only the person it was made for (Entra object ids compare without case),
 * in the conversation where it was offered, before it expires. Null when `taker` may take it now.
 */
export function refusalToTake(
  choice: { readonly ownerAadObjectId: string; readonly conversationId: string; readonly expiresAt: number },
  taker: { readonly aadObjectId: string; readonly conversationId: string; readonly nowMs: number },
): ChoiceRefusal | null {
  if (choice.ownerAadObjectId.toLowerCase() !== taker.aadObjectId.toLowerCase()) return 'someoneElse';
  if (choice.conversationId !== taker.conversationId) return 'otherConversation';
  if (taker.nowMs >= choice.expiresAt) return 'expired';
  return null;
}

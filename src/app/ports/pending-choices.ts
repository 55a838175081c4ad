// Pending choices behind the ids a card carries: confirmations of previewed writes and suggested commands.
// The bot's own state, kept where every instance that may receive the click can find it: in the process with
// the data file (one process), in PostgreSQL with several instances (a Confirm click may reach any of them).
import type { ReachedBy } from '../../domain/confirmation.js';

export interface PendingConfirmation {
  readonly kind: 'confirmation';
  readonly id: string;
  /** Entra object id of the person who asked: only they may confirm or cancel. */
  readonly ownerAadObjectId: string;
  readonly ownerName: string;
  /** The command line as the bot writes it back; parsed again on Confirm. */
  readonly commandText: string;
  readonly reachedBy: ReachedBy;
  /** What the preview saw; a different fingerprint on Confirm means the records changed meanwhile. */
  readonly fingerprint: string;
  /** Milliseconds since the epoch. */
  readonly expiresAt: number;
  /** Where the confirmation was asked for; Confirm in another conversation is refused. */
  readonly conversationId: string;
}

export interface PendingSuggestion {
  readonly kind: 'suggestion';
  readonly id: string;
  readonly ownerAadObjectId: string;
  readonly ownerName: string;
  readonly commandText: string;
  readonly expiresAt: number;
  readonly conversationId: string;
}

export type PendingChoice = PendingConfirmation | PendingSuggestion;

/** A stored choice: still open, or used up (a confirmation is used at most once). */
export type StoredChoice = { readonly used: false; readonly choice: PendingChoice } | { readonly used: true };

export interface PendingChoiceRepository {
  save(choice: PendingChoice): Promise<void>;
  /** The choice, or undefined when it was never saved here or is long gone. */
  find(id: string): Promise<StoredChoice | undefined>;
  /** Uses the choice up; true for the one call that did (a concurrent second click, on any instance, gets false). */
  markUsed(id: string): Promise<boolean>;
}

// Pending choices: confirmations of previewed writes and suggested commands, each behind an opaque id that is
// all a card carries. Each is bound to the person it was made for (the requester identified from the activity,
// never card data), expires after CONFIRMATION_TTL_MS, and a confirmation is used at most once.
//
// Kept in memory on purpose: a confirmation promises "this, as previewed, within 10 minutes". After a restart
// (a deployment, a crash) the code and the state it previewed may differ, so the safe answer is to preview
// again; the card then says the confirmation is no longer known and nothing was changed. The bot runs as one
// process on its data file (the store holds a lock), so no other instance needs to see them.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../app/ports.js';
import { CONFIRMATION_TTL_MS, type ReachedBy } from '../../domain/confirmation.js';
import type { User } from '../../domain/model.js';
import { LruCache } from '../../shared/lru-cache.js';

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

type PendingChoice = PendingConfirmation | PendingSuggestion;

/** Why a choice cannot be taken; the card says so and nothing changes. */
export type ChoiceRefusal = 'unknown' | 'used' | 'expired' | 'someoneElse' | 'otherConversation';

export type TakenChoice<Choice> = { readonly ok: true; readonly choice: Choice } | { readonly ok: false; readonly refusal: ChoiceRefusal; readonly choice?: Choice };

/** Enough for every person's open cards; the oldest choice is dropped first (it is expired by then in practice). */
export const MAX_PENDING_CHOICES = 5_000;

export class PendingChoices {
  readonly #choices = new LruCache<PendingChoice | { readonly kind: 'used'; readonly id: string }>(MAX_PENDING_CHOICES);

  constructor(private readonly clock: Clock) {}

  #expiry(): number {
    return this.clock.now().getTime() + CONFIRMATION_TTL_MS;
  }

  openConfirmation(input: { readonly owner: User; readonly commandText: string; readonly reachedBy: ReachedBy; readonly fingerprint: string; readonly conversationId: string }): PendingConfirmation {
    const confirmation: PendingConfirmation = {
      kind: 'confirmation',
      id: `C-${randomUUID()}`,
      ownerAadObjectId: input.owner.aadObjectId,
      ownerName: input.owner.fullName,
      commandText: input.commandText,
      reachedBy: input.reachedBy,
      fingerprint: input.fingerprint,
      expiresAt: this.#expiry(),
      conversationId: input.conversationId,
    };
    this.#choices.set(confirmation.id, confirmation);
    return confirmation;
  }

  openSuggestion(input: { readonly owner: User; readonly commandText: string; readonly conversationId: string }): PendingSuggestion {
    const suggestion: PendingSuggestion = {
      kind: 'suggestion',
      id: `S-${randomUUID()}`,
      ownerAadObjectId: input.owner.aadObjectId,
      ownerName: input.owner.fullName,
      commandText: input.commandText,
      expiresAt: this.#expiry(),
      conversationId: input.conversationId,
    };
    this.#choices.set(suggestion.id, suggestion);
    return suggestion;
  }

  #check<Choice extends PendingChoice>(choice: Choice, requester: User, conversationId: string): TakenChoice<Choice> {
    if (choice.ownerAadObjectId.toLowerCase() !== requester.aadObjectId.toLowerCase()) return { ok: false, refusal: 'someoneElse', choice };
    if (choice.conversationId !== conversationId) return { ok: false, refusal: 'otherConversation', choice };
    if (this.clock.now().getTime() >= choice.expiresAt) return { ok: false, refusal: 'expired', choice };
    return { ok: true, choice };
  }

  /**
   * Takes the confirmation for `requester`: on success it is used up, so a second click (or a replayed
   * action) finds it used. Someone else's click leaves it open for its owner.
   */
  takeConfirmation(id: string, requester: User, conversationId: string): TakenChoice<PendingConfirmation> {
    const stored = this.#choices.get(id);
    if (stored === undefined || stored.kind === 'suggestion') return { ok: false, refusal: 'unknown' };
    if (stored.kind === 'used') return { ok: false, refusal: 'used' };
    const checked = this.#check(stored, requester, conversationId);
    if (checked.ok || checked.refusal === 'expired') this.#choices.set(id, { kind: 'used', id });
    return checked;
  }

  /** A suggestion may be chosen again (each choice only leads to a preview), until it expires. */
  findSuggestion(id: string, requester: User, conversationId: string): TakenChoice<PendingSuggestion> {
    const stored = this.#choices.get(id);
    if (stored === undefined || stored.kind !== 'suggestion') return { ok: false, refusal: 'unknown' };
    return this.#check(stored, requester, conversationId);
  }
}

// Pending choices: confirmations of previewed writes and suggested commands, each behind an opaque id that is
// all a card carries. Each is bound to the person it was made for (the requester identified from the activity,
// never card data), expires after CONFIRMATION_TTL_MS, and a confirmation is used at most once. Where they are
// kept is the repository's business (the process with the data file; PostgreSQL with several instances, since
// the click on a card may reach any instance).
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../app/ports.js';
import type { PendingChoice, PendingChoiceRepository, PendingConfirmation, PendingSuggestion } from '../../app/ports/pending-choices.js';
import { CONFIRMATION_TTL_MS, refusalToTake, type ChoiceRefusal, type ReachedBy } from '../../domain/confirmation.js';
import type { User } from '../../domain/model.js';

export type { PendingConfirmation, PendingSuggestion } from '../../app/ports/pending-choices.js';
export type { ChoiceRefusal } from '../../domain/confirmation.js';

export type TakenChoice<Choice> = { readonly ok: true; readonly choice: Choice } | { readonly ok: false; readonly refusal: ChoiceRefusal; readonly choice?: Choice };

/** A suggestion made while a card is being rendered: its id now, its saving awaited before the card is sent. */
export interface OfferedSuggestion {
  readonly id: string;
  readonly saved: Promise<void>;
}

export class PendingChoices {
  constructor(
    private readonly clock: Clock,
    private readonly repository: PendingChoiceRepository,
  ) {}

  #expiry(): number {
    return this.clock.now().getTime() + CONFIRMATION_TTL_MS;
  }

  /** Resolves once the confirmation is kept: only then may a card carry its id. */
  async openConfirmation(input: { readonly owner: User; readonly commandText: string; readonly reachedBy: ReachedBy; readonly fingerprint: string; readonly conversationId: string }): Promise<PendingConfirmation> {
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
    await this.repository.save(confirmation);
    return confirmation;
  }

  /** The suggestion's id at once (a view asks while it renders); send the card only after `saved`. */
  offerSuggestion(input: { readonly owner: User; readonly commandText: string; readonly conversationId: string }): OfferedSuggestion {
    const suggestion: PendingSuggestion = {
      kind: 'suggestion',
      id: `S-${randomUUID()}`,
      ownerAadObjectId: input.owner.aadObjectId,
      ownerName: input.owner.fullName,
      commandText: input.commandText,
      expiresAt: this.#expiry(),
      conversationId: input.conversationId,
    };
    return { id: suggestion.id, saved: this.repository.save(suggestion) };
  }

  #check<Choice extends PendingChoice>(choice: Choice, requester: User, conversationId: string): TakenChoice<Choice> {
    const refusal = refusalToTake(choice, { aadObjectId: requester.aadObjectId, conversationId, nowMs: this.clock.now().getTime() });
    return refusal === null ? { ok: true, choice } : { ok: false, refusal, choice };
  }

  /**
   * Takes the confirmation for `requester`: on success it is used up, so a second click (or a replayed
   * action, on this instance or another) finds it used. Someone else's click leaves it open for its owner.
   */
  async takeConfirmation(id: string, requester: User, conversationId: string): Promise<TakenChoice<PendingConfirmation>> {
    const stored = await this.repository.find(id);
    if (stored === undefined) return { ok: false, refusal: 'unknown' };
    if (stored.used) return { ok: false, refusal: 'used' };
    if (stored.choice.kind !== 'confirmation') return { ok: false, refusal: 'unknown' };
    const checked = this.#check(stored.choice, requester, conversationId);
    if (!checked.ok && checked.refusal !== 'expired') return checked;
    // Only the click that uses it up may act on it: two clicks at once (two instances) get one yes.
    const usedHere = await this.repository.markUsed(id);
    return usedHere ? checked : { ok: false, refusal: 'used' };
  }

  /** A suggestion may be chosen again (each choice only leads to a preview), until it expires. */
  async findSuggestion(id: string, requester: User, conversationId: string): Promise<TakenChoice<PendingSuggestion>> {
    const stored = await this.repository.find(id);
    if (stored === undefined || stored.used || stored.choice.kind !== 'suggestion') return { ok: false, refusal: 'unknown' };
    return this.#check(stored.choice, requester, conversationId);
  }
}

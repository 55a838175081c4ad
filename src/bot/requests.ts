// What the bot's handlers receive and answer: a command request (its requester identified from the activity),
// card actions, and replies. A leaf: the turn handler, the command handlers and the services all use these
// types, so they live apart from all of them.
import type { DelegatedCredential } from '../app/ports/intents.js';
import type { AdaptiveCardJson, CardAction } from '../cards/index.js';
import type { ReachedBy } from '../domain/confirmation.js';
import type { ConversationScope } from './commands/ids.js';
import type { Identification } from './identity.js';

/** What a handler answers: a card, a line of text, or both. */
export interface Reply {
  readonly card?: AdaptiveCardJson;
  readonly text?: string;
}

export interface Responder {
  /** Sends a reply; resolves to the id of the message that shows it (for later in-place updates), if known. */
  send(reply: Reply): Promise<string | undefined>;
}

export interface ConversationInfo {
  readonly id: string;
  readonly type: 'personal' | 'groupChat' | 'channel';
  readonly scope: ConversationScope;
  /** The sender's Teams id (`29:…`), used for card refresh lists. */
  readonly fromId: string;
}

export interface CommandRequest {
  readonly requester: Extract<Identification, { ok: true }>['user'];
  /** Typed, chosen on a card, or guessed from natural language; only a typed write may skip the preview (src/domain/confirmation.ts). */
  readonly reachedBy?: ReachedBy;
  readonly tenantId: string;
  readonly conversation: ConversationInfo;
  readonly respond: Responder;
  /** The list position a clicked button carried with its command (paging); absent for typed commands. */
  readonly cursor?: string;
  /** The requester's own sign-in for this turn (src/bot/sign-in), when they gave one. */
  readonly credential?: DelegatedCredential;
}

/** Card actions about a previewed write or a suggested command (src/bot/handlers/confirmations.ts). */
export type ChoiceCardAction = Extract<CardAction, { verb: 'confirmation.confirm' | 'confirmation.cancel' | 'suggestion.choose' }>;

export type ApprovalCardAction = Exclude<CardAction, { verb: 'command' } | ChoiceCardAction>;

/**
 * Answers a choice: `card` replaces the clicked card (a decision: confirmed, cancelled, previewed again),
 * `message` leaves it as it was; anything else (the command's result) goes out through `request.respond`.
 */
export type ChoiceActionHandler = (action: ChoiceCardAction, request: CommandRequest) => Promise<CardActionAnswer>;

/** Answers an unknown command with its closest commands as choices (src/bot/handlers/index.ts). */
export type SuggestionOffer = (input: string, suggestions: readonly string[], request: CommandRequest) => Promise<void>;

export interface CardActionRequest {
  readonly identification: Identification;
  readonly conversation: ConversationInfo;
  /** The message carrying the card that was clicked. */
  readonly replyToId: string | undefined;
  /** `automatic` is a Universal Actions refresh, `manual` a click. */
  readonly trigger: 'manual' | 'automatic';
  readonly via: 'invoke' | 'submit';
  /** The clicker's own sign-in for this turn (src/bot/sign-in), when they gave one. */
  readonly credential?: DelegatedCredential;
}

/** Answer to an approval card action: the card to show the clicker, or a short message. */
export type CardActionAnswer = { readonly card: AdaptiveCardJson } | { readonly message: string };

export type ApprovalActionHandler = (action: ApprovalCardAction, request: CardActionRequest) => Promise<CardActionAnswer>;

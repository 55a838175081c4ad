// The shape every rendered card has, and the botbuilder-free attachment that carries it.
import { z } from 'zod';

export const ADAPTIVE_CARD_SCHEMA_URL = 'http://adaptivecards.io/schemas/adaptive-card.json';
/** Teams renders Adaptive Cards up to 1.5 (teams.md §2.3). */
export const ADAPTIVE_CARD_VERSION = '1.5';
/** The MIME type Teams accepts; `application/vnd.microsoft.adaptive.card` is rejected (teams.md §5 #4). */
export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';
/** Size budget per card: portable to webhooks and far below the ~100 KB bot message limit. */
export const CARD_BYTE_BUDGET = 28 * 1024;
/** Teams refreshes a card for at most 60 listed users. */
export const MAX_REFRESH_USER_IDS = 60;

const jsonObjectSchema = z.record(z.string(), z.unknown());

export const refreshSchema = z.object({
  action: z.object({
    type: z.literal('Action.Execute'),
    verb: z.string().min(1),
    data: jsonObjectSchema,
  }),
  userIds: z.array(z.string().min(1)).max(MAX_REFRESH_USER_IDS),
});

/**
 * A rendered card. The top level is checked on every render (cheap, shallow); the elements inside
 * `body` are checked by the Adaptive Cards SDK in the tests.
 */
export const adaptiveCardJsonSchema = z
  .object({
    type: z.literal('AdaptiveCard'),
    $schema: z.literal(ADAPTIVE_CARD_SCHEMA_URL),
    version: z.literal(ADAPTIVE_CARD_VERSION),
    fallbackText: z.string().min(1),
    body: z.array(jsonObjectSchema).min(1),
    refresh: refreshSchema.optional(),
  })
  .loose();

export type AdaptiveCardJson = z.infer<typeof adaptiveCardJsonSchema>;

export interface AdaptiveCardAttachment {
  readonly contentType: typeof ADAPTIVE_CARD_CONTENT_TYPE;
  readonly content: AdaptiveCardJson;
}

/** Wraps a card for `activity.attachments` (and for invoke responses, which take the card itself). */
export function toAdaptiveCardAttachment(card: AdaptiveCardJson): AdaptiveCardAttachment {
  return { contentType: ADAPTIVE_CARD_CONTENT_TYPE, content: card };
}

/** UTF-8 size of the card as it goes over the wire. */
export function cardByteSize(card: AdaptiveCardJson): number {
  return Buffer.byteLength(JSON.stringify(card), 'utf8');
}

// Card action verbs and their data, shared by the card templates (which emit them) and the bot (which
// parses them from invokes and Action.Submit messages). Data identifies the action, never the actor:
// identity comes from the activity (`from.aadObjectId`), so unknown keys are stripped, not trusted.
import { z } from 'zod';
import { MAX_COMMAND_LENGTH } from '../shared/limits.js';

export const CardVerb = {
  ApproveEmail: 'approval.approve',
  RejectEmail: 'approval.reject',
  RefreshApproval: 'approval.refresh',
  /** Runs a chat command, as if the user had typed it (paging, did-you-mean, next steps). */
  Command: 'command',
  /** Runs the write a confirmation card previewed (src/bot/handlers/confirmations.ts). */
  ConfirmWrite: 'confirmation.confirm',
  /** Drops the write a confirmation card previewed; nothing changes. */
  CancelWrite: 'confirmation.cancel',
  /** Picks a suggested command ("did you mean", a closest name); the bot previews it before any write. */
  ChooseSuggestion: 'suggestion.choose',
} as const;
export type CardVerb = (typeof CardVerb)[keyof typeof CardVerb];

export const CARD_VERBS: readonly CardVerb[] = Object.values(CardVerb);

/** Longest text an approval card's input may carry; the use case words what is wrong with shorter text. */
const MAX_CARD_INPUT_LENGTH = 4_000;
const cardInputText = (name: string) => z.string({ error: `${name} must be text` }).max(MAX_CARD_INPUT_LENGTH, `${name} must be at most ${MAX_CARD_INPUT_LENGTH} characters`).optional();

/** Input ids on the approval card: Teams sends each input's value next to the button's data. */
export const ApprovalCardInput = { RejectReason: 'rejectReason', ApproveComment: 'approveComment' } as const;

export const approvalDecisionDataSchema = z.object({
  requestId: z.string({ error: 'requestId must be a string' }).min(1, 'requestId must not be empty'),
  version: z
    .number({ error: 'version must be a number' })
    .int('version must be a whole number')
    .nonnegative('version must not be negative'),
  /** Why the approver rejects (the reason input); required for a rejection, which the use case checks. */
  [ApprovalCardInput.RejectReason]: cardInputText('The reason'),
  /** The approver's optional comment on an approval. */
  [ApprovalCardInput.ApproveComment]: cardInputText('The comment'),
});
export type ApprovalDecisionData = z.infer<typeof approvalDecisionDataSchema>;

export const approvalRefreshDataSchema = z.object({
  requestId: z.string({ error: 'requestId must be a string' }).min(1, 'requestId must not be empty'),
});
export type ApprovalRefreshData = z.infer<typeof approvalRefreshDataSchema>;

/** Longest list position a button may carry: an opaque cursor of the records port, never an offset. */
export const MAX_LIST_CURSOR_LENGTH = 1000;

export const commandDataSchema = z.object({
  command: z
    .string({ error: 'command must be a string' })
    .trim()
    .min(1, 'command must not be empty')
    .max(MAX_COMMAND_LENGTH, `command must be at most ${MAX_COMMAND_LENGTH} characters`),
  /** Where a paged list goes on (the Next button): the command's page, reached without reading the pages before. */
  cursor: z
    .string({ error: 'cursor must be a string' })
    .min(1, 'cursor must not be empty')
    .max(MAX_LIST_CURSOR_LENGTH, `cursor must be at most ${MAX_LIST_CURSOR_LENGTH} characters`)
    .optional(),
});
export type CommandData = z.infer<typeof commandDataSchema>;

/** An opaque id the bot issued; what it stands for (and for whom) stays in the bot's own state. */
const opaqueIdSchema = (name: string) =>
  z
    .string({ error: `${name} must be a string` })
    .min(1, `${name} must not be empty`)
    .max(100, `${name} must be at most 100 characters`)
    .regex(/^[A-Za-z0-9-]+$/, `${name} must be letters, digits and dashes`);

export const confirmationDataSchema = z.object({ confirmationId: opaqueIdSchema('confirmationId') });
export type ConfirmationData = z.infer<typeof confirmationDataSchema>;

export const suggestionDataSchema = z.object({ suggestionId: opaqueIdSchema('suggestionId') });
export type SuggestionData = z.infer<typeof suggestionDataSchema>;

const unknownVerbMessage = `unknown card verb; expected one of ${CARD_VERBS.join(', ')}`;

/** `activity.value.action` of an `adaptiveCard/action` invoke (the `type`/`id` fields are not needed). */
export const executeActionSchema = z.discriminatedUnion(
  'verb',
  [
    z.object({ verb: z.literal(CardVerb.ApproveEmail), data: approvalDecisionDataSchema }),
    z.object({ verb: z.literal(CardVerb.RejectEmail), data: approvalDecisionDataSchema }),
    z.object({ verb: z.literal(CardVerb.RefreshApproval), data: approvalRefreshDataSchema }),
    z.object({ verb: z.literal(CardVerb.Command), data: commandDataSchema }),
    z.object({ verb: z.literal(CardVerb.ConfirmWrite), data: confirmationDataSchema }),
    z.object({ verb: z.literal(CardVerb.CancelWrite), data: confirmationDataSchema }),
    z.object({ verb: z.literal(CardVerb.ChooseSuggestion), data: suggestionDataSchema }),
  ],
  { error: (issue) => (issue.code === 'invalid_union' ? unknownVerbMessage : undefined) },
);
export type CardAction = z.infer<typeof executeActionSchema>;

/**
 * `activity.value` of a message sent by an `Action.Submit` fallback. Submit has no verb, so the
 * fallback data carries `verb` next to the same fields; this schema turns it into a `CardAction`.
 */
export const submitActionSchema = z
  .discriminatedUnion(
    'verb',
    [
      approvalDecisionDataSchema.extend({ verb: z.literal(CardVerb.ApproveEmail) }),
      approvalDecisionDataSchema.extend({ verb: z.literal(CardVerb.RejectEmail) }),
      approvalRefreshDataSchema.extend({ verb: z.literal(CardVerb.RefreshApproval) }),
      commandDataSchema.extend({ verb: z.literal(CardVerb.Command) }),
      confirmationDataSchema.extend({ verb: z.literal(CardVerb.ConfirmWrite) }),
      confirmationDataSchema.extend({ verb: z.literal(CardVerb.CancelWrite) }),
      suggestionDataSchema.extend({ verb: z.literal(CardVerb.ChooseSuggestion) }),
    ],
    { error: (issue) => (issue.code === 'invalid_union' ? unknownVerbMessage : undefined) },
  )
  .transform((value): CardAction => {
    switch (value.verb) {
      case CardVerb.ApproveEmail:
      case CardVerb.RejectEmail:
        return {
          verb: value.verb,
          data: {
            requestId: value.requestId,
            version: value.version,
            ...(value.rejectReason === undefined ? {} : { rejectReason: value.rejectReason }),
            ...(value.approveComment === undefined ? {} : { approveComment: value.approveComment }),
          },
        };
      case CardVerb.RefreshApproval:
        return { verb: value.verb, data: { requestId: value.requestId } };
      case CardVerb.Command:
        return { verb: value.verb, data: { command: value.command, ...(value.cursor === undefined ? {} : { cursor: value.cursor }) } };
      case CardVerb.ConfirmWrite:
      case CardVerb.CancelWrite:
        return { verb: value.verb, data: { confirmationId: value.confirmationId } };
      case CardVerb.ChooseSuggestion:
        return { verb: value.verb, data: { suggestionId: value.suggestionId } };
    }
  });

export type CardActionParseResult =
  | { readonly ok: true; readonly action: CardAction }
  | { readonly ok: false; readonly error: string };

function toResult(parsed: z.ZodSafeParseResult<CardAction>): CardActionParseResult {
  return parsed.success ? { ok: true, action: parsed.data } : { ok: false, error: z.prettifyError(parsed.error) };
}

/** Parses `activity.value.action` of an invoke; the error names each wrong field. */
export const parseExecuteAction = (action: unknown): CardActionParseResult => toResult(executeActionSchema.safeParse(action));

/** Parses `activity.value` of an Action.Submit message into the same shape as an invoke. */
export const parseSubmitAction = (value: unknown): CardActionParseResult => toResult(submitActionSchema.safeParse(value));

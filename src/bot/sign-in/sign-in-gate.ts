// Sign-in before a decision (issue 14): Approve and Reject, on a card or typed, are made with the approver's
// own identity. A card click without a token gets Teams' Universal Actions login request (401, an OAuth card with
// a tokenExchangeResource); Teams sends the click again with a single sign-on token, which is checked and
// exchanged (the SignInExchange port) for a credential that lives for that turn. A typed command gets the OAuth
// card in the chat; Teams answers with a `signin/tokenExchange` invoke, and the command runs then.
//
// Identity still comes from the activity only: the token must be of the activity's person and tenant. Tokens
// are never stored or logged; what waits for a sign-in is the typed command's text, in memory, for ten minutes.
import { randomUUID } from 'node:crypto';
import { ActivityTypes, type TurnContext } from 'botbuilder';
import { z } from 'zod';
import type { SignInExchange, SignInOutcome, TurnCredential } from '../../app/ports/sign-in.js';
import { CardVerb } from '../../cards/index.js';
import { LruCache } from '../../shared/lru-cache.js';
import type { Logger } from '../../shared/logger.js';
import type { CommandId } from '../commands/ids.js';
import type { Identification } from '../identity.js';
import type { ApprovalCardAction } from '../requests.js';
import { LOGIN_REQUEST_TYPE, OAUTH_CARD_CONTENT_TYPE, PRECONDITION_FAILED_TYPE, oauthCard, signInRefusedCard, type SignInCardSettings } from './oauth-card.js';
import type { UserTokenService } from './user-tokens.js';

type Identified = Extract<Identification, { ok: true }>;

/** An invoke response to send as it is (`statusCode` in the body, HTTP 200: the bot handled the invoke). */
export interface InvokeAnswer {
  readonly statusCode: number;
  readonly type: string;
  readonly value: unknown;
}

export type CardSignInStep = { readonly kind: 'answer'; readonly answer: InvokeAnswer } | { readonly kind: 'proceed'; readonly credential?: TurnCredential };

/** Runs a command the person typed before signing in, with the credential of this turn. */
export type RunSignedIn = (commandText: string, credential: TurnCredential) => Promise<void>;

export interface SignInGate {
  /** Whether this card action decides (and so needs a sign-in). */
  requiresSignIn(action: ApprovalCardAction): boolean;
  forCardAction(context: TurnContext, identification: Identified, action: ApprovalCardAction, trigger: 'manual' | 'automatic'): Promise<CardSignInStep>;
  /** True when the command must wait for a sign-in (the OAuth card was sent). */
  holdCommand(context: TurnContext, identification: Identified, commandId: CommandId, commandText: string): Promise<boolean>;
  /** `signin/tokenExchange` and `signin/verifyState`; always answers the invoke. */
  onSignInInvoke(context: TurnContext, identification: Identified, name: string, run: RunSignedIn): Promise<void>;
}

export interface SignInGateOptions extends SignInCardSettings {
  readonly exchange: SignInExchange;
  readonly userTokens: UserTokenService;
  readonly logger: Logger;
  readonly now?: () => number;
}

/** Commands whose write Dynamics 365 checks against the caller's own admin role. */
const COMMANDS_NEEDING_SIGN_IN: ReadonlySet<CommandId> = new Set<CommandId>(['approveMailbox', 'rejectMailbox']);
const DECISION_VERBS: ReadonlySet<string> = new Set([CardVerb.ApproveEmail, CardVerb.RejectEmail]);
const PENDING_MS = 10 * 60_000;
const PENDING_ENTRIES = 1024;

const invokeAuthenticationSchema = z.looseObject({
  authentication: z.looseObject({ token: z.string().min(1) }).optional().catch(undefined),
  state: z.string().min(1).optional().catch(undefined),
});
const tokenExchangeSchema = z.looseObject({ id: z.string().min(1), connectionName: z.string().optional(), token: z.string().min(1) });
const verifyStateSchema = z.looseObject({ state: z.string().min(1) });

interface PendingCommand {
  readonly tenantId: string;
  readonly aadObjectId: string;
  readonly commandText: string;
  readonly expiresAt: number;
  done: boolean;
}

const personKey = (identification: Identified): string => `${identification.tenantId.toLowerCase()}:${identification.user.aadObjectId.toLowerCase()}`;

export function createSignInGate(options: SignInGateOptions): SignInGate {
  const now = options.now ?? Date.now;
  const pending = new LruCache<PendingCommand>(PENDING_ENTRIES);
  /** The newest pending command of a person (verifyState carries no exchange id). */
  const newestOf = new LruCache<string>(PENDING_ENTRIES);
  const { logger } = options;

  const signIn = async (identification: Identified, token: string): Promise<SignInOutcome> => {
    const outcome = await options.exchange.signIn({ token, tenantId: identification.tenantId, aadObjectId: identification.user.aadObjectId });
    if (outcome.ok) logger.info('signed in for this turn', { userId: identification.user.id });
    else logger.warn('sign-in refused', { userId: identification.user.id, problem: outcome.problem });
    return outcome;
  };

  const loginRequest = async (context: TurnContext, text: string, withSingleSignOn: boolean): Promise<InvokeAnswer> => ({
    statusCode: 401,
    type: LOGIN_REQUEST_TYPE,
    value: oauthCard(options, text, await options.userTokens.signInLink(context), withSingleSignOn ? randomUUID() : undefined),
  });

  const afterSignIn = async (context: TurnContext, outcome: SignInOutcome, action: ApprovalCardAction): Promise<CardSignInStep> => {
    if (outcome.ok) return { kind: 'proceed', credential: outcome.credential };
    if (outcome.problem === 'consentRequired') {
      // Teams documents a second login request without single sign-on after a failed exchange: the person
      // signs in (and consents) through the button, then Teams sends the click again with the sign-in code.
      return { kind: 'answer', answer: await loginRequest(context, outcome.message, false) };
    }
    const title = action.verb === CardVerb.ApproveEmail ? 'Approve again' : 'Reject again';
    return { kind: 'answer', answer: { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: signInRefusedCard(outcome.message, { verb: action.verb, data: action.data, title }) } };
  };

  const sendInvokeResponse = (context: TurnContext, status: number, body: unknown): Promise<unknown> =>
    context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status, body } });

  return {
    requiresSignIn: (action) => DECISION_VERBS.has(action.verb),
    forCardAction: async (context, identification, action, trigger) => {
      if (!DECISION_VERBS.has(action.verb) || trigger === 'automatic') return { kind: 'proceed' };
      const value = invokeAuthenticationSchema.safeParse(context.activity.value);
      const token = value.success ? value.data.authentication?.token : undefined;
      if (token !== undefined) return afterSignIn(context, await signIn(identification, token), action);
      const code = value.success ? value.data.state : undefined;
      if (code !== undefined) {
        const fromCode = await options.userTokens.tokenForCode(context, code);
        if (fromCode === undefined) {
          return { kind: 'answer', answer: { statusCode: 412, type: PRECONDITION_FAILED_TYPE, value: { code: '412', message: 'The sign-in code is not valid or has expired. Click again to sign in.' } } };
        }
        return afterSignIn(context, await signIn(identification, fromCode), action);
      }
      const what = action.verb === CardVerb.ApproveEmail ? 'approve' : 'reject';
      return { kind: 'answer', answer: await loginRequest(context, `Sign in to ${what} as yourself: Dynamics 365 checks your own administrator role.`, true) };
    },

    holdCommand: async (context, identification, commandId, commandText) => {
      if (!COMMANDS_NEEDING_SIGN_IN.has(commandId)) return false;
      const exchangeId = randomUUID();
      pending.set(exchangeId, { tenantId: identification.tenantId, aadObjectId: identification.user.aadObjectId, commandText, expiresAt: now() + PENDING_MS, done: false });
      newestOf.set(personKey(identification), exchangeId);
      const card = oauthCard(options, `Sign in to run “${commandText}” as yourself: Dynamics 365 checks your own administrator role when you approve or reject.`, await options.userTokens.signInLink(context), exchangeId);
      await context.sendActivity({ type: ActivityTypes.Message, attachments: [{ contentType: OAUTH_CARD_CONTENT_TYPE, content: card }] });
      return true;
    },

    onSignInInvoke: async (context, identification, name, run) => {
      const exchange = name === 'signin/tokenExchange' ? tokenExchangeSchema.safeParse(context.activity.value) : undefined;
      const verify = name === 'signin/verifyState' ? verifyStateSchema.safeParse(context.activity.value) : undefined;
      const exchangeId = exchange?.success === true ? exchange.data.id : verify?.success === true ? newestOf.get(personKey(identification)) : undefined;
      const waiting = exchangeId === undefined ? undefined : pending.get(exchangeId);
      const mine = waiting !== undefined && `${waiting.tenantId.toLowerCase()}:${waiting.aadObjectId.toLowerCase()}` === personKey(identification) && waiting.expiresAt > now();
      const reply = { id: exchangeId ?? '', connectionName: options.connectionName };
      if (waiting === undefined || !mine) {
        await sendInvokeResponse(context, 200, reply);
        if (exchange?.success === false || verify?.success === false) return;
        await context.sendActivity({ type: ActivityTypes.Message, text: 'I no longer know what you asked to sign in for (it was more than ten minutes ago, or I restarted). Type the command again. Nothing was changed.' });
        return;
      }
      if (waiting.done) {
        // Teams sends the exchange once per signed-in client: the first one ran the command.
        await sendInvokeResponse(context, 200, reply);
        return;
      }
      const token = exchange?.success === true ? exchange.data.token : verify?.success === true ? await options.userTokens.tokenForCode(context, verify.data.state) : undefined;
      const outcome: SignInOutcome = token === undefined ? { ok: false, problem: 'exchangeFailed', message: 'The sign-in code is not valid or has expired. Type the command again. Nothing was changed.' } : await signIn(identification, token);
      if (!outcome.ok) {
        // 412: Teams then shows the OAuth card's sign-in button (the nominal sign-in, with consent).
        await sendInvokeResponse(context, 412, { ...reply, failureDetail: outcome.message });
        if (outcome.problem !== 'consentRequired') await context.sendActivity({ type: ActivityTypes.Message, text: outcome.message });
        return;
      }
      waiting.done = true;
      await sendInvokeResponse(context, 200, reply);
      try {
        await run(waiting.commandText, outcome.credential);
      } finally {
        outcome.credential.end();
      }
    },
  };
}

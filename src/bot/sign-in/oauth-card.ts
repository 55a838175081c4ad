// What Teams' sign-in looks like on the wire: the OAuth card (with a tokenExchangeResource, the client gets a
// single sign-on token silently; without one, it shows the sign-in button), the Universal Actions login request
// that carries it, and the small card that says why a sign-in was refused.
import { ADAPTIVE_CARD_SCHEMA_URL, ADAPTIVE_CARD_VERSION, adaptiveCardJsonSchema, type AdaptiveCardJson } from '../../cards/index.js';

export const LOGIN_REQUEST_TYPE = 'application/vnd.microsoft.activity.loginRequest';
export const PRECONDITION_FAILED_TYPE = 'application/vnd.microsoft.error.preconditionFailed';
export const OAUTH_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.oauth';

export interface SignInCardSettings {
  /** The Azure Bot's OAuth connection name. */
  readonly connectionName: string;
  /** The single sign-on app's Application ID URI: Teams asks Entra for a token to it. */
  readonly appIdUri: string;
}

export interface OAuthCard {
  readonly text: string;
  readonly connectionName: string;
  readonly tokenExchangeResource?: { readonly id: string; readonly uri: string };
  readonly buttons: readonly { readonly type: 'signin'; readonly title: string; readonly text: string; readonly value: string }[];
}

/**
 * The OAuth card. `exchangeId` given: single sign-on (Teams obtains the token silently and sends it back);
 * absent: the nominal sign-in through the button only, which is what Teams documents after a failed exchange.
 */
export function oauthCard(settings: SignInCardSettings, text: string, signInLink: string, exchangeId?: string): OAuthCard {
  return {
    text,
    connectionName: settings.connectionName,
    ...(exchangeId === undefined ? {} : { tokenExchangeResource: { id: exchangeId, uri: settings.appIdUri } }),
    buttons: [{ type: 'signin', title: 'Sign in', text: 'Sign in', value: signInLink }],
  };
}

/** A card that replaces the clicked one for the clicker: why the sign-in was refused, and the action to try again. */
export function signInRefusedCard(message: string, retry: { readonly verb: string; readonly data: unknown; readonly title: string }): AdaptiveCardJson {
  return adaptiveCardJsonSchema.parse({
    type: 'AdaptiveCard',
    $schema: ADAPTIVE_CARD_SCHEMA_URL,
    version: ADAPTIVE_CARD_VERSION,
    fallbackText: `Sign-in refused: ${message}`,
    body: [
      { type: 'TextBlock', text: 'Sign-in refused', weight: 'Bolder', size: 'Medium', wrap: true },
      { type: 'TextBlock', text: message, wrap: true },
      { type: 'ActionSet', actions: [{ type: 'Action.Execute', title: retry.title, verb: retry.verb, data: retry.data }] },
    ],
  });
}

// The Bot Framework token service of the Azure Bot's OAuth connection: the sign-in link of the nominal sign-in
// (the button of the OAuth card, used when single sign-on cannot be), and the token it holds once the person
// signed in that way (Teams then sends the magic code as `state`). Without a bot registration (local mode)
// there is no token service: the link is Entra's own authorization page with a consent prompt.
import type { Activity, TurnContext } from 'botbuilder';
import type { Logger } from '../../shared/logger.js';

/** What the bot uses of botbuilder's UserTokenClient (kept in the turn state by the CloudAdapter). */
interface TokenServiceClient {
  getSignInResource(connectionName: string, activity: Activity, finalRedirect: string): Promise<{ signInLink?: string }>;
  getUserToken(userId: string, connectionName: string, channelId: string, magicCode: string): Promise<{ token?: string } | undefined>;
}

const isTokenServiceClient = (value: unknown): value is TokenServiceClient =>
  typeof value === 'object' && value !== null && 'getSignInResource' in value && typeof value.getSignInResource === 'function' && 'getUserToken' in value && typeof value.getUserToken === 'function';

export interface UserTokenService {
  /** The link of the OAuth card's sign-in button. */
  signInLink(context: TurnContext): Promise<string>;
  /** The token the token service holds after a nominal sign-in, for the magic code Teams sent; undefined if none. */
  tokenForCode(context: TurnContext, code: string): Promise<string | undefined>;
}

export interface UserTokenServiceSettings {
  readonly connectionName: string;
  readonly appId: string;
  readonly authorityHost: string;
  /** `https://contoso.crm.dynamics.com`: the consent page asks for its user_impersonation. */
  readonly resourceUrl: string;
  readonly organizationTenantId: string;
}

/** Entra's authorization page for the single sign-on app, asking for consent to act on Dynamics 365 as the person. */
export function consentLink(settings: UserTokenServiceSettings): string {
  const query = new URLSearchParams({
    client_id: settings.appId,
    response_type: 'code',
    scope: `${settings.resourceUrl}/user_impersonation`,
    prompt: 'consent',
    redirect_uri: 'https://token.botframework.com/.auth/web/redirect',
  });
  return `${settings.authorityHost}/${settings.organizationTenantId}/oauth2/v2.0/authorize?${query.toString()}`;
}

/**
 * The token service through botbuilder's UserTokenClient. `registered` false (local mode, no MicrosoftAppId):
 * there is no token service to ask, so the sign-in link is Entra's consent page and no code can be redeemed.
 */
export function botFrameworkUserTokens(settings: UserTokenServiceSettings, logger: Logger, registered: boolean): UserTokenService {
  const clientOf = (context: TurnContext): TokenServiceClient | undefined => {
    if (!registered) return undefined;
    // CloudAdapterBase keeps the turn's UserTokenClient under its UserTokenClientKey symbol.
    const key: unknown = 'UserTokenClientKey' in context.adapter ? context.adapter.UserTokenClientKey : undefined;
    const client: unknown = typeof key === 'symbol' ? context.turnState.get(key) : undefined;
    return isTokenServiceClient(client) ? client : undefined;
  };
  return {
    signInLink: async (context) => {
      const client = clientOf(context);
      if (client !== undefined) {
        try {
          const resource = await client.getSignInResource(settings.connectionName, context.activity, '');
          if (resource.signInLink !== undefined && resource.signInLink !== '') return resource.signInLink;
        } catch (error) {
          logger.warn('the Bot Framework token service gave no sign-in link; offering Entra\'s consent page', { connectionName: settings.connectionName, error: error instanceof Error ? error.message : String(error) });
        }
      }
      return consentLink(settings);
    },
    tokenForCode: async (context, code) => {
      const client = clientOf(context);
      const userId = context.activity.from.id;
      if (client === undefined) return undefined;
      try {
        const response = await client.getUserToken(userId, settings.connectionName, context.activity.channelId, code);
        return response?.token;
      } catch (error) {
        logger.warn('the Bot Framework token service refused the sign-in code', { connectionName: settings.connectionName, error: error instanceof Error ? error.message : String(error) });
        return undefined;
      }
    },
  };
}

// The Bot Framework side: CloudAdapter with JWT validation whenever an app id is configured.
import {
  CloudAdapter,
  ConfigurationServiceClientCredentialFactory,
  type Activity,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type TurnContext,
} from 'botbuilder';
import { z } from 'zod';
import type { BotCredentials } from '../shared/config.js';
import type { Logger } from '../shared/logger.js';
import { ReusedClientsAuthentication } from './reused-clients.js';

/**
 * Where tokens are checked and obtained. botbuilder's public-cloud endpoints unless given; tests point
 * them at loopback so that JWT validation runs against a key set they control, with no network access.
 */
export interface AuthenticationEndpoints {
  /** OpenID metadata whose `jwks_uri` lists the keys that sign channel tokens. */
  readonly toBotFromChannelOpenIdMetadataUrl: string;
  readonly toBotFromEmulatorOpenIdMetadataUrl: string;
  /** The `iss` a channel token must carry. */
  readonly toBotFromChannelTokenIssuer: string;
  readonly toChannelFromBotLoginUrl: string;
  readonly toChannelFromBotOAuthScope: string;
  readonly oAuthUrl: string;
}

/** How an inbound request ended: refused before any turn ran, or answered by the turn. */
export type InboundAnswer =
  | { readonly kind: 'refused'; readonly status: 401 | 403; readonly reason: string }
  | { readonly kind: 'answered'; readonly status: number; readonly body: unknown };

type TurnLogic = (context: TurnContext) => Promise<void>;

/**
 * CloudAdapter whose inbound path authenticates before it runs the turn. `CloudAdapter.process` maps only
 * botbuilder's own AuthenticationError to 401; a forged token that fails inside jsonwebtoken (bad signature,
 * `nbf` ahead, `alg: none`, HS256 key confusion) became a 500 carrying the library's message.
 */
export class AuthenticatingCloudAdapter extends CloudAdapter {
  async handleInbound(activity: Activity, authorization: string, logic: TurnLogic): Promise<InboundAnswer> {
    const authenticated = await this.botFrameworkAuthentication.authenticateRequest(activity, authorization).then(
      (result) => ({ ok: true as const, result }),
      (error: unknown) => ({ ok: false as const, refusal: refusalFor(error) }),
    );
    if (!authenticated.ok) return authenticated.refusal;
    const response = await this.processActivity(authenticated.result, withDates(activity), logic);
    return { kind: 'answered', status: response?.status ?? 200, body: response?.body };
  }
}

/** botbuilder's AuthenticationError carries the status it means (its own isStatusCodeError test). */
const statusCodeErrorSchema = z.object({ statusCode: z.number() });

function refusalFor(error: unknown): Extract<InboundAnswer, { kind: 'refused' }> {
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  // Everything else, including signing keys that could not be loaded (the reason, logged, says so), means
  // the caller's token was not accepted: 401, never a 500 that suggests the caller broke something.
  const statusCode = statusCodeErrorSchema.safeParse(error).data?.statusCode;
  return { kind: 'refused', status: statusCode === 403 ? 403 : 401, reason };
}

/** What CloudAdapter.process does to the timestamps (botbuilder's validateAndFixActivity is not exported). */
function withDates(activity: Activity): Activity {
  const received: Record<string, unknown> = { ...activity };
  const dates: Record<string, unknown> = {};
  for (const [field, raw] of [
    ['timestamp', 'rawTimestamp'],
    ['expiration', 'rawExpiration'],
    ['localTimestamp', 'rawLocalTimestamp'],
  ] as const) {
    const value = received[field];
    if (typeof value === 'string') {
      dates[raw] = value;
      dates[field] = new Date(value);
    }
  }
  return Object.assign({}, activity, dates);
}

export function createCloudAdapter(credentials: BotCredentials | null, logger: Logger, endpoints?: AuthenticationEndpoints): AuthenticatingCloudAdapter {
  // An empty options object is botbuilder's anonymous mode (no token required inbound, none sent outbound).
  const options: ConfigurationBotFrameworkAuthenticationOptions =
    credentials === null
      ? {}
      : {
          MicrosoftAppId: credentials.appId,
          MicrosoftAppPassword: credentials.appPassword ?? '',
          MicrosoftAppType: credentials.appType,
          MicrosoftAppTenantId: credentials.appTenantId ?? '',
          ...(endpoints === undefined
            ? {}
            : {
                ToBotFromChannelOpenIdMetadataUrl: endpoints.toBotFromChannelOpenIdMetadataUrl,
                ToBotFromEmulatorOpenIdMetadataUrl: endpoints.toBotFromEmulatorOpenIdMetadataUrl,
                ToBotFromChannelTokenIssuer: endpoints.toBotFromChannelTokenIssuer,
                ToChannelFromBotLoginUrl: endpoints.toChannelFromBotLoginUrl,
                ToChannelFromBotOAuthScope: endpoints.toChannelFromBotOAuthScope,
                OAuthUrl: endpoints.oAuthUrl,
              }),
        };
  const authentication = new ReusedClientsAuthentication(options, new ConfigurationServiceClientCredentialFactory(options));
  const adapter = new AuthenticatingCloudAdapter(authentication);
  adapter.onTurnError = async (context, error) => {
    // A proactive turn (continueConversationAsync) must fail loudly: the outbox decides retries and
    // dead letters from the error. Swallowing it here would record a failed send as delivered.
    if (context.activity.type === 'event' && context.activity.name === 'ContinueConversation') throw error;
    logger.error('turn failed', { activityType: context.activity.type, conversation: context.activity.conversation?.id, error });
    if (context.activity.type === 'message') {
      await context.sendActivity('Sorry, something went wrong on my side while handling that. Nothing was changed by the failed step; please try again.');
    }
  };
  return adapter;
}

/** The bot's own app id for proactive calls ('' in local mode, as CloudAdapter expects). */
export const botAppIdOf = (credentials: BotCredentials | null): string => credentials?.appId ?? '';

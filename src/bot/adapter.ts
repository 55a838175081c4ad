// The Bot Framework side: CloudAdapter with JWT validation whenever an app id is configured.
import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  ConfigurationServiceClientCredentialFactory,
  type ConfigurationBotFrameworkAuthenticationOptions,
} from 'botbuilder';
import type { BotCredentials } from '../config.js';
import type { Logger } from '../logger.js';

export function createCloudAdapter(credentials: BotCredentials | null, logger: Logger): CloudAdapter {
  // An empty options object is botbuilder's anonymous mode (no token required inbound, none sent outbound).
  const options: ConfigurationBotFrameworkAuthenticationOptions =
    credentials === null
      ? {}
      : {
          MicrosoftAppId: credentials.appId,
          MicrosoftAppPassword: credentials.appPassword ?? '',
          MicrosoftAppType: credentials.appType,
          MicrosoftAppTenantId: credentials.appTenantId ?? '',
        };
  const authentication = new ConfigurationBotFrameworkAuthentication(options, new ConfigurationServiceClientCredentialFactory(options));
  const adapter = new CloudAdapter(authentication);
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

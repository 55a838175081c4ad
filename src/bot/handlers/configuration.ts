// help, whoami, profiles and System Settings › Email.
import {
  configureDefaultEmailSettings,
  EXCHANGE_ONLINE_PROFILE_NAME,
  setDefaultProfile,
  showEmailSettings,
  verifyProfiles,
  whoAmI,
  type EmailSettingsChange,
} from '../../app/index.js';
import { closestNames } from '../../app/suggestions.js';
import { renderEmailSettingsCard, renderHelpCard, renderProfilesCard, renderWhoAmICard } from '../../cards/index.js';
import { domainError, type DomainError } from '../../domain/errors.js';
import { ok, type Result } from '../../domain/result.js';
import {
  emailSettingsView,
  helpCommandView,
  helpOverviewView,
  profilesView,
  settingsChangeText,
  verificationSummary,
  whoAmIView,
  type DefaultSettingChanged,
} from '../views/index.js';
import type { HandlerEnvironment } from './environment.js';
import { cardForState } from './state-cards.js';
import type { CommandHandlers } from './types.js';

async function answerSettingsChange(env: HandlerEnvironment, result: Result<EmailSettingsChange, DomainError>, setting: DefaultSettingChanged, attempted: string): Promise<void> {
  if (!result.ok) return env.fail(result.error, attempted);
  await env.send({ text: settingsChangeText(result.value, setting), card: renderEmailSettingsCard(emailSettingsView(result.value)) });
}

export const configurationHandlers: Pick<
  CommandHandlers,
  'help' | 'whoami' | 'profiles' | 'verifyProfile' | 'setDefaultProfile' | 'settings' | 'setDefaultIncoming' | 'setDefaultOutgoing' | 'setDefaultAct'
> = {
  help: async (args, env) => {
    // The expanded card is cached by its data (src/cards/expansion-cache.ts).
    const view = args.command === undefined ? helpOverviewView(env.request.conversation.scope) : helpCommandView(args.command);
    await env.sendCard(renderHelpCard(view));
  },

  whoami: async (_args, env) => {
    const { store } = env.useCases;
    const card = await cardForState(store, env.requester, 'whoami', async () => {
      const result = await whoAmI(env.useCases, env.requester);
      if (!result.ok) return result;
      const unitId = env.requester.businessUnitId;
      return ok(renderWhoAmICard(whoAmIView(result.value, store.businessUnitById(unitId)?.name ?? unitId)));
    });
    if (!card.ok) return env.fail(card.error, 'Show who you are');
    await env.sendCard(card.value);
  },

  profiles: async (_args, env) => {
    const result = await verifyProfiles(env.useCases, env.requester);
    if (!result.ok) return env.fail(result.error, 'List the email server profiles');
    await env.sendCard(renderProfilesCard(profilesView(result.value)));
  },

  verifyProfile: async (args, env) => {
    const attempted = `Verify the email server profile “${args.profile}”`;
    const result = await verifyProfiles(env.useCases, env.requester, { profileName: args.profile });
    if (!result.ok) return env.fail(result.error, attempted);
    const verification = result.value;
    const isExchangeOnline = verification.profileName.toLowerCase() === EXCHANGE_ONLINE_PROFILE_NAME.toLowerCase();
    // A profile of another name that does not exist is most likely a typo: offer the closest names.
    if (!verification.present && !isExchangeOnline) {
      const names = env.deps.store.profiles().map((profile) => profile.name);
      const suggestions = closestNames(verification.profileName, names);
      const error = domainError('UnknownProfile', verificationSummary(verification), { unknownNames: [{ name: verification.profileName, suggestions }] });
      return env.fail(error, attempted);
    }
    await env.send({ text: verificationSummary(verification), card: renderProfilesCard(profilesView(verification)) });
  },

  setDefaultProfile: async (args, env) => {
    const result = await setDefaultProfile(env.useCases, env.requester, { profile: args.profile });
    await answerSettingsChange(env, result, 'profile', `Make “${args.profile}” the default email server profile`);
  },

  settings: async (_args, env) => {
    const result = await showEmailSettings(env.useCases, env.requester);
    if (!result.ok) return env.fail(result.error, 'Show the default email settings');
    await env.sendCard(renderEmailSettingsCard(emailSettingsView(result.value)));
  },

  setDefaultIncoming: async (args, env) => {
    const result = await configureDefaultEmailSettings(env.useCases, env.requester, { incoming: args.method });
    await answerSettingsChange(env, result, 'incoming', 'Change the default incoming email method');
  },

  setDefaultOutgoing: async (args, env) => {
    const result = await configureDefaultEmailSettings(env.useCases, env.requester, { outgoing: args.method });
    await answerSettingsChange(env, result, 'outgoing', 'Change the default outgoing email method');
  },

  setDefaultAct: async (args, env) => {
    const result = await configureDefaultEmailSettings(env.useCases, env.requester, { act: args.method });
    await answerSettingsChange(env, result, 'act', 'Change the default method for appointments, contacts, and tasks');
  },
};

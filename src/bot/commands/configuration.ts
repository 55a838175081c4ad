// help, whoami, profiles and System Settings › Email.
import { z } from 'zod';
import {
  configureDefaultEmailSettings,
  setDefaultProfile,
  showEmailSettings,
  verifyProfiles,
  whoAmI,
  type EmailSettingsChange,
} from '../../app/index.js';
import { readAll } from '../../app/ports.js';
import { closestNames } from '../../app/suggestions.js';
import { EXCHANGE_ONLINE_PROFILE_NAME } from '../../domain/exchange-online.js';
import { renderEmailSettingsCard, renderHelpCard, renderProfilesCard, renderWhoAmICard } from '../../cards/index.js';
import { domainError, type DomainError } from '../../domain/errors.js';
import { ActDeliveryMethod, IncomingEmailDeliveryMethod, OutgoingEmailDeliveryMethod } from '../../domain/options.js';
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
import type { HandlerEnvironment } from '../handlers/environment.js';
import { actWord, incomingWord, nameArgument, outgoingWord } from '../views/command-line.js';
import { mapRead, noArguments, readText, withoutLeading } from './arguments.js';
import { defineCommand, everywhere, type CommandId } from './define.js';
import { METHOD_NOTE, noArgumentsSchema, profileRequired, readMethod, readProfile } from './grammar.js';
import { commandCatalog, commandHelpOf, helpSectionsOf } from './command-catalog.js';
import { closestPhrases } from './suggest.js';
import { actMethodSchema, incomingMethodSchema, outgoingMethodSchema, profileNameSchema } from './values.js';
import { cardForState } from '../handlers/state-cards.js';

// ── help [command] ──────────────────────────────────────────────────────────────────────────────

function resolveHelpTopic(topic: string | undefined, ctx: z.RefinementCtx): CommandId | undefined {
  if (topic === undefined) return undefined;
  const words = topic.toLowerCase().split(' ').filter((word) => word !== '');
  const catalog = commandCatalog();
  const exact = catalog.matchWords(words);
  if (exact !== undefined && exact.wordCount === words.length) return exact.id;
  const suggestions = closestPhrases(words, catalog.phrases()).map((match) => match.name);
  ctx.addIssue({
    code: 'custom',
    message: `${topic} is not a command. ${suggestions.length === 0 ? 'Type help to see them all.' : `Did you mean ${suggestions.join(', or ')}?`}`,
  });
  return z.NEVER;
}

async function answerSettingsChange(env: HandlerEnvironment, result: Result<EmailSettingsChange, DomainError>, setting: DefaultSettingChanged, attempted: string): Promise<void> {
  if (!result.ok) return env.fail(result.error, attempted);
  await env.send({ text: settingsChangeText(result.value, setting), card: renderEmailSettingsCard(emailSettingsView(result.value)) });
}

export const configurationCommands = {
  help: defineCommand({
    id: 'help',
    name: 'help',
    aliases: ['commands', 'what can you do'],
    category: 'Getting started',
    summary: 'List the commands, or explain one command with its usage and examples.',
    usage: 'help [command]',
    examples: [
      { input: 'help', args: { command: undefined } },
      { input: 'help approve mailbox', args: { command: 'approveMailbox' } },
    ],
    scopes: everywhere,
    manifest: { menu: everywhere, title: 'help', description: 'List what I can do, or explain one command: help approve mailbox' },
    args: z.object({ command: z.string().optional().transform(resolveHelpTopic) }),
    readArgs: (tokens) => mapRead(readText(tokens, 'command name'), (command) => ({ command })),
    writes: 'none',
    whoCanRun: 'Anyone in the organization.',
    toText(args): string {
      return args.command === undefined ? 'help' : `help ${commandCatalog().entry(args.command).name}`;
    },
    async handle(args, env) {
      // The expanded card is cached by its data (src/cards/expansion-cache.ts).
      const catalog = commandCatalog();
      const view =
        args.command === undefined
          ? helpOverviewView(helpSectionsOf(catalog.commands(), env.request.conversation.scope), (entry) => commandHelpOf(catalog.entry(entry.id)))
          : helpCommandView(commandHelpOf(catalog.entry(args.command)), catalog.entry(args.command).whoCanRun);
      await env.sendCard(renderHelpCard(view));
    },
  }),
  whoami: defineCommand({
    id: 'whoami',
    name: 'whoami',
    aliases: ['who am i', 'me'],
    category: 'Getting started',
    summary: 'Show who the bot thinks you are in Dynamics 365: user, business unit, Microsoft 365 roles and security roles.',
    usage: 'whoami',
    examples: [{ input: 'whoami', args: {} }],
    scopes: everywhere,
    manifest: { menu: ['personal'], title: 'whoami', description: 'Show your Dynamics 365 user, roles and what they let you do' },
    args: noArgumentsSchema,
    readArgs: noArguments('whoami'),
    writes: 'none',
    whoCanRun: 'Anyone in the organization.',
    toText() {
      return 'whoami';
    },
    async handle(_args, env) {
      const { records } = env.useCases;
      const card = await cardForState(records, env.requester, 'whoami', async () => {
        const result = await whoAmI(env.useCases, env.requester);
        if (!result.ok) return result;
        const unitId = env.requester.businessUnitId;
        return ok(renderWhoAmICard(whoAmIView(result.value, (await records.businessUnit(unitId))?.name ?? unitId)));
      });
      if (!card.ok) return env.fail(card.error, 'Show who you are');
      await env.sendCard(card.value);
    },
  }),
  profiles: defineCommand({
    id: 'profiles',
    name: 'profiles',
    aliases: ['list profiles', 'show profiles', 'email server profiles'],
    category: 'Profiles',
    summary: 'List the active email server profiles, marking the default one.',
    usage: 'profiles',
    examples: [{ input: 'profiles', args: {} }],
    scopes: everywhere,
    manifest: { menu: [], title: 'profiles', description: 'List the active email server profiles and which one is the default' },
    args: noArgumentsSchema,
    readArgs: noArguments('profiles'),
    writes: 'none',
    whoCanRun: 'System Administrator, System Customizer, or anyone with Read Mailbox or Read Email Server Profile.',
    toText() {
      return 'profiles';
    },
    async handle(_args, env) {
      const result = await verifyProfiles(env.useCases, env.requester);
      if (!result.ok) return env.fail(result.error, 'List the email server profiles');
      await env.sendCard(renderProfilesCard(profilesView(result.value)));
    },
  }),
  verifyProfile: defineCommand({
    id: 'verifyProfile',
    name: 'verify profile',
    aliases: ['check profile', 'verify exchange online profile'],
    category: 'Profiles',
    summary: `Check that a profile (by default "${EXCHANGE_ONLINE_PROFILE_NAME}") exists, is active and is the default, and say what to do if not.`,
    usage: 'verify profile [profile]',
    examples: [
      { input: 'verify profile', args: { profile: EXCHANGE_ONLINE_PROFILE_NAME } },
      { input: 'verify profile "Contoso Exchange Hybrid"', args: { profile: 'Contoso Exchange Hybrid' } },
    ],
    notes: [
      `If "${EXCHANGE_ONLINE_PROFILE_NAME}" is missing, the organization has no Exchange Online subscription in the same tenant as Dynamics 365.`,
    ],
    scopes: everywhere,
    manifest: { menu: everywhere, title: 'verify profile', description: `Check that "${EXCHANGE_ONLINE_PROFILE_NAME}" is present, active and the default` },
    args: z.object({ profile: profileNameSchema.default(EXCHANGE_ONLINE_PROFILE_NAME) }),
    readArgs: (tokens) => mapRead(readText(tokens, 'profile name'), (profile) => ({ profile })),
    writes: 'none',
    whoCanRun: 'System Administrator, System Customizer, or anyone with Read Mailbox or Read Email Server Profile.',
    toText(args, rename) {
      return `verify profile ${nameArgument(rename(args.profile))}`;
    },
    async handle(args, env) {
      const attempted = `Verify the email server profile “${args.profile}”`;
      const result = await verifyProfiles(env.useCases, env.requester, { profileName: args.profile });
      if (!result.ok) return env.fail(result.error, attempted);
      const verification = result.value;
      const isExchangeOnline = verification.profileName.toLowerCase() === EXCHANGE_ONLINE_PROFILE_NAME.toLowerCase();
      // A profile of another name that does not exist is most likely a typo: offer the closest names.
      if (!verification.present && !isExchangeOnline) {
        const names = (await readAll((page) => env.useCases.records.profilePage(page))).map((profile) => profile.name);
        const suggestions = closestNames(verification.profileName, names);
        const error = domainError('UnknownProfile', verificationSummary(verification), { unknownNames: [{ name: verification.profileName, suggestions }] });
        return env.fail(error, attempted);
      }
      await env.send({ text: verificationSummary(verification), card: renderProfilesCard(profilesView(verification)) });
    },
  }),
  setDefaultProfile: defineCommand({
    id: 'setDefaultProfile',
    name: 'set default profile',
    aliases: ['set default server profile', 'set default email server profile'],
    category: 'Profiles',
    summary: 'Make a profile the default for new mailboxes (System Settings › Email › Server Profile).',
    usage: 'set default profile <profile>',
    examples: [{ input: `set default profile ${EXCHANGE_ONLINE_PROFILE_NAME}`, args: { profile: EXCHANGE_ONLINE_PROFILE_NAME } }],
    notes: ['Existing mailboxes keep their profile; use apply default settings to change them.'],
    scopes: everywhere,
    manifest: { menu: [], title: 'set default profile', description: 'Make an email server profile the default for new mailboxes' },
    args: profileRequired,
    readArgs: (tokens) => readProfile(withoutLeading(tokens, 'to')),
    writes: 'single',
    whoCanRun: 'System Administrator, or System Customizer with Write Organization (System Settings).',
    toText(args, rename) {
      return `set default profile ${nameArgument(rename(args.profile))}`;
    },
    async handle(args, env) {
      const result = await setDefaultProfile(env.useCases, env.requester, { profile: args.profile });
      await answerSettingsChange(env, result, 'profile', `Make “${args.profile}” the default email server profile`);
    },
  }),
  settings: defineCommand({
    id: 'settings',
    name: 'settings',
    aliases: ['email settings', 'show settings', 'default email settings'],
    category: 'Email settings',
    summary: 'Show the default email settings: server profile, incoming, outgoing and appointments, contacts, and tasks methods, and approval requirements.',
    usage: 'settings',
    examples: [{ input: 'settings', args: {} }],
    scopes: everywhere,
    manifest: { menu: ['personal'], title: 'settings', description: 'Show the default server profile, delivery methods and approval settings' },
    args: noArgumentsSchema,
    readArgs: noArguments('settings'),
    writes: 'none',
    whoCanRun: 'System Administrator, System Customizer, or anyone with Read Mailbox or Read Email Server Profile.',
    toText() {
      return 'settings';
    },
    async handle(_args, env) {
      const result = await showEmailSettings(env.useCases, env.requester);
      if (!result.ok) return env.fail(result.error, 'Show the default email settings');
      await env.sendCard(renderEmailSettingsCard(emailSettingsView(result.value)));
    },
  }),
  setDefaultIncoming: defineCommand({
    id: 'setDefaultIncoming',
    name: 'set default incoming',
    aliases: ['set default incoming email'],
    category: 'Email settings',
    summary: 'Set the default incoming email delivery method for new mailboxes.',
    usage: 'set default incoming <method>',
    examples: [
      { input: 'set default incoming server-side sync', args: { method: IncomingEmailDeliveryMethod.ServerSideSynchronizationOrEmailRouter } },
      { input: 'set default incoming forward', args: { method: IncomingEmailDeliveryMethod.ForwardMailbox } },
    ],
    notes: [METHOD_NOTE],
    scopes: everywhere,
    manifest: { menu: [], title: 'set default incoming', description: 'Set the default incoming email method: server-side sync, outlook, none or forward' },
    args: z.object({ method: incomingMethodSchema }),
    readArgs: readMethod,
    writes: 'single',
    whoCanRun: 'System Administrator, or System Customizer with Write Organization (System Settings).',
    toText(args) {
      return `set default incoming ${incomingWord[args.method]}`;
    },
    async handle(args, env) {
      const result = await configureDefaultEmailSettings(env.useCases, env.requester, { incoming: args.method });
      await answerSettingsChange(env, result, 'incoming', 'Change the default incoming email method');
    },
  }),
  setDefaultOutgoing: defineCommand({
    id: 'setDefaultOutgoing',
    name: 'set default outgoing',
    aliases: ['set default outgoing email'],
    category: 'Email settings',
    summary: 'Set the default outgoing email delivery method for new mailboxes.',
    usage: 'set default outgoing <method>',
    examples: [{ input: 'set default outgoing sss', args: { method: OutgoingEmailDeliveryMethod.ServerSideSynchronizationOrEmailRouter } }],
    notes: [METHOD_NOTE],
    scopes: everywhere,
    manifest: { menu: [], title: 'set default outgoing', description: 'Set the default outgoing email method: server-side sync, outlook or none' },
    args: z.object({ method: outgoingMethodSchema }),
    readArgs: readMethod,
    writes: 'single',
    whoCanRun: 'System Administrator, or System Customizer with Write Organization (System Settings).',
    toText(args) {
      return `set default outgoing ${outgoingWord[args.method]}`;
    },
    async handle(args, env) {
      const result = await configureDefaultEmailSettings(env.useCases, env.requester, { outgoing: args.method });
      await answerSettingsChange(env, result, 'outgoing', 'Change the default outgoing email method');
    },
  }),
  setDefaultAct: defineCommand({
    id: 'setDefaultAct',
    name: 'set default act',
    aliases: ['set default appointments contacts and tasks', 'set default appointments', 'set default acts'],
    category: 'Email settings',
    summary: 'Set the default method for appointments, contacts, and tasks for new mailboxes.',
    usage: 'set default act <method>',
    examples: [{ input: 'set default act server-side sync', args: { method: ActDeliveryMethod.ServerSideSynchronization } }],
    notes: [METHOD_NOTE, 'Appointments, contacts, and tasks have their own option numbers; the words are the same.'],
    scopes: everywhere,
    manifest: { menu: [], title: 'set default act', description: 'Set the default appointments, contacts, and tasks method: server-side sync, outlook or none' },
    args: z.object({ method: actMethodSchema }),
    readArgs: readMethod,
    writes: 'single',
    whoCanRun: 'System Administrator, or System Customizer with Write Organization (System Settings).',
    toText(args) {
      return `set default act ${actWord[args.method]}`;
    },
    async handle(args, env) {
      const result = await configureDefaultEmailSettings(env.useCases, env.requester, { act: args.method });
      await answerSettingsChange(env, result, 'act', 'Change the default method for appointments, contacts, and tasks');
    },
  }),
};

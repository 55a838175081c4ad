// The single source of truth for chat commands: it drives the parser, the help card, docs/commands.md
// and the Teams manifest's command lists. Each entry pairs a structural reader with a zod schema; the
// schema's output type is the type of `args` the handlers receive.
import { z } from 'zod';
import {
  ActDeliveryMethod,
  IncomingEmailDeliveryMethod,
  OutgoingEmailDeliveryMethod,
} from '../../domain/options.js';
import {
  isWord,
  mapRead,
  noArguments,
  problem,
  read,
  readMailboxItems,
  readSingleItem,
  readText,
  splitAtLastWord,
  withoutLeading,
  wordOf,
  type ReadOutcome,
} from './arguments.js';
import { closestPhrases, type Phrase } from './suggest.js';
import { nearestChoice, renderTokens, shorten, type Token } from './text.js';
import {
  actMethodSchema,
  addressOrNameSchema,
  approvalTargetSchema,
  checkAddressOrName,
  checkEmail,
  emailSchema,
  incomingMethodSchema,
  isSwitchWord,
  jobIdSchema,
  mailboxFilters,
  mailboxFilterSchema,
  mailboxSelectionSchema,
  outgoingMethodSchema,
  privilegeDepthSchema,
  profileNameSchema,
  rawItemSchema,
  roleNameSchema,
  switchSchema,
  wholeNumberSchema,
  type MailboxKeyword,
  type MailboxRef,
  type RawItem,
} from './values.js';

export const commandIds = [
  'help',
  'whoami',
  'profiles',
  'verifyProfile',
  'setDefaultProfile',
  'settings',
  'setDefaultIncoming',
  'setDefaultOutgoing',
  'setDefaultAct',
  'mailboxes',
  'mailbox',
  'applyDefaultSettings',
  'editMailboxes',
  'changeEmail',
  'syncFromThisOrgOnly',
  'approveMailbox',
  'rejectMailbox',
  'requestApproval',
  'approvalRequired',
  'testMailbox',
  'testProfileMailboxes',
  'job',
  'alerts',
  'audit',
  'subscribeAlerts',
  'unsubscribeAlerts',
  'roles',
  'grantApprovePrivilege',
  'revokeApprovePrivilege',
] as const;
export type CommandId = (typeof commandIds)[number];

export const commandCategories = [
  'Getting started',
  'Profiles',
  'Email settings',
  'Mailboxes',
  'Approval',
  'Test & Enable',
  'Alerts and audit',
  'Security',
] as const;
export type CommandCategory = (typeof commandCategories)[number];

/** Teams conversation scopes, spelled as the manifest spells them. */
export const conversationScopes = ['personal', 'team', 'groupChat'] as const;
export type ConversationScope = (typeof conversationScopes)[number];
const everywhere: readonly ConversationScope[] = conversationScopes;

/** The profile a same-tenant Exchange Online subscription creates (seed: "Verify you have the profile"). */
export const EXCHANGE_ONLINE_PROFILE_NAME = 'Microsoft Exchange Online';

export interface CommandExample<Args> {
  /** Exactly what an admin would type. */
  readonly input: string;
  /** What the parser must make of it; the tests hold the registry to this. */
  readonly args: Args;
}

/** A corrected command line to offer instead of what was typed. */
export interface Alternative {
  readonly id: CommandId;
  readonly input: string;
}

export type ArgumentOutcome<Raw> = ReadOutcome<Raw> | { readonly kind: 'didYouMean'; readonly alternatives: readonly Alternative[] };

export type Interpretation<Id extends CommandId, Args> =
  | { readonly kind: 'command'; readonly id: Id; readonly args: Args }
  | { readonly kind: 'problem'; readonly problem: string }
  | { readonly kind: 'didYouMean'; readonly alternatives: readonly Alternative[] };

export interface ManifestEntry {
  /** Scopes whose Teams command menu lists this command (at most 10 per scope). */
  readonly menu: readonly ConversationScope[];
  /** What Teams inserts in the compose box: the command words, so the parser recognises it. */
  readonly title: string;
  readonly description: string;
}

interface CommandSpec<Id extends CommandId, Schema extends z.ZodType> {
  readonly id: Id;
  /** The command words, lower case. */
  readonly name: string;
  readonly aliases: readonly string[];
  readonly category: CommandCategory;
  readonly summary: string;
  readonly usage: string;
  readonly examples: readonly [CommandExample<z.output<Schema>>, ...CommandExample<z.output<Schema>>[]];
  readonly notes?: readonly string[];
  /** Which of `all` / `pending` this command's mailbox selector accepts. */
  readonly mailboxKeywords?: readonly MailboxKeyword[];
  /** Conversation scopes where the command makes sense. */
  readonly scopes: readonly ConversationScope[];
  readonly manifest: ManifestEntry;
  readonly args: Schema;
  readonly readArgs: (tokens: readonly Token[]) => ArgumentOutcome<z.input<Schema>>;
}

export interface CommandDefinition<Id extends CommandId, Schema extends z.ZodType> extends CommandSpec<Id, Schema> {
  readonly notes: readonly string[];
  readonly mailboxKeywords: readonly MailboxKeyword[];
  /** Reads the tokens after the command words and validates them with the schema. */
  interpret(tokens: readonly Token[]): Interpretation<Id, z.output<Schema>>;
}

/** At most three problems, as sentences: enough to fix the command without a wall of text. */
function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return [...new Set(issues.map((issue) => issue.message))].slice(0, 3).join(' ');
}

function defineCommand<const Id extends CommandId, Schema extends z.ZodType>(spec: CommandSpec<Id, Schema>): CommandDefinition<Id, Schema> {
  return {
    ...spec,
    notes: spec.notes ?? [],
    mailboxKeywords: spec.mailboxKeywords ?? [],
    interpret(tokens) {
      const outcome = spec.readArgs(tokens);
      if (outcome.kind !== 'read') return outcome;
      const parsed = spec.args.safeParse(outcome.raw);
      if (!parsed.success) return { kind: 'problem', problem: describeIssues(parsed.error.issues) };
      return { kind: 'command', id: spec.id, args: parsed.data };
    },
  };
}

// ── Shared argument shapes ──────────────────────────────────────────────────────────────────────

const noArgumentsSchema = z.object({});

const readMethod = (tokens: readonly Token[]): ReadOutcome<{ method: string }> =>
  mapRead(readText(withoutLeading(tokens, 'to'), 'delivery method'), (method) => ({ method: method ?? '' }));

const readProfile = (tokens: readonly Token[]): ReadOutcome<{ profile: string }> =>
  mapRead(readText(tokens, 'profile name'), (profile) => ({ profile: profile ?? '' }));

const readOneMailbox =
  (commandName: string) =>
  (tokens: readonly Token[]): ReadOutcome<{ mailbox: RawItem }> =>
    mapRead(readSingleItem(tokens, 'mailbox', commandName), (mailbox) => ({ mailbox }));

const readMailboxes = (tokens: readonly Token[]): ReadOutcome<{ mailboxes: RawItem[] }> => mapRead(readMailboxItems(tokens), (mailboxes) => ({ mailboxes }));

/** `<mailboxes> because <reason>`: the reason is free text after the first `because` (commas and all). */
function readRejection(tokens: readonly Token[]): ReadOutcome<{ mailboxes: RawItem[]; reason?: string }> {
  const at = tokens.findIndex((token) => isWord(token, 'because'));
  if (at === -1) return readMailboxes(tokens);
  const reason = renderTokens(tokens.slice(at + 1));
  return mapRead(readMailboxItems(tokens.slice(0, at)), (mailboxes) => ({ mailboxes, reason }));
}

const email = (address: string): MailboxRef => ({ kind: 'email', address });
const named = (name: string): MailboxRef => ({ kind: 'name', name });

const SELECTOR_NOTE =
  'Mailboxes: an email address, a name (in quotes if it has spaces), or a comma list such as alice@contoso.com, "Sales Inbox", bob@contoso.com.';
const METHOD_NOTE = 'Methods: server-side sync (or sss), outlook, none, and forward for incoming email only; any letter case.';

// ── edit mailboxes: key=value pairs ─────────────────────────────────────────────────────────────

export type EditableSetting = 'profile' | 'incoming' | 'outgoing' | 'act';
const editableSettingNames: Readonly<Record<string, EditableSetting>> = {
  profile: 'profile',
  incoming: 'incoming',
  outgoing: 'outgoing',
  act: 'act',
  acts: 'act',
  appointments: 'act',
};
const EDIT_PAIRS_HINT = 'profile=<profile>, incoming=<method>, outgoing=<method>, act=<method>';

function readEditMailboxes(tokens: readonly Token[]): ReadOutcome<{ mailboxes: RawItem[]; changes: Partial<Record<EditableSetting, string>> }> {
  const isKeyAt = (index: number): boolean => tokens[index]?.kind === 'word' && tokens[index + 1]?.kind === 'equals';
  const firstKey = tokens.findIndex((_, index) => isKeyAt(index));
  const hasEquals = (part: readonly Token[]): boolean => part.some((token) => token.kind === 'equals');
  if (firstKey === -1) {
    return problem(hasEquals(tokens) ? `Put a setting name before each = sign: ${EDIT_PAIRS_HINT}.` : `Say what to change as setting=value pairs: ${EDIT_PAIRS_HINT}.`);
  }
  if (hasEquals(tokens.slice(0, firstKey))) return problem(`Put a setting name before each = sign: ${EDIT_PAIRS_HINT}.`);
  const mailboxes = readMailboxItems(tokens.slice(0, firstKey));
  if (mailboxes.kind === 'problem') return mailboxes;
  const changes: Partial<Record<EditableSetting, string>> = {};
  let index = firstKey;
  while (index < tokens.length) {
    const key = wordOf(tokens[index]) ?? '';
    // hasOwn: a key such as constructor= must not find Object.prototype's members.
    const setting = Object.hasOwn(editableSettingNames, key) ? editableSettingNames[key] : undefined;
    if (setting === undefined) {
      const nearest = nearestChoice(key, Object.keys(editableSettingNames));
      return problem(`${key} is not a setting edit mailboxes can change; use profile, incoming, outgoing or act.${nearest === undefined ? '' : ` Did you mean ${nearest}?`}`);
    }
    if (changes[setting] !== undefined) return problem(`${setting} is given twice; give each setting once.`);
    let end = index + 2;
    while (end < tokens.length && !isKeyAt(end)) {
      if (tokens[end]?.kind === 'equals') return problem(`Put a setting name before each = sign: ${EDIT_PAIRS_HINT}.`);
      end += 1;
    }
    const value = readText(tokens.slice(index + 2, end), `${setting} value`);
    if (value.kind === 'problem') return value;
    if (value.raw === undefined) return problem(`${key}= needs a value, for example ${setting === 'profile' ? `profile="${EXCHANGE_ONLINE_PROFILE_NAME}"` : `${key}=sss`}.`);
    changes[setting] = value.raw;
    index = end;
  }
  return read({ mailboxes: mailboxes.raw, changes });
}

// ── mailboxes: [filter] [profile <profile>] [page <n>] ──────────────────────────────────────────

function readMailboxesListing(tokens: readonly Token[]): ReadOutcome<{ filter?: string; profile?: string; page?: string }> {
  const filterWords: string[] = [];
  let profile: string | undefined;
  let page: string | undefined;
  let index = 0;
  while (index < tokens.length) {
    const token = tokens[index];
    if (isWord(token, 'for') && isWord(tokens[index + 1], 'profile')) {
      index += 1;
    } else if (isWord(token, 'profile')) {
      if (profile !== undefined) return problem('Give profile once.');
      let end = index + 1;
      while (end < tokens.length && !isWord(tokens[end], 'page')) end += 1;
      const name = readText(tokens.slice(index + 1, end), 'profile name');
      if (name.kind === 'problem') return name;
      profile = name.raw ?? '';
      index = end;
    } else if (isWord(token, 'page')) {
      const next = tokens[index + 1];
      if (next === undefined || (next.kind !== 'word' && next.kind !== 'quoted')) return problem('Say which page after page, for example page 2.');
      if (page !== undefined) return problem('Give page once.');
      page = next.text;
      index += 2;
    } else if (token?.kind === 'word' && profile === undefined && page === undefined) {
      filterWords.push(token.text);
      index += 1;
    } else {
      return problem(`mailboxes doesn't understand ${shorten(renderTokens(tokens.slice(index)))}; put the filter first, then profile <profile>, then page <n>.`);
    }
  }
  return read({ filter: filterWords.length === 0 ? undefined : filterWords.join(' '), profile, page });
}

// ── alerts ──────────────────────────────────────────────────────────────────────────────────────

export type AlertsTarget =
  | { readonly kind: 'mailbox'; readonly mailbox: MailboxRef }
  | { readonly kind: 'profile'; readonly profile: string }
  /** A bare name: looked up as a mailbox first, then as a profile. */
  | { readonly kind: 'mailboxOrProfile'; readonly name: string };

const alertsTargetSchema = z.object({ scope: z.enum(['mailbox', 'profile', 'any']), item: rawItemSchema }).transform((raw, ctx): AlertsTarget => {
  const fail = (message: string): never => {
    ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  };
  if (raw.scope === 'profile') {
    const profile = profileNameSchema.safeParse(raw.item.text);
    return profile.success ? { kind: 'profile', profile: profile.data } : fail(profile.error.issues[0]?.message ?? 'Name the profile.');
  }
  if (raw.scope === 'any' && raw.item.text.trim() === '') return fail('Say whose alerts to show: a mailbox (email address or name) or profile <profile>.');
  const checked = checkAddressOrName(raw.item, 'mailbox');
  if (!checked.ok) return fail(checked.problem);
  if (raw.scope === 'any' && checked.value.kind === 'name') return { kind: 'mailboxOrProfile', name: checked.value.name };
  return { kind: 'mailbox', mailbox: checked.value };
});

function readAlerts(tokens: readonly Token[]): ReadOutcome<{ target: { scope: 'mailbox' | 'profile' | 'any'; item: RawItem } }> {
  const rest = withoutLeading(tokens, 'for');
  const scope = isWord(rest[0], 'mailbox') ? 'mailbox' : isWord(rest[0], 'profile') ? 'profile' : 'any';
  const item = readSingleItem(scope === 'any' ? rest : rest.slice(1), scope === 'profile' ? 'profile' : 'mailbox', 'alerts');
  return mapRead(item, (raw) => ({ target: { scope, item: raw } }));
}

// ── mailbox: a lone filter word was probably meant for `mailboxes` ──────────────────────────────

function readMailboxDetail(tokens: readonly Token[]): ArgumentOutcome<{ mailbox: RawItem }> {
  const outcome = readOneMailbox('mailbox')(tokens);
  if (outcome.kind === 'problem') return outcome;
  const { text, quoted } = outcome.raw.mailbox;
  if (quoted || /[\s@]/.test(text)) return outcome;
  const lower = text.toLowerCase();
  // Short filters (`all`) must match exactly: a mailbox called "Ali" is plausible.
  const filter = mailboxFilters.find((candidate) => candidate === lower) ?? nearestChoice(lower, mailboxFilters.filter((candidate) => candidate.length >= 5));
  if (filter === undefined) return outcome;
  return {
    kind: 'didYouMean',
    alternatives: [
      { id: 'mailboxes', input: `mailboxes ${filter}` },
      { id: 'mailbox', input: `mailbox "${text}"` },
    ],
  };
}

// ── approval required [users|queues on|off] ─────────────────────────────────────────────────────

function readApprovalRequired(tokens: readonly Token[]): ReadOutcome<{ change?: { appliesTo: string; required: string } }> {
  const words = tokens.filter((token) => !isWord(token, 'for'));
  if (words.length === 0) return read({ change: undefined });
  if (words.some((token) => token.kind !== 'word')) return problem('Say users or queues, then on or off, for example approval required users off.');
  const [first, second] = words.map((token) => wordOf(token) ?? '');
  if (words.length === 1 && first !== undefined) {
    return isSwitchWord(first)
      ? problem(`Say whether users or queues: approval required users ${first} or approval required queues ${first}.`)
      : problem(`Say on or off after ${first}, for example approval required ${first} on.`);
  }
  if (words.length > 2 || first === undefined || second === undefined) {
    return problem(`approval required takes users or queues, then on or off; ${shorten(renderTokens(tokens))} is more than that.`);
  }
  return isSwitchWord(first) && !isSwitchWord(second)
    ? read({ change: { appliesTo: second, required: first } })
    : read({ change: { appliesTo: first, required: second } });
}

// ── change email <user or queue> to <new address> ───────────────────────────────────────────────

function readChangeEmail(tokens: readonly Token[]): ReadOutcome<{ target: RawItem; newAddress: string }> {
  const split = splitAtLastWord(tokens, 'to');
  if (split === undefined) {
    const [current, next] = tokens;
    // Two bare addresses are unambiguous even without `to`.
    if (tokens.length === 2 && current?.kind === 'word' && next?.kind === 'word' && checkEmail(current.text).ok && next.text.includes('@')) {
      return read({ target: { text: current.text, quoted: false }, newAddress: next.text });
    }
    return problem('Say the new address after to: change email <user or queue> to <new address>.');
  }
  const target = readSingleItem(split.before, 'user or queue', 'change email');
  if (target.kind === 'problem') return target;
  const newAddress = readText(split.after, 'new address');
  if (newAddress.kind === 'problem') return newAddress;
  return read({ target: target.raw, newAddress: newAddress.raw ?? '' });
}

// ── sync from this org only <mailbox> on|off ────────────────────────────────────────────────────

function readSyncFromThisOrgOnly(tokens: readonly Token[]): ReadOutcome<{ mailbox: RawItem; enabled: string }> {
  const last = tokens[tokens.length - 1];
  if (last?.kind !== 'word' || !isSwitchWord(last.text)) {
    return problem('End with on or off: sync from this org only <mailbox> on.');
  }
  return mapRead(readSingleItem(tokens.slice(0, -1), 'mailbox', 'sync from this org only'), (mailbox) => ({ mailbox, enabled: last.text }));
}

// ── grant approve privilege to role <role> at <depth> ───────────────────────────────────────────

function readGrant(tokens: readonly Token[]): ReadOutcome<{ role: string; depth: string }> {
  const split = splitAtLastWord(tokens, 'at');
  if (split === undefined) return problem('Say the depth after at: grant approve privilege to role <role> at user, business unit, parent child or organization.');
  const role = readText(split.before, 'role name');
  if (role.kind === 'problem') return role;
  const depth = readText(split.after, 'depth');
  if (depth.kind === 'problem') return depth;
  return read({ role: role.raw ?? '', depth: depth.raw ?? '' });
}

// ── apply default settings to <mailboxes> [without test] ───────────────────────────────────────

function readApplyDefaults(tokens: readonly Token[]): ReadOutcome<{ mailboxes: RawItem[]; test: boolean }> {
  const count = tokens.length;
  const withoutTest = isWord(tokens[count - 2], 'without', 'no') && isWord(tokens[count - 1], 'test', 'testing', 'tests');
  return mapRead(readMailboxItems(withoutTest ? tokens.slice(0, -2) : tokens), (mailboxes) => ({ mailboxes, test: !withoutTest }));
}

// ── help [command] ──────────────────────────────────────────────────────────────────────────────

function resolveHelpTopic(topic: string | undefined, ctx: z.RefinementCtx): CommandId | undefined {
  if (topic === undefined) return undefined;
  const words = topic.toLowerCase().split(' ').filter((word) => word !== '');
  const exact = matchCommandWords(words);
  if (exact !== undefined && exact.wordCount === words.length) return exact.id;
  const suggestions = closestPhrases(words, commandPhrases()).map((match) => match.name);
  ctx.addIssue({
    code: 'custom',
    message: `${topic} is not a command. ${suggestions.length === 0 ? 'Type help to see them all.' : `Did you mean ${suggestions.join(', or ')}?`}`,
  });
  return z.NEVER;
}

// ── The registry ────────────────────────────────────────────────────────────────────────────────

const profileRequired = z.object({ profile: profileNameSchema });

export const commandRegistry = {
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
  }),
  mailboxes: defineCommand({
    id: 'mailboxes',
    name: 'mailboxes',
    aliases: ['list mailboxes', 'show mailboxes', 'active mailboxes'],
    category: 'Mailboxes',
    summary: 'List active mailboxes, optionally only those pending approval, approved, rejected, failing a test or disabled, or of one profile.',
    usage: 'mailboxes [pending|approved|rejected|failed|disabled|all] [profile <profile>] [page <n>]',
    examples: [
      { input: 'mailboxes', args: { filter: 'all', profile: undefined, page: 1 } },
      { input: 'mailboxes pending profile "Microsoft Exchange Online" page 2', args: { filter: 'pending', profile: EXCHANGE_ONLINE_PROFILE_NAME, page: 2 } },
    ],
    scopes: everywhere,
    manifest: { menu: everywhere, title: 'mailboxes', description: 'List mailboxes: pending, approved, rejected, failed, disabled or all; by profile; by page' },
    args: z.object({
      filter: mailboxFilterSchema.default('all'),
      profile: profileNameSchema.optional(),
      page: wholeNumberSchema('page number', 1, 10_000).default(1),
    }),
    readArgs: readMailboxesListing,
  }),
  mailbox: defineCommand({
    id: 'mailbox',
    name: 'mailbox',
    aliases: ['show mailbox'],
    category: 'Mailboxes',
    summary: 'Show one mailbox: profile, delivery methods, approval, test results and whether it is enabled.',
    usage: 'mailbox <mailbox>',
    examples: [
      { input: 'mailbox alice@contoso.com', args: { mailbox: email('alice@contoso.com') } },
      { input: 'mailbox "Sales Inbox"', args: { mailbox: named('Sales Inbox') } },
    ],
    notes: ['A single filter word such as mailbox pending is answered with a did-you-mean for mailboxes pending.'],
    scopes: everywhere,
    manifest: { menu: ['personal'], title: 'mailbox', description: 'Show one mailbox: profile, methods, approval, test results' },
    args: z.object({ mailbox: addressOrNameSchema('mailbox') }),
    readArgs: readMailboxDetail,
  }),
  applyDefaultSettings: defineCommand({
    id: 'applyDefaultSettings',
    name: 'apply default settings to',
    aliases: ['apply default settings', 'apply default email settings to', 'apply default email settings'],
    category: 'Mailboxes',
    summary: 'Apply the default profile and delivery methods to mailboxes, then Test & Enable them unless you say without test.',
    usage: 'apply default settings to <mailboxes|all> [without test]',
    examples: [
      { input: 'apply default settings to alice@contoso.com, "Sales Inbox"', args: { mailboxes: { kind: 'list', mailboxes: [email('alice@contoso.com'), named('Sales Inbox')] }, test: true } },
      { input: 'apply default settings to all without test', args: { mailboxes: { kind: 'keyword', keyword: 'all' }, test: false } },
    ],
    notes: [SELECTOR_NOTE],
    mailboxKeywords: ['all'],
    scopes: everywhere,
    manifest: { menu: [], title: 'apply default settings to', description: 'Apply the default profile and methods to mailboxes, then test and enable them' },
    args: z.object({ mailboxes: mailboxSelectionSchema(['all']), test: z.boolean() }),
    readArgs: readApplyDefaults,
  }),
  editMailboxes: defineCommand({
    id: 'editMailboxes',
    name: 'edit mailboxes',
    aliases: ['edit mailbox'],
    category: 'Mailboxes',
    summary: 'Set the server profile and any of the three delivery methods on several mailboxes at once (no test runs).',
    usage: 'edit mailboxes <mailboxes|all> profile=<profile> incoming=<method> outgoing=<method> act=<method>',
    examples: [
      {
        input: 'edit mailboxes alice@contoso.com, bob@contoso.com profile="Microsoft Exchange Online" incoming=sss outgoing=sss act=sss',
        args: {
          mailboxes: { kind: 'list', mailboxes: [email('alice@contoso.com'), email('bob@contoso.com')] },
          changes: {
            profile: EXCHANGE_ONLINE_PROFILE_NAME,
            incoming: IncomingEmailDeliveryMethod.ServerSideSynchronizationOrEmailRouter,
            outgoing: OutgoingEmailDeliveryMethod.ServerSideSynchronizationOrEmailRouter,
            act: ActDeliveryMethod.ServerSideSynchronization,
          },
        },
      },
      {
        input: 'edit mailboxes "Sales Inbox" act = none',
        args: { mailboxes: { kind: 'list', mailboxes: [named('Sales Inbox')] }, changes: { act: ActDeliveryMethod.None } },
      },
    ],
    notes: [SELECTOR_NOTE, 'Give any of profile, incoming, outgoing and act, at least one; key = value with spaces works too.', METHOD_NOTE],
    mailboxKeywords: ['all'],
    scopes: everywhere,
    manifest: { menu: [], title: 'edit mailboxes', description: 'Set profile and delivery methods on several mailboxes: profile=… incoming=… outgoing=… act=…' },
    args: z.object({
      mailboxes: mailboxSelectionSchema(['all']),
      changes: z
        .object({
          profile: profileNameSchema.optional(),
          incoming: incomingMethodSchema.optional(),
          outgoing: outgoingMethodSchema.optional(),
          act: actMethodSchema.optional(),
        })
        .refine((changes) => Object.values(changes).some((value) => value !== undefined), `Change at least one setting: ${EDIT_PAIRS_HINT}.`),
    }),
    readArgs: readEditMailboxes,
  }),
  changeEmail: defineCommand({
    id: 'changeEmail',
    name: 'change email',
    aliases: ['change email address', 'change email of', 'change email address of'],
    category: 'Mailboxes',
    summary: "Change a user's or queue's primary email address; the mailbox then needs approval again.",
    usage: 'change email <user or queue> to <new address>',
    examples: [
      { input: 'change email alice@contoso.com to alice.smith@contoso.com', args: { target: email('alice@contoso.com'), newAddress: 'alice.smith@contoso.com' } },
      { input: 'change email "Support Queue" to help@contoso.com', args: { target: named('Support Queue'), newAddress: 'help@contoso.com' } },
    ],
    scopes: everywhere,
    manifest: { menu: [], title: 'change email', description: "Change a user's or queue's email address (it then needs approval again)" },
    args: z
      .object({ target: addressOrNameSchema('user or queue'), newAddress: emailSchema })
      .superRefine((args, ctx) => {
        if (args.target.kind === 'email' && args.target.address === args.newAddress) {
          ctx.addIssue({ code: 'custom', message: `${args.newAddress} is already that address; give a different new address.` });
        }
      }),
    readArgs: readChangeEmail,
  }),
  syncFromThisOrgOnly: defineCommand({
    id: 'syncFromThisOrgOnly',
    name: 'sync from this org only',
    aliases: ['sync from this organization only', 'sync with this org only'],
    category: 'Mailboxes',
    summary: 'Turn on or off "Sync items with Exchange from this org only, even if Exchange was set to sync with a different org" for a mailbox.',
    usage: 'sync from this org only <mailbox> on|off',
    examples: [{ input: 'sync from this org only alice@contoso.com on', args: { mailbox: email('alice@contoso.com'), enabled: true } }],
    notes: ['Use it when appointments, contacts, and tasks fail because the mailbox syncs with another organization.'],
    scopes: everywhere,
    manifest: { menu: [], title: 'sync from this org only', description: 'Make this organization the one that syncs a mailbox with Exchange (on) or not (off)' },
    args: z.object({ mailbox: addressOrNameSchema('mailbox'), enabled: switchSchema }),
    readArgs: readSyncFromThisOrgOnly,
  }),
  approveMailbox: defineCommand({
    id: 'approveMailbox',
    name: 'approve mailbox',
    aliases: ['approve mailboxes', 'approve email', 'approve emails', 'approve email address', 'approve email addresses'],
    category: 'Approval',
    summary: 'Approve the email address of mailboxes, if the permission model lets you.',
    usage: 'approve mailbox <mailboxes|pending>',
    examples: [
      { input: 'approve mailbox alice@contoso.com', args: { mailboxes: { kind: 'list', mailboxes: [email('alice@contoso.com')] } } },
      { input: 'approve mailbox pending', args: { mailboxes: { kind: 'keyword', keyword: 'pending' } } },
    ],
    notes: [SELECTOR_NOTE],
    mailboxKeywords: ['pending'],
    scopes: everywhere,
    manifest: { menu: everywhere, title: 'approve mailbox', description: 'Approve email addresses: one mailbox, a comma list, or pending' },
    args: z.object({ mailboxes: mailboxSelectionSchema(['pending']) }),
    readArgs: readMailboxes,
  }),
  rejectMailbox: defineCommand({
    id: 'rejectMailbox',
    name: 'reject mailbox',
    aliases: ['reject mailboxes', 'reject email', 'reject emails', 'reject email address', 'reject email addresses'],
    category: 'Approval',
    summary: 'Reject the email address of mailboxes, so no email is processed for them. Say why: the reason is kept in the audit and shown to the owner.',
    usage: 'reject mailbox <mailboxes|pending> because <reason>',
    examples: [
      {
        input: 'reject mailbox "Old Sales Inbox", eve@contoso.com because the addresses are retired',
        args: { mailboxes: { kind: 'list', mailboxes: [named('Old Sales Inbox'), email('eve@contoso.com')] }, reason: 'the addresses are retired' },
      },
    ],
    notes: [SELECTOR_NOTE, 'Without a reason nothing is rejected: the bot asks for one.'],
    mailboxKeywords: ['pending'],
    scopes: everywhere,
    manifest: { menu: ['team', 'groupChat'], title: 'reject mailbox', description: 'Reject email addresses: one mailbox, a comma list, or pending' },
    args: z.object({
      mailboxes: mailboxSelectionSchema(['pending']),
      reason: z.string().trim().min(1, 'Say why after because, e.g. because the address is retired.').max(1000, 'Keep the reason under 1000 characters.').optional(),
    }),
    readArgs: readRejection,
  }),
  requestApproval: defineCommand({
    id: 'requestApproval',
    name: 'request approval',
    aliases: ['request approval for', 'ask for approval', 'ask for approval of'],
    category: 'Approval',
    summary: 'Ask the people who may approve a mailbox to approve it; they get a card with Approve and Reject.',
    usage: 'request approval <mailbox>',
    examples: [{ input: 'request approval alice@contoso.com', args: { mailbox: email('alice@contoso.com') } }],
    scopes: everywhere,
    manifest: { menu: [], title: 'request approval', description: 'Ask the approvers to approve a mailbox' },
    args: z.object({ mailbox: addressOrNameSchema('mailbox') }),
    readArgs: readOneMailbox('request approval'),
  }),
  approvalRequired: defineCommand({
    id: 'approvalRequired',
    name: 'approval required',
    aliases: ['require approval', 'approval requirement'],
    category: 'Approval',
    summary: 'Show, or turn on or off, "Process emails only for approved users" and "… approved queues".',
    usage: 'approval required [users|queues on|off]',
    examples: [
      { input: 'approval required', args: { change: undefined } },
      { input: 'approval required queues off', args: { change: { appliesTo: 'queues', required: false } } },
    ],
    notes: ['Both are on by default; Microsoft does not recommend turning them off.'],
    scopes: everywhere,
    manifest: { menu: [], title: 'approval required', description: 'Show or change whether email is processed only for approved users and queues' },
    args: z.object({ change: z.object({ appliesTo: approvalTargetSchema, required: switchSchema }).optional() }),
    readArgs: readApprovalRequired,
  }),
  testMailbox: defineCommand({
    id: 'testMailbox',
    name: 'test mailbox',
    aliases: ['test mailboxes', 'test and enable mailbox', 'test and enable mailboxes', 'test & enable mailbox', 'test & enable mailboxes', 'test and enable'],
    category: 'Test & Enable',
    summary: 'Test & Enable mailboxes: test incoming, outgoing and appointments, contacts, and tasks, and enable them on success.',
    usage: 'test mailbox <mailboxes|all>',
    examples: [
      { input: 'test mailbox alice@contoso.com, bob@contoso.com', args: { mailboxes: { kind: 'list', mailboxes: [email('alice@contoso.com'), email('bob@contoso.com')] } } },
      { input: 'test mailboxes all', args: { mailboxes: { kind: 'keyword', keyword: 'all' } } },
    ],
    notes: [SELECTOR_NOTE, 'The test runs as a background job; the bot answers with its job id.'],
    mailboxKeywords: ['all'],
    scopes: everywhere,
    manifest: { menu: ['personal'], title: 'test mailbox', description: 'Test & Enable mailboxes: one, a comma list, or all' },
    args: z.object({ mailboxes: mailboxSelectionSchema(['all']) }),
    readArgs: readMailboxes,
  }),
  testProfileMailboxes: defineCommand({
    id: 'testProfileMailboxes',
    name: 'test mailboxes for profile',
    aliases: ['test and enable mailboxes for profile', 'test & enable mailboxes for profile', 'test mailbox for profile', 'test profile mailboxes'],
    category: 'Test & Enable',
    summary: 'Test & Enable every mailbox of an email server profile, as a background job.',
    usage: 'test mailboxes for profile <profile>',
    examples: [{ input: 'test mailboxes for profile "Microsoft Exchange Online"', args: { profile: EXCHANGE_ONLINE_PROFILE_NAME } }],
    scopes: everywhere,
    manifest: { menu: ['team', 'groupChat'], title: 'test mailboxes for profile', description: 'Test & Enable all mailboxes of a profile as a background job' },
    args: profileRequired,
    readArgs: readProfile,
  }),
  job: defineCommand({
    id: 'job',
    name: 'job',
    aliases: ['job status'],
    category: 'Test & Enable',
    summary: 'Show the progress of a Test & Enable job; without an id, your latest job.',
    usage: 'job [job id]',
    examples: [
      { input: 'job', args: { jobId: undefined } },
      { input: 'job J-1042', args: { jobId: 'J-1042' } },
    ],
    scopes: everywhere,
    manifest: { menu: ['team', 'groupChat'], title: 'job', description: 'Show the progress of a Test & Enable job (your latest if no id)' },
    args: z.object({ jobId: jobIdSchema.optional() }),
    readArgs: (tokens) => mapRead(readText(tokens, 'job id'), (jobId) => ({ jobId })),
  }),
  alerts: defineCommand({
    id: 'alerts',
    name: 'alerts',
    aliases: ['show alerts'],
    category: 'Alerts and audit',
    summary: 'Show the Alerts wall of a mailbox or of an email server profile.',
    usage: 'alerts <mailbox|profile>',
    examples: [
      { input: 'alerts alice@contoso.com', args: { target: { kind: 'mailbox', mailbox: email('alice@contoso.com') } } },
      { input: 'alerts profile "Microsoft Exchange Online"', args: { target: { kind: 'profile', profile: EXCHANGE_ONLINE_PROFILE_NAME } } },
      { input: 'alerts "Sales Inbox"', args: { target: { kind: 'mailboxOrProfile', name: 'Sales Inbox' } } },
    ],
    notes: ['Say mailbox or profile before a name to remove doubt; a bare name is looked up as a mailbox first, then as a profile.'],
    scopes: everywhere,
    manifest: { menu: everywhere, title: 'alerts', description: 'Show the alerts of a mailbox or of an email server profile' },
    args: z.object({ target: alertsTargetSchema }),
    readArgs: readAlerts,
  }),
  audit: defineCommand({
    id: 'audit',
    name: 'audit',
    aliases: ['audit log', 'show audit log'],
    category: 'Alerts and audit',
    summary: 'Show the latest audit entries: who changed what, and which permission rule allowed it.',
    usage: 'audit [count]',
    examples: [
      { input: 'audit', args: { count: 10 } },
      { input: 'audit 25', args: { count: 25 } },
    ],
    scopes: everywhere,
    manifest: { menu: ['personal'], title: 'audit', description: 'Show the latest audit entries: who did what, and which rule allowed it' },
    args: z.object({ count: wholeNumberSchema('number of entries', 1, 100).default(10) }),
    readArgs: (tokens) => mapRead(readText(tokens, 'number of entries'), (count) => ({ count })),
  }),
  subscribeAlerts: defineCommand({
    id: 'subscribeAlerts',
    name: 'subscribe alerts for profile',
    aliases: ['subscribe to alerts for profile'],
    category: 'Alerts and audit',
    summary: 'Post the alerts of an email server profile to this channel or group chat as they happen.',
    usage: 'subscribe alerts for profile <profile>',
    examples: [{ input: 'subscribe alerts for profile "Microsoft Exchange Online"', args: { profile: EXCHANGE_ONLINE_PROFILE_NAME } }],
    scopes: ['team', 'groupChat'],
    manifest: { menu: ['team', 'groupChat'], title: 'subscribe alerts for profile', description: "Post a profile's alerts to this channel or group chat" },
    args: profileRequired,
    readArgs: readProfile,
  }),
  unsubscribeAlerts: defineCommand({
    id: 'unsubscribeAlerts',
    name: 'unsubscribe alerts for profile',
    aliases: ['unsubscribe from alerts for profile'],
    category: 'Alerts and audit',
    summary: "Stop posting an email server profile's alerts to this channel or group chat.",
    usage: 'unsubscribe alerts for profile <profile>',
    examples: [{ input: 'unsubscribe alerts for profile "Microsoft Exchange Online"', args: { profile: EXCHANGE_ONLINE_PROFILE_NAME } }],
    scopes: ['team', 'groupChat'],
    manifest: { menu: ['team', 'groupChat'], title: 'unsubscribe alerts for profile', description: "Stop posting a profile's alerts to this channel or group chat" },
    args: profileRequired,
    readArgs: readProfile,
  }),
  roles: defineCommand({
    id: 'roles',
    name: 'roles',
    aliases: ['security roles', 'list roles', 'show roles'],
    category: 'Security',
    summary: 'List the security roles with the email-related privileges they hold and at what depth.',
    usage: 'roles',
    examples: [{ input: 'roles', args: {} }],
    scopes: everywhere,
    manifest: { menu: [], title: 'roles', description: 'List security roles with their email privileges and depths' },
    args: noArgumentsSchema,
    readArgs: noArguments('roles'),
  }),
  grantApprovePrivilege: defineCommand({
    id: 'grantApprovePrivilege',
    name: 'grant approve privilege to role',
    aliases: ['grant approve privilege to', 'grant approval privilege to role', 'grant approval privilege to'],
    category: 'Security',
    summary: 'Give a security role the "Approve Email Addresses for Users or Queues" privilege at a depth.',
    usage: 'grant approve privilege to role <role> at <depth>',
    examples: [
      { input: 'grant approve privilege to role "Mailbox Approvers" at organization', args: { role: 'Mailbox Approvers', depth: 'Organization' } },
      { input: 'grant approve privilege to role Sales Manager at parent: child business unit', args: { role: 'Sales Manager', depth: 'ParentChildBusinessUnit' } },
    ],
    notes: ['Depths: user, business unit, parent child (or "parent: child business unit"), organization.'],
    scopes: everywhere,
    manifest: { menu: [], title: 'grant approve privilege to role', description: 'Give a role the Approve Email Addresses for Users or Queues privilege at a depth' },
    args: z.object({ role: roleNameSchema, depth: privilegeDepthSchema }),
    readArgs: readGrant,
  }),
  revokeApprovePrivilege: defineCommand({
    id: 'revokeApprovePrivilege',
    name: 'revoke approve privilege from role',
    aliases: ['revoke approve privilege from', 'revoke approval privilege from role', 'revoke approval privilege from'],
    category: 'Security',
    summary: 'Take the "Approve Email Addresses for Users or Queues" privilege away from a security role.',
    usage: 'revoke approve privilege from role <role>',
    examples: [{ input: 'revoke approve privilege from role "Mailbox Approvers"', args: { role: 'Mailbox Approvers' } }],
    scopes: everywhere,
    manifest: { menu: [], title: 'revoke approve privilege from', description: 'Take the Approve Email Addresses for Users or Queues privilege from a role' },
    args: z.object({ role: roleNameSchema }),
    readArgs: (tokens) => mapRead(readText(tokens, 'role name'), (role) => ({ role: role ?? '' })),
  }),
} satisfies { readonly [Id in CommandId]: CommandDefinition<Id, z.ZodType> };

export type CommandRegistry = typeof commandRegistry;
export type AnyCommandDefinition = CommandRegistry[CommandId];

/** Every command, in registry order (which is also help and docs order). */
export const allCommands = (): readonly AnyCommandDefinition[] => commandIds.map((id) => commandRegistry[id]);

let phrases: readonly Phrase<CommandId>[] | undefined;

/** Every name and alias as lower-case words, canonical names first. */
export function commandPhrases(): readonly Phrase<CommandId>[] {
  phrases ??= [
    ...allCommands().map((command) => ({ id: command.id, name: command.name, words: command.name.split(' ') })),
    ...allCommands().flatMap((command) => command.aliases.map((alias) => ({ id: command.id, name: command.name, words: alias.split(' ') }))),
  ];
  return phrases;
}

let phraseIndex: ReadonlyMap<string, CommandId> | undefined;
let longestPhrase = 0;

/** Longest match of the leading words against names and aliases, so `test mailboxes for profile` wins over `test mailboxes`. */
export function matchCommandWords(words: readonly string[]): { readonly id: CommandId; readonly wordCount: number } | undefined {
  if (phraseIndex === undefined) {
    phraseIndex = new Map(commandPhrases().map((phrase) => [phrase.words.join(' '), phrase.id]));
    longestPhrase = Math.max(...commandPhrases().map((phrase) => phrase.words.length));
  }
  for (let count = Math.min(longestPhrase, words.length); count >= 1; count--) {
    const id = phraseIndex.get(words.slice(0, count).join(' '));
    if (id !== undefined) return { id, wordCount: count };
  }
  return undefined;
}

// Re-exported so that handlers and tests can name argument shapes without reaching into values.ts.
export type { AddressOrName, MailboxFilter, MailboxKeyword, MailboxRef, MailboxSelection } from './values.js';

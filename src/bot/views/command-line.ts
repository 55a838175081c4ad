// Commands back to chat text: the exact line a button runs (paging, "did you mean", next steps). Every
// line written here parses back to the same command; the tests hold each registry example to that.
import type { ActDeliveryMethod, IncomingEmailDeliveryMethod, OutgoingEmailDeliveryMethod, PrivilegeDepth } from '../../domain/options.js';
import type { CommandArgs, RecognisedCommand } from '../commands/parser.js';
import { commandRegistry, type CommandId, type MailboxKeyword, type MailboxRef, type MailboxSelection } from '../commands/registry.js';
import { depthSpellings } from '../commands/values.js';

/** Rewrites a name or address the user typed (to put a suggestion in its place); identity by default. */
export type Rename = (typed: string) => string;

const keepName: Rename = (typed) => typed;

const looksLikeAddress = (text: string): boolean => /^[^\s"“”]+@[^\s"“”]+$/.test(text);

/** Addresses stay bare; every name is quoted, so spaces, commas, `to`, `at` and `all` inside it stay part of it. */
export function nameArgument(text: string): string {
  return looksLikeAddress(text) ? text : `"${text.replace(/["“”„‟«»]/g, '')}"`;
}

export const mailboxRefText = (ref: MailboxRef): string => (ref.kind === 'email' ? ref.address : ref.name);

const selectionText = (selection: MailboxSelection<MailboxKeyword>, rename: Rename): string =>
  selection.kind === 'keyword' ? selection.keyword : selection.mailboxes.map((ref) => nameArgument(rename(mailboxRefText(ref)))).join(', ');

const incomingWord: Readonly<Record<IncomingEmailDeliveryMethod, string>> = { 0: 'none', 1: 'outlook', 2: 'sss', 3: 'forward' };
const outgoingWord: Readonly<Record<OutgoingEmailDeliveryMethod, string>> = { 0: 'none', 1: 'outlook', 2: 'sss' };
const actWord: Readonly<Record<ActDeliveryMethod, string>> = { 0: 'outlook', 1: 'sss', 2: 'none' };
const depthWord = (depth: PrivilegeDepth): string => depthSpellings[depth][0] ?? depth;
const onOff = (value: boolean): string => (value ? 'on' : 'off');

type Writers = { readonly [Id in CommandId]: (args: CommandArgs<Id>, rename: Rename) => string };

const writers: Writers = {
  help: (args) => (args.command === undefined ? 'help' : `help ${commandRegistry[args.command].name}`),
  whoami: () => 'whoami',
  profiles: () => 'profiles',
  verifyProfile: (args, rename) => `verify profile ${nameArgument(rename(args.profile))}`,
  setDefaultProfile: (args, rename) => `set default profile ${nameArgument(rename(args.profile))}`,
  settings: () => 'settings',
  setDefaultIncoming: (args) => `set default incoming ${incomingWord[args.method]}`,
  setDefaultOutgoing: (args) => `set default outgoing ${outgoingWord[args.method]}`,
  setDefaultAct: (args) => `set default act ${actWord[args.method]}`,
  mailboxes: (args, rename) =>
    [
      'mailboxes',
      args.filter,
      ...(args.profile === undefined ? [] : [`profile ${nameArgument(rename(args.profile))}`]),
      ...(args.page === 1 ? [] : [`page ${args.page}`]),
    ].join(' '),
  mailbox: (args, rename) => `mailbox ${nameArgument(rename(mailboxRefText(args.mailbox)))}`,
  applyDefaultSettings: (args, rename) => `apply default settings to ${selectionText(args.mailboxes, rename)}${args.test ? '' : ' without test'}`,
  editMailboxes: (args, rename) => {
    const { profile, incoming, outgoing, act } = args.changes;
    const pairs = [
      ...(profile === undefined ? [] : [`profile=${nameArgument(rename(profile))}`]),
      ...(incoming === undefined ? [] : [`incoming=${incomingWord[incoming]}`]),
      ...(outgoing === undefined ? [] : [`outgoing=${outgoingWord[outgoing]}`]),
      ...(act === undefined ? [] : [`act=${actWord[act]}`]),
    ];
    return `edit mailboxes ${selectionText(args.mailboxes, rename)} ${pairs.join(' ')}`;
  },
  changeEmail: (args, rename) => `change email ${nameArgument(rename(mailboxRefText(args.target)))} to ${args.newAddress}`,
  syncFromThisOrgOnly: (args, rename) => `sync from this org only ${nameArgument(rename(mailboxRefText(args.mailbox)))} ${onOff(args.enabled)}`,
  approveMailbox: (args, rename) => `approve mailbox ${selectionText(args.mailboxes, rename)}`,
  rejectMailbox: (args, rename) => `reject mailbox ${selectionText(args.mailboxes, rename)}${args.reason === undefined ? '' : ` because ${args.reason}`}`,
  requestApproval: (args, rename) => `request approval ${nameArgument(rename(mailboxRefText(args.mailbox)))}`,
  approvalRequired: (args) => (args.change === undefined ? 'approval required' : `approval required ${args.change.appliesTo} ${onOff(args.change.required)}`),
  testMailbox: (args, rename) => `test mailbox ${selectionText(args.mailboxes, rename)}`,
  testProfileMailboxes: (args, rename) => `test mailboxes for profile ${nameArgument(rename(args.profile))}`,
  job: (args) => (args.jobId === undefined ? 'job' : `job ${args.jobId}`),
  alerts: (args, rename) => {
    switch (args.target.kind) {
      case 'mailbox':
        return `alerts mailbox ${nameArgument(rename(mailboxRefText(args.target.mailbox)))}`;
      case 'profile':
        return `alerts profile ${nameArgument(rename(args.target.profile))}`;
      case 'mailboxOrProfile':
        return `alerts ${nameArgument(rename(args.target.name))}`;
    }
  },
  audit: (args) => `audit ${args.count}`,
  subscribeAlerts: (args, rename) => `subscribe alerts for profile ${nameArgument(rename(args.profile))}`,
  unsubscribeAlerts: (args, rename) => `unsubscribe alerts for profile ${nameArgument(rename(args.profile))}`,
  roles: () => 'roles',
  grantApprovePrivilege: (args, rename) => `grant approve privilege to role ${nameArgument(rename(args.role))} at ${depthWord(args.depth)}`,
  revokeApprovePrivilege: (args, rename) => `revoke approve privilege from role ${nameArgument(rename(args.role))}`,
};

function write<Id extends CommandId>(id: Id, args: CommandArgs<Id>, rename: Rename): string {
  const writer: Writers[Id] = writers[id];
  return writer(args, rename);
}

/** The chat line for a command; with `rename`, every name or address typed in it passes through it first. */
export function commandLine(command: RecognisedCommand, rename: Rename = keepName): string {
  return write(command.id, command.args, rename);
}

/** The command line with one typed name (compared ignoring case and spaces) replaced by another. */
export function commandLineWith(command: RecognisedCommand, replacements: ReadonlyMap<string, string>): string {
  const normalized = new Map([...replacements].map(([typed, replacement]) => [typed.trim().toLowerCase(), replacement]));
  return commandLine(command, (typed) => normalized.get(typed.trim().toLowerCase()) ?? typed);
}

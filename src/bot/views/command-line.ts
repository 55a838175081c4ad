// Commands back to chat text: the exact line a button runs (paging, "did you mean", next steps), written by
// each command's own `toText` (see its registration) from the spellings here. Every line parses back to the
// same command; the tests hold each registry example to that.
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

export const mailboxSelectionText = (selection: MailboxSelection<MailboxKeyword>, rename: Rename): string =>
  selection.kind === 'keyword' ? selection.keyword : selection.mailboxes.map((ref) => nameArgument(rename(mailboxRefText(ref)))).join(', ');

export const incomingWord: Readonly<Record<IncomingEmailDeliveryMethod, string>> = { 0: 'none', 1: 'outlook', 2: 'sss', 3: 'forward' };
export const outgoingWord: Readonly<Record<OutgoingEmailDeliveryMethod, string>> = { 0: 'none', 1: 'outlook', 2: 'sss' };
export const actWord: Readonly<Record<ActDeliveryMethod, string>> = { 0: 'outlook', 1: 'sss', 2: 'none' };
export const depthWord = (depth: PrivilegeDepth): string => depthSpellings[depth][0] ?? depth;
export const onOff = (value: boolean): string => (value ? 'on' : 'off');

type Definitions = { readonly [Id in CommandId]: { toText(args: CommandArgs<Id>, rename: Rename): string } };

function write<Id extends CommandId>(id: Id, args: CommandArgs<Id>, rename: Rename): string {
  const definition: Definitions[Id] = commandRegistry[id];
  return definition.toText(args, rename);
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

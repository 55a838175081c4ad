// The spellings commands are written back to chat text with: each command's own `toText` (see its
// registration) builds its line from these, and src/bot/commands/command-lines.ts looks the command up.
// Every line parses back to the same command; the tests hold each registry example to that.
import type { ActDeliveryMethod, IncomingEmailDeliveryMethod, OutgoingEmailDeliveryMethod, PrivilegeDepth } from '../../domain/options.js';
import type { MailboxKeyword, MailboxRef, MailboxSelection } from '../commands/values.js';
import { depthSpellings } from '../commands/values.js';

/** Rewrites a name or address the user typed (to put a suggestion in its place); identity by default. */
export type Rename = (typed: string) => string;

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

// Structural reading of the tokens after the command words: which words form which argument.
// Readers only decide structure and hand raw strings to the command's zod schema, which decides values.
import { renderTokens, shorten, type Token } from './text.js';
import type { RawItem } from './values.js';

export type ReadOutcome<Raw> = { readonly kind: 'read'; readonly raw: Raw } | { readonly kind: 'problem'; readonly problem: string };

export const read = <Raw>(raw: Raw): { readonly kind: 'read'; readonly raw: Raw } => ({ kind: 'read', raw });
export const problem = (text: string): { readonly kind: 'problem'; readonly problem: string } => ({ kind: 'problem', problem: text });

/** The lower-cased text of a plain word token, or undefined for anything else. */
export const wordOf = (token: Token | undefined): string | undefined => (token?.kind === 'word' ? token.text.toLowerCase() : undefined);

export const isWord = (token: Token | undefined, ...words: readonly string[]): boolean => {
  const word = wordOf(token);
  return word !== undefined && words.includes(word);
};

/** A reader for commands that take nothing: anything extra is reported rather than ignored. */
export function noArguments(commandName: string): (tokens: readonly Token[]) => ReadOutcome<Record<string, never>> {
  return (tokens) => (tokens.length === 0 ? read({}) : problem(`${commandName} takes nothing after it; remove ${shorten(renderTokens(tokens))}.`));
}

/** One value: a quoted name, or unquoted words joined by spaces. Nothing at all reads as undefined. */
export function readPhrase(tokens: readonly Token[], what: string): ReadOutcome<RawItem | undefined> {
  if (tokens.length === 0) return read(undefined);
  const shown = shorten(renderTokens(tokens));
  if (tokens.some((token) => token.kind === 'comma')) return problem(`Give one ${what} here, not a list: ${shown}.`);
  if (tokens.some((token) => token.kind === 'equals')) return problem(`An = sign doesn't belong in the ${what}: ${shown}.`);
  const [only] = tokens;
  if (tokens.length === 1 && only?.kind === 'quoted') return read({ text: only.text, quoted: true });
  const words = tokens.flatMap((token) => (token.kind === 'word' ? [token.text] : []));
  if (words.length !== tokens.length) return problem(`Put the whole ${what} in quotes, or none of it: ${shown}.`);
  return read({ text: words.join(' '), quoted: false });
}

/** Like readPhrase, but only the text matters (profile, role, method and number arguments). */
export function readText(tokens: readonly Token[], what: string): ReadOutcome<string | undefined> {
  const phrase = readPhrase(tokens, what);
  return phrase.kind === 'read' ? read(phrase.raw?.text) : phrase;
}

/** Splits at the last unquoted occurrence of a word (`to`, `at`), so names may contain it earlier. */
export function splitAtLastWord(tokens: readonly Token[], word: string): { readonly before: readonly Token[]; readonly after: readonly Token[] } | undefined {
  for (let i = tokens.length - 1; i >= 0; i--) {
    if (isWord(tokens[i], word)) return { before: tokens.slice(0, i), after: tokens.slice(i + 1) };
  }
  return undefined;
}

/** Drops a leading filler word such as `to` in `set default incoming to sss`. */
export const withoutLeading = (tokens: readonly Token[], ...fillers: readonly string[]): readonly Token[] =>
  isWord(tokens[0], ...fillers) || tokens[0]?.kind === 'equals' ? tokens.slice(1) : tokens;

function splitOnCommas(tokens: readonly Token[]): readonly (readonly Token[])[] {
  const groups: Token[][] = [[]];
  for (const token of tokens) {
    if (token.kind === 'comma') groups.push([]);
    else groups[groups.length - 1]?.push(token);
  }
  return groups.filter((group) => group.length > 0);
}

const looksLikeAddress = (token: Token): boolean => token.kind === 'word' && token.text.includes('@');

/**
 * Mailboxes separated by commas. Within one comma group, several addresses or quoted names may also be
 * separated by spaces; unquoted words without `@` form one name (`Sales Inbox`).
 */
export function readMailboxItems(tokens: readonly Token[]): ReadOutcome<RawItem[]> {
  const items: RawItem[] = [];
  for (const group of splitOnCommas(tokens)) {
    const shown = shorten(renderTokens(group));
    if (group.some((token) => token.kind === 'equals')) return problem(`An = sign doesn't belong in a list of mailboxes: ${shown}.`);
    if (group.every((token) => token.kind === 'quoted' || looksLikeAddress(token))) {
      for (const token of group) if (token.kind === 'quoted' || token.kind === 'word') items.push({ text: token.text, quoted: token.kind === 'quoted' });
      continue;
    }
    if (group.some((token) => token.kind === 'quoted' || looksLikeAddress(token))) {
      return problem(`Separate mailboxes with commas and put names with spaces in quotes: ${shown}.`);
    }
    items.push({ text: group.flatMap((token) => (token.kind === 'word' ? [token.text] : [])).join(' '), quoted: false });
  }
  return read(items);
}

/** Exactly one mailbox (or user, or queue): a list is an error that says so. */
export function readSingleItem(tokens: readonly Token[], what: string, commandName: string): ReadOutcome<RawItem> {
  if (tokens.some((token) => token.kind === 'comma')) return problem(`${commandName} works on one ${what} at a time; remove the commas.`);
  const phrase = readPhrase(tokens, `${what} name`);
  if (phrase.kind === 'problem') return phrase;
  return read(phrase.raw ?? { text: '', quoted: false });
}

/** Builds the raw argument object from a successful read; problems pass through unchanged. */
export function mapRead<From, To>(outcome: ReadOutcome<From>, build: (raw: From) => To): ReadOutcome<To> {
  return outcome.kind === 'read' ? read(build(outcome.raw)) : outcome;
}

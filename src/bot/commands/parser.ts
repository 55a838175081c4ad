// parseCommand: a Teams message in, a typed result out. It never throws: anything a person (or a
// broken client) can send ends as a command, a usage problem, an unknown command with suggestions,
// an over-long message, or nothing at all.
import { z } from 'zod';
import {
  commandPhrases,
  commandRegistry,
  matchCommandWords,
  type Alternative,
  type AnyCommandDefinition,
  type CommandId,
  type CommandRegistry,
  type ConversationScope,
} from './registry.js';
import { closestPhrases, nearlyLongerPhrases, type PhraseMatch } from './suggest.js';
import { LruCache } from '../../shared/lru-cache.js';
import { MAX_COMMAND_LENGTH } from '../../shared/limits.js';
import { cleanMessage, renderTokens, shorten, tokenize, type Token } from './text.js';

/** The arguments a handler receives for one command, as the registry's zod schema outputs them. */
export type CommandArgs<Id extends CommandId> = z.output<CommandRegistry[Id]['args']>;

/** `{ kind: 'command', id, args }` with `args` typed for each `id`: narrowing on `id` narrows `args`. */
export type RecognisedCommand = {
  [Id in CommandId]: { readonly kind: 'command'; readonly id: Id; readonly args: CommandArgs<Id> };
}[CommandId];

export interface Suggestion {
  readonly id: CommandId;
  /** The command's canonical words. */
  readonly name: string;
  /** A full corrected command line, ready for a "Did you mean" button. */
  readonly input: string;
}

export type ParsedCommand =
  | RecognisedCommand
  /** The command was recognised but its arguments are wrong; `problem` says exactly what. */
  | { readonly kind: 'usage'; readonly id: CommandId; readonly problem: string; readonly usage: string }
  | { readonly kind: 'unknown'; readonly input: string; readonly suggestions: readonly Suggestion[] }
  /** Longer than MAX_COMMAND_LENGTH: refused whole rather than cut, since a cut list would act on the wrong mailboxes. */
  | { readonly kind: 'tooLong'; readonly length: number; readonly limit: number; readonly problem: string }
  | { readonly kind: 'empty' };

export interface ParseOptions {
  /** Where the message was sent; commands that make no sense there get a usage problem. */
  readonly scope?: ConversationScope;
}

const scopeLabel: Readonly<Record<ConversationScope, string>> = {
  personal: 'personal chat',
  team: 'a team channel',
  groupChat: 'a group chat',
};

/** Unknown input is echoed back in replies; keep it short. */
const ECHO_LENGTH = 200;

const messageSchema = z.string();

function usageProblem(command: AnyCommandDefinition, problem: string): ParsedCommand {
  return { kind: 'usage', id: command.id, problem, usage: command.usage };
}

const joinInput = (name: string, rest: readonly Token[]): string => [name, renderTokens(rest)].filter((part) => part !== '').join(' ');

function suggestionsFrom(matches: readonly PhraseMatch<CommandId>[], tokens: readonly Token[]): readonly Suggestion[] {
  return matches.map((match) => ({ id: match.id, name: match.name, input: joinInput(match.name, tokens.slice(match.wordsUsed)) }));
}

function fromAlternatives(alternatives: readonly Alternative[]): readonly Suggestion[] {
  return alternatives.map((alternative) => ({ id: alternative.id, name: commandRegistry[alternative.id].name, input: alternative.input }));
}

/** The words a command name can be made of: plain words up to the first address, quote, comma or `=`. */
function leadingWords(tokens: readonly Token[]): readonly string[] {
  const words: string[] = [];
  for (const token of tokens) {
    if (token.kind !== 'word' || token.text.includes('@')) break;
    words.push(token.text.toLowerCase());
  }
  return words;
}

/**
 * Distinct command beginnings whose near-miss check is remembered. The check compares the input with every
 * longer command phrase on each message although people type the same few commands over and over; any
 * text can be typed, so the memory is bounded (each entry is a few words and usually an empty list).
 */
export const NEARLY_LONGER_MEMO_ENTRIES = 512;
const nearlyLongerMemo = new LruCache<readonly PhraseMatch<CommandId>[]>(NEARLY_LONGER_MEMO_ENTRIES);
let longestPhraseWords: number | undefined;

/** nearlyLongerPhrases over the command phrases, which are fixed: the answer depends on the leading words only. */
function nearlyLongerCommands(words: readonly string[], matchedWordCount: number): readonly PhraseMatch<CommandId>[] {
  longestPhraseWords ??= Math.max(...commandPhrases().map((phrase) => phrase.words.length));
  // Words past one more than the longest phrase are never compared.
  const key = `${matchedWordCount} ${JSON.stringify(words.slice(0, longestPhraseWords + 1))}`;
  return nearlyLongerMemo.getOrCreate(key, () => Object.freeze(nearlyLongerPhrases(words, matchedWordCount, commandPhrases())));
}

/** Parses one chat message. Non-string input (a broken client) counts as empty. */
export function parseCommand(text: unknown, options: ParseOptions = {}): ParsedCommand {
  const message = messageSchema.safeParse(text);
  if (!message.success) return { kind: 'empty' };
  const cleaned = cleanMessage(message.data);
  if (cleaned.kind === 'tooLong') {
    return {
      kind: 'tooLong',
      length: cleaned.length,
      limit: MAX_COMMAND_LENGTH,
      problem: `That message is ${cleaned.length} characters long; a command may be at most ${MAX_COMMAND_LENGTH}. For many mailboxes, use all or pending, or test mailboxes for profile.`,
    };
  }
  if (cleaned.text === '') return { kind: 'empty' };

  const input = shorten(cleaned.text, ECHO_LENGTH);
  const { tokens, unclosedQuote } = tokenize(cleaned.text);
  const words = leadingWords(tokens);
  const match = matchCommandWords(words);
  if (match === undefined) {
    return { kind: 'unknown', input, suggestions: suggestionsFrom(closestPhrases(words, commandPhrases()), tokens) };
  }
  const nearlyLonger = nearlyLongerCommands(words, match.wordCount);
  if (nearlyLonger.length > 0) return { kind: 'unknown', input, suggestions: suggestionsFrom(nearlyLonger.slice(0, 3), tokens) };

  const command = commandRegistry[match.id];
  if (unclosedQuote !== undefined) return usageProblem(command, `The quote before ${unclosedQuote} is never closed; end the name with another quote.`);
  if (options.scope !== undefined && !command.scopes.includes(options.scope)) {
    return usageProblem(command, `${command.name} works only in ${command.scopes.map((scope) => scopeLabel[scope]).join(' or ')}, not in ${scopeLabel[options.scope]}.`);
  }
  const outcome = command.interpret(tokens.slice(match.wordCount));
  switch (outcome.kind) {
    case 'command':
      return outcome;
    case 'problem':
      return usageProblem(command, outcome.problem);
    case 'didYouMean':
      return { kind: 'unknown', input, suggestions: fromAlternatives(outcome.alternatives) };
  }
}

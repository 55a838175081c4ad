// "Did you mean …?": command phrases ranked by Damerau–Levenshtein distance on the command words.
import { editDistance, typoAllowance } from '../../shared/edit-distance.js';

export interface Phrase<Id extends string> {
  readonly id: Id;
  /** The command's canonical name, which is what a suggestion offers even when an alias matched. */
  readonly name: string;
  /** Lower-case words of the name or alias. */
  readonly words: readonly string[];
}

export interface PhraseMatch<Id extends string> {
  readonly id: Id;
  readonly name: string;
  /** How many input words the match stands for; the rest are kept as arguments. */
  readonly wordsUsed: number;
  /** Lower is closer: typos, plus penalties for missing or skipped words. */
  readonly score: number;
}

/** Typing `approve alice@…` misses a word; that is a weaker signal than a typo. */
const MISSING_WORD_PENALTY = 1.5;
/** Leading filler such as `please` or `get`. */
const SKIPPED_WORD_PENALTY = 1;
/** Bounds the work per word whatever was pasted. */
const MAX_WORD_LENGTH = 40;

const prefixCache = new WeakMap<readonly Phrase<string>[], readonly (readonly string[])[]>();

/** For each phrase, its word prefixes joined: `test`, `test mailboxes`, … (computed once per phrase list). */
function prefixTargets(phrases: readonly Phrase<string>[]): readonly (readonly string[])[] {
  let targets = prefixCache.get(phrases);
  if (targets === undefined) {
    targets = phrases.map((phrase) => phrase.words.map((_, used) => phrase.words.slice(0, used + 1).join(' ')));
    prefixCache.set(phrases, targets);
  }
  return targets;
}

/**
 * The closest commands to the leading words of an unknown input, best first, one per command.
 * Compares every prefix of every phrase with the input's first words (one word more or fewer, so
 * `approvemailbox` and `approve mail box` still match), optionally skipping one leading word.
 */
export function closestPhrases<Id extends string>(inputWords: readonly string[], phrases: readonly Phrase<Id>[], limit = 3): readonly PhraseMatch<Id>[] {
  const longestPhrase = Math.max(0, ...phrases.map((phrase) => phrase.words.length));
  const words = inputWords.slice(0, longestPhrase + 2).map((word) => word.toLowerCase().slice(0, MAX_WORD_LENGTH));
  const best = new Map<Id, PhraseMatch<Id>>();
  const skips = words.length > 1 ? [0, 1] : [0];
  const targets = prefixTargets(phrases);
  for (const skip of skips) {
    const rest = words.slice(skip);
    const typedPrefixes = rest.map((_, j) => rest.slice(0, j + 1).join(' '));
    for (const [index, phrase] of phrases.entries()) {
      const size = phrase.words.length;
      for (let used = 1; used <= size; used++) {
        const target = targets[index]?.[used - 1] ?? '';
        if (used < size && target.length < 3) continue;
        const allowance = typoAllowance(target.length);
        for (const typedWords of [used - 1, used, used + 1]) {
          const typed = typedPrefixes[typedWords - 1];
          if (typed === undefined) continue;
          const distance = editDistance(typed, target, allowance);
          if (distance > allowance) continue;
          const score = distance + (size - used) * MISSING_WORD_PENALTY + skip * SKIPPED_WORD_PENALTY;
          const current = best.get(phrase.id);
          if (current === undefined || score < current.score) best.set(phrase.id, { id: phrase.id, name: phrase.name, wordsUsed: skip + typedWords, score });
        }
      }
    }
  }
  return [...best.values()].sort((a, b) => a.score - b.score).slice(0, limit);
}

/**
 * Longer phrases the input nearly spells out although a shorter one matched exactly: in
 * `test mailboxes for profle X`, `test mailboxes` matches but `test mailboxes for profile` was meant.
 */
export function nearlyLongerPhrases<Id extends string>(
  inputWords: readonly string[],
  matchedWordCount: number,
  phrases: readonly Phrase<Id>[],
): readonly PhraseMatch<Id>[] {
  const words = inputWords.map((word) => word.toLowerCase().slice(0, MAX_WORD_LENGTH));
  const matches: PhraseMatch<Id>[] = [];
  for (const phrase of phrases) {
    const size = phrase.words.length;
    // Only inputs of size - 1 to size + 1 words are compared, and this one is too short for all of them.
    if (size <= matchedWordCount || size - 1 > words.length) continue;
    const target = phrase.words.join(' ');
    // Typos are allowed in proportion to the words beyond the match, so `audit 10` is not `audit log`.
    const allowance = typoAllowance(phrase.words.slice(matchedWordCount).join(' ').length);
    for (const typedWords of [size - 1, size, size + 1]) {
      if (typedWords <= matchedWordCount || typedWords > words.length) continue;
      const distance = editDistance(words.slice(0, typedWords).join(' '), target, allowance);
      if (distance > 0 && distance <= allowance && !matches.some((match) => match.id === phrase.id)) {
        matches.push({ id: phrase.id, name: phrase.name, wordsUsed: typedWords, score: distance });
      }
    }
  }
  return matches.sort((a, b) => a.score - b.score);
}

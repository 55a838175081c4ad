// Finding the records a natural request names: mailboxes by address, local part, display name or owner name;
// profiles by name; statuses and categories by the words admins use. Mentions are replaced by placeholders,
// so the intent model learns sentence shapes, not the organization's names.
import { editDistance } from '../../shared/edit-distance.js';

export interface MailboxCandidate {
  readonly id: string;
  readonly address: string;
  /** What the mailbox is shown as: the owner's full name or the queue's name. */
  readonly label: string;
  /** Names a person may use for it: full name, first name, queue name, local part of the address. */
  readonly names: readonly string[];
}

export interface ProfileCandidate {
  readonly id: string;
  readonly name: string;
}

export interface EntityCatalog {
  readonly mailboxes: readonly MailboxCandidate[];
  readonly profiles: readonly ProfileCandidate[];
}

export const mailboxStatuses = ['pending', 'approved', 'rejected', 'failed', 'disabled', 'all'] as const;
export type MailboxStatusWord = (typeof mailboxStatuses)[number];

/** A mention of mailboxes: one candidate is a match, several are ambiguous, none means an unknown address. */
export interface MailboxMention {
  readonly text: string;
  readonly candidates: readonly MailboxCandidate[];
}

export interface Entities {
  /** The text with mentions replaced by placeholders, lower case, typos left to the caller. */
  readonly masked: string;
  readonly mailboxes: readonly MailboxMention[];
  readonly profile: ProfileCandidate | undefined;
  readonly status: MailboxStatusWord | undefined;
  /** "all", "every", "each": the request is about every mailbox (or every one of a status). */
  readonly everything: boolean;
}

export const MAILBOX_PLACEHOLDER = 'mailboxref';
export const PROFILE_PLACEHOLDER = 'profileref';

// Phrases first (longest match wins), then single words. Order inside a status does not matter.
const STATUS_PHRASES: readonly (readonly [string, MailboxStatusWord])[] = [
  ['not approved', 'pending'], ['need approval', 'pending'], ['needs approval', 'pending'], ['needing approval', 'pending'],
  ['awaiting approval', 'pending'], ['waiting for approval', 'pending'], ['waiting on approval', 'pending'], ['to be approved', 'pending'],
  ['not working', 'failed'], ['not syncing', 'failed'], ['in error', 'failed'], ['have errors', 'failed'], ['with errors', 'failed'],
  ['turned off', 'disabled'], ['switched off', 'disabled'],
];
const STATUS_WORDS: ReadonlyMap<string, MailboxStatusWord> = new Map([
  ['pending', 'pending'], ['unapproved', 'pending'], ['waiting', 'pending'],
  ['approved', 'approved'],
  ['rejected', 'rejected'], ['declined', 'rejected'], ['refused', 'rejected'],
  ['failed', 'failed'], ['failing', 'failed'], ['failures', 'failed'], ['failure', 'failed'], ['broken', 'failed'], ['erroring', 'failed'], ['errors', 'failed'], ['fail', 'failed'], ['problems', 'failed'], ['issues', 'failed'],
  ['disabled', 'disabled'], ['inactive', 'disabled'],
]);
const EVERYTHING_WORDS = new Set(['all', 'every', 'each', 'everything', 'everyone', 'everybody']);
const EVERYTHING_PHRASES = ['whole org', 'whole organization', 'whole organisation', 'entire org', 'entire organization', 'entire organisation', 'all of them'];
/** How people name their own mailbox. */
const OWN_MAILBOX_PHRASES = ['my mailbox', 'my email address', 'my address', 'my email', 'my mail', 'my inbox'];

const EMAIL = /[a-z0-9._%+'-]+@[a-z0-9.-]+\.[a-z]{2,}/g;

/** Lower case, curly quotes straightened, possessives and punctuation dropped, spaces collapsed. */
export function normalizeText(text: string): string {
  return text
    .toLowerCase()
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/(\w)'s\b/g, '$1')
    .replace(/(\w)s'(\s|$)/g, '$1s$2')
    .replace(/[^a-z0-9@._%+'\s-]/g, ' ')
    .replace(/(^|\s)[.'-]+|[.'-]+(?=\s|$)/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

interface Key<T> {
  readonly words: readonly string[];
  readonly target: T;
}

function keysOf<T>(entries: readonly (readonly [string, T])[]): Key<T>[] {
  return entries
    .map(([name, target]) => ({ words: normalizeText(name).split(' ').filter((word) => word.length > 0), target }))
    .filter((key) => key.words.length > 0)
    .sort((a, b) => b.words.length - a.words.length);
}

/**
 * Edits a word may be off by and still be read as the known word: none under four letters, one, two from eight.
 * Stricter than the command parser's allowance: here a correction picks a record or an intent on its own.
 */
export const wordTypoAllowance = (length: number): number => (length < 4 ? 0 : length >= 8 ? 2 : 1);

function wordMatches(typed: string, known: string): boolean {
  if (typed === known) return true;
  if (typed.length < 4) return false;
  const allowed = wordTypoAllowance(known.length);
  return allowed > 0 && editDistance(typed, known, allowed) <= allowed;
}

function matchAt<T>(words: readonly string[], start: number, keys: readonly Key<T>[], fuzzy: boolean): { length: number; targets: T[] } | undefined {
  let best: { length: number; targets: T[] } | undefined;
  for (const key of keys) {
    if (best !== undefined && key.words.length < best.length) break;
    if (start + key.words.length > words.length) continue;
    const fits = key.words.every((word, offset) => {
      const typed = words[start + offset] ?? '';
      return fuzzy ? wordMatches(typed, word) : typed === word;
    });
    if (!fits) continue;
    if (best === undefined || key.words.length > best.length) best = { length: key.words.length, targets: [key.target] };
    else if (!best.targets.includes(key.target)) best.targets.push(key.target);
  }
  return best;
}

export interface EntityIndex {
  /** `ownMailbox`: the requester's mailbox, for "my mailbox". */
  extract(text: string, ownMailbox?: MailboxCandidate): Entities;
}

/** A profile is also found by any two or more consecutive words of its name that no other profile shares. */
function profileNameVariants(profiles: readonly ProfileCandidate[]): (readonly [string, ProfileCandidate])[] {
  const variants = new Map<string, ProfileCandidate[]>();
  for (const profile of profiles) {
    const words = normalizeText(profile.name).split(' ');
    for (let start = 0; start < words.length; start++) {
      for (let end = start + 2; end <= words.length; end++) {
        const variant = words.slice(start, end).join(' ');
        variants.set(variant, [...(variants.get(variant) ?? []), profile]);
      }
    }
    variants.set(normalizeText(profile.name), [profile]);
  }
  return [...variants.entries()].flatMap(([variant, owners]) => (owners.length === 1 && owners[0] !== undefined ? [[variant, owners[0]] as const] : []));
}

/**
 * Builds the matcher once per catalog. `commonWords` are words of the request vocabulary ("support",
 * "admin") that only count as a name when nothing else in the sentence is one.
 */
export function buildEntityIndex(catalog: EntityCatalog, commonWords: ReadonlySet<string>): EntityIndex {
  const mailboxKeys = keysOf(catalog.mailboxes.flatMap((mailbox) => mailbox.names.map((name) => [name, mailbox] as const)));
  const profileKeys = keysOf(profileNameVariants(catalog.profiles));
  const statusKeys = keysOf(STATUS_PHRASES);
  const everythingKeys = keysOf(EVERYTHING_PHRASES.map((phrase) => [phrase, true] as const));
  const ownKeys = keysOf(OWN_MAILBOX_PHRASES.map((phrase) => [phrase, true] as const));
  const byAddress = new Map(catalog.mailboxes.map((mailbox) => [mailbox.address.toLowerCase(), mailbox]));

  return {
    extract(text, ownMailbox) {
      const normalized = normalizeText(text);
      const mentions: MailboxMention[] = [];
      // Addresses first: exact, and an unknown address is still a mention (so the reply can say so).
      const withoutAddresses = normalized.replace(EMAIL, (address) => {
        const found = byAddress.get(address);
        mentions.push({ text: address, candidates: found === undefined ? [] : [found] });
        return MAILBOX_PLACEHOLDER;
      });
      const words = withoutAddresses.split(' ').filter((word) => word.length > 0);
      const output: string[] = [];
      let profile: ProfileCandidate | undefined;
      let status: MailboxStatusWord | undefined;
      let everything = false;
      const nameMentions: { index: number; mention: MailboxMention; common: boolean }[] = [];
      for (let index = 0; index < words.length; ) {
        const word = words[index] ?? '';
        const own = matchAt(words, index, ownKeys, false);
        if (own !== undefined) {
          mentions.push({ text: words.slice(index, index + own.length).join(' '), candidates: ownMailbox === undefined ? [] : [ownMailbox] });
          output.push(MAILBOX_PLACEHOLDER);
          index += own.length;
          continue;
        }
        const whole = matchAt(words, index, everythingKeys, false);
        if (whole !== undefined) {
          everything = true;
          output.push(...words.slice(index, index + whole.length));
          index += whole.length;
          continue;
        }
        const profileMatch = matchAt(words, index, profileKeys, true);
        if (profileMatch !== undefined && profileMatch.length > 1 && profileMatch.targets.length === 1) {
          profile = profileMatch.targets[0];
          output.push(PROFILE_PLACEHOLDER);
          index += profileMatch.length;
          continue;
        }
        const statusMatch = matchAt(words, index, statusKeys, false);
        if (statusMatch !== undefined) {
          status ??= statusMatch.targets[0];
          output.push(...words.slice(index, index + statusMatch.length));
          index += statusMatch.length;
          continue;
        }
        const exact = matchAt(words, index, mailboxKeys, false);
        const match = exact ?? (commonWords.has(word) ? undefined : matchAt(words, index, mailboxKeys, true));
        if (match !== undefined) {
          const spanText = words.slice(index, index + match.length).join(' ');
          nameMentions.push({ index: output.length, mention: { text: spanText, candidates: match.targets }, common: match.length === 1 && commonWords.has(word) });
          output.push(MAILBOX_PLACEHOLDER);
          index += match.length;
          continue;
        }
        if (profileMatch !== undefined && profileMatch.targets.length === 1) {
          profile = profileMatch.targets[0];
          output.push(PROFILE_PLACEHOLDER);
          index += profileMatch.length;
          continue;
        }
        const statusWord = STATUS_WORDS.get(word);
        if (statusWord !== undefined) status ??= statusWord;
        if (EVERYTHING_WORDS.has(word)) everything = true;
        output.push(word);
        index += 1;
      }
      // A common word ("support", "exchange") is a name only when the sentence names nothing else.
      const named = nameMentions.filter((entry) => !entry.common);
      const kept = mentions.length > 0 || named.length > 0 ? named : nameMentions;
      for (const entry of nameMentions) {
        if (!kept.includes(entry)) output[entry.index] = entry.mention.text;
      }
      return {
        masked: output.join(' '),
        mailboxes: [...mentions, ...kept.map((entry) => entry.mention)],
        profile,
        status,
        everything,
      };
    },
  };
}

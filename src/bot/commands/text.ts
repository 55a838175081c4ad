// From a Teams message to command tokens. Every step is a single left-to-right pass (no regex that can
// backtrack over the whole input), so a 10 KB paste of noise costs microseconds, not seconds.
import { editDistance, typoAllowance } from '../../shared/edit-distance.js';
import { MAX_COMMAND_LENGTH } from '../../shared/limits.js';

/** Messages longer than this are not even cleaned: Teams itself caps a message at about 28 KB. */
export const MAX_MESSAGE_LENGTH = 32_000;

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  nbsp: ' ',
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  ldquo: '“',
  rdquo: '”',
};
const LONGEST_ENTITY = 10;
const TAG_PATTERN = /^(\/?)([a-z][a-z0-9]*)(?:\s[^<>]*)?\/?$/i;

/** Index of the next `char` at or after each position, or -1: lets the tag scan stay linear. */
function nextIndexTable(text: string, char: string): Int32Array {
  const table = new Int32Array(text.length + 1).fill(-1);
  for (let i = text.length - 1; i >= 0; i--) table[i] = text[i] === char ? i : (table[i + 1] ?? -1);
  return table;
}

function decodeEntity(text: string, start: number): { readonly value: string; readonly end: number } | undefined {
  // Look only a few characters ahead: a scan to the end for every `&` would be quadratic.
  const window = text.slice(start + 1, start + 1 + LONGEST_ENTITY).indexOf(';');
  if (window === -1) return undefined;
  const semicolon = start + 1 + window;
  const body = text.slice(start + 1, semicolon);
  const name = body.toLowerCase();
  // hasOwn: `&__proto__;` must not find Object.prototype.
  const named = Object.hasOwn(NAMED_ENTITIES, name) ? NAMED_ENTITIES[name] : undefined;
  if (named !== undefined) return { value: named, end: semicolon + 1 };
  const numeric = /^#(?:x([0-9a-f]{1,6})|([0-9]{1,7}))$/i.exec(body);
  if (numeric === null) return undefined;
  const codePoint = numeric[1] !== undefined ? Number.parseInt(numeric[1], 16) : Number.parseInt(numeric[2] ?? '', 10);
  if (codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) return { value: '', end: semicolon + 1 };
  return { value: String.fromCodePoint(codePoint), end: semicolon + 1 };
}

/**
 * Removes HTML tags and decodes entities. The first `<at>…</at>` is dropped when nothing but markup or
 * spaces precedes it: that is the bot's own mention. Later mentions keep their text, because they are
 * arguments (`change email <at>Alice</at> to …`).
 */
export function stripMarkup(message: string): string {
  const nextClose = nextIndexTable(message, '>');
  const nextOpen = nextIndexTable(message, '<');
  const nextAmpersand = nextIndexTable(message, '&');
  let output = '';
  let mention = '';
  let inLeadingMention = false;
  let leadingMentionSeen = false;
  let seenText = false;
  const emit = (text: string): void => {
    if (inLeadingMention) {
      mention += text;
      return;
    }
    output += text;
    if (!seenText && text.trim() !== '') seenText = true;
  };
  let i = 0;
  while (i < message.length) {
    const char = message[i] ?? '';
    if (char === '<') {
      const close = nextClose[i + 1] ?? -1;
      const reopen = nextOpen[i + 1] ?? -1;
      if (close !== -1 && (reopen === -1 || reopen > close)) {
        const inner = message.slice(i + 1, close);
        const tag = TAG_PATTERN.exec(inner);
        if (tag !== null) {
          const name = `${tag[1] ?? ''}${tag[2] ?? ''}`.toLowerCase();
          if (name === 'at' && !seenText && !leadingMentionSeen) {
            inLeadingMention = true;
            leadingMentionSeen = true;
          } else if (name === '/at' && inLeadingMention) {
            inLeadingMention = false;
            mention = '';
          } else if (name !== 'at' && name !== '/at') {
            emit(' ');
          }
          i = close + 1;
          continue;
        }
      }
    }
    if (char === '&') {
      const entity = decodeEntity(message, i);
      if (entity !== undefined) {
        emit(entity.value);
        i = entity.end;
        continue;
      }
    }
    // Plain text up to the next `<` or `&` goes out in one piece.
    const open = nextOpen[i + 1] ?? -1;
    const ampersand = nextAmpersand[i + 1] ?? -1;
    let end = message.length;
    if (open !== -1) end = open;
    if (ampersand !== -1 && ampersand < end) end = ampersand;
    emit(message.slice(i, end));
    i = end;
  }
  // An unclosed mention was not a mention after all: keep its text.
  return inLeadingMention ? output + mention : output;
}

// eslint-disable-next-line no-control-regex -- finding control characters is this pattern's whole purpose
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/g;
/** Soft hyphen, zero-width and bidi controls, BOM, specials (incl. U+FFFD) and lone surrogates. */
const INVISIBLE_CHARACTERS = /[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\ufff9-\uffff]|\p{Cs}/gu;

/** Control characters become spaces; invisible format characters, lone surrogates and U+FFFD vanish. */
export function removeControlCharacters(text: string): string {
  return text.replace(CONTROL_CHARACTERS, ' ').replace(INVISIBLE_CHARACTERS, '');
}

const TRAILING_PUNCTUATION = new Set(['.', '!', '?', ';', ':', ',', '…', ' ']);

/** Trailing `.`, `!`, `?` and the like are tone, not arguments; a closing quote protects what it encloses. */
export function dropTrailingPunctuation(text: string): string {
  let end = text.length;
  while (end > 0 && TRAILING_PUNCTUATION.has(text[end - 1] ?? '')) end -= 1;
  return text.slice(0, end);
}

export type CleanedMessage =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'tooLong'; readonly length: number };

/** Markup, mention, control characters, compatibility forms and extra spaces removed; length capped. */
export function cleanMessage(message: string): CleanedMessage {
  if (message.length > MAX_MESSAGE_LENGTH) return { kind: 'tooLong', length: message.length };
  const plain = removeControlCharacters(stripMarkup(message)).normalize('NFKC');
  let text = plain.replace(/\s+/gu, ' ').trim();
  if (text.startsWith('/')) text = text.slice(1).trimStart();
  text = dropTrailingPunctuation(text);
  if (text.length > MAX_COMMAND_LENGTH) return { kind: 'tooLong', length: text.length };
  return { kind: 'text', text };
}

export type Token =
  | { readonly kind: 'word'; readonly text: string }
  | { readonly kind: 'quoted'; readonly text: string }
  | { readonly kind: 'comma' }
  | { readonly kind: 'equals' };

export interface Tokenized {
  readonly tokens: readonly Token[];
  /** Set when a quote is never closed: the text that followed it, shortened. */
  readonly unclosedQuote?: string;
}

/** Straight, curly and low double quotes open or close a quoted name; Teams' autocorrect mixes them. */
const QUOTES = new Set(['"', '“', '”', '„', '‟', '«', '»']);
/** `;` separates like `,` because Outlook writes address lists that way. */
const SEPARATORS = new Set([',', ';']);

export const shorten = (text: string, limit = 60): string => (text.length <= limit ? text : `${text.slice(0, limit - 1)}…`);

/** Splits cleaned text into words, quoted names, commas and `=` signs. */
export function tokenize(text: string): Tokenized {
  const tokens: Token[] = [];
  let word = '';
  const endWord = (): void => {
    if (word !== '') tokens.push({ kind: 'word', text: word });
    word = '';
  };
  let i = 0;
  while (i < text.length) {
    const char = text[i] ?? '';
    if (char === ' ') {
      endWord();
    } else if (SEPARATORS.has(char)) {
      endWord();
      tokens.push({ kind: 'comma' });
    } else if (char === '=') {
      endWord();
      tokens.push({ kind: 'equals' });
    } else if (QUOTES.has(char)) {
      endWord();
      let close = i + 1;
      while (close < text.length && !QUOTES.has(text[close] ?? '')) close += 1;
      if (close >= text.length) return { tokens, unclosedQuote: shorten(text.slice(i + 1).trim(), 40) };
      tokens.push({ kind: 'quoted', text: text.slice(i + 1, close).trim() });
      i = close;
    } else {
      word += char;
    }
    i += 1;
  }
  endWord();
  return { tokens };
}

/** Tokens back to text, for suggestions and messages: `alice@contoso.com, "Sales Inbox"`. */
export function renderTokens(tokens: readonly Token[]): string {
  let text = '';
  for (const token of tokens) {
    switch (token.kind) {
      case 'comma':
        text += ',';
        break;
      case 'equals':
        text += '=';
        break;
      case 'word':
        text += `${text === '' || text.endsWith('=') ? '' : ' '}${token.text}`;
        break;
      case 'quoted':
        text += `${text === '' || text.endsWith('=') ? '' : ' '}"${token.text}"`;
        break;
    }
  }
  return text;
}

/** The closest choice within the typo allowance, if any. */
export function nearestChoice(text: string, choices: readonly string[]): string | undefined {
  const typed = text.toLowerCase();
  let best: { readonly choice: string; readonly distance: number } | undefined;
  for (const choice of choices) {
    const allowance = typoAllowance(choice.length);
    const distance = editDistance(typed, choice.toLowerCase(), allowance);
    if (distance <= allowance && (best === undefined || distance < best.distance)) best = { choice, distance };
  }
  return best?.choice;
}

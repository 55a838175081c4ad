// Seeded generators of hostile chat texts, card payloads and lifecycle activities. The same seed gives the
// same sequence, so a failure found once is reproduced with FUZZ_SEED=<seed>.
//
// Nothing generated may be a legitimate write for the organization's records: arguments never form a real
// name, address, keyword (all, pending), switch (on, off), method, depth or filter. Random words always
// carry a digit, which no vocabulary word has even after letters-and-digits-only comparison.
import { CARD_VERBS } from '../../src/cards/index.js';
import { commandIds, commandRegistry } from '../../src/bot/commands/registry.js';

export interface Random {
  /** A float in [0, 1). */
  next(): number;
  int(below: number): number;
  pick<T>(items: readonly T[]): T;
  chance(probability: number): boolean;
}

/** mulberry32: small, fast and good enough to spread inputs; not for anything secret. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (below: number): number => Math.floor(next() * below);
  return {
    next,
    int,
    pick: <T>(items: readonly T[]): T => {
      const item = items[int(items.length)];
      if (item === undefined) throw new RangeError('pick from an empty list');
      return item;
    },
    chance: (probability) => next() < probability,
  };
}

export const PROTOTYPE_KEYS = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'prototype', 'valueOf', '__defineGetter__', 'isPrototypeOf', 'toJSON'] as const;

const UNICODE = [
  '😀',
  '👩‍👩‍👧‍👦',
  '\u200b',
  '\u202e',
  '\u2066',
  'e\u0301\u0301\u0301',
  '\ud800',
  '\udfff',
  '\u0000',
  '\u0007',
  '\uffff',
  '\ufeff',
  'ﷺ',
  '𝕬𝖉𝖆9',
  '中文9',
  'עברית9',
  '\r\n',
  '\t',
] as const;

const MARKUP = ['<at>Mailbox Sync</at>', '<at>', '</at>', '<b>', '<script>alert(1)</script>', '&amp;', '&lt;', '&__proto__;', '&constructor;', '&#0;', '&#x110000;', '&#xd800;', '<<<>>>'] as const;

const PUNCTUATION = ['"', '“', '”', '«', ',', ';', '=', '==', '#', '@', '@@', 'x9@', '@y9', 'a9@b', 'a9@b.c9', '\\', '/', '..', '*', '%s', '${x}', '{{x}}'] as const;

const NUMBERS = ['0', '-1', '1e309', 'NaN', 'Infinity', '99999999999', '0x1F', '4.2', '#0', '#-5'] as const;

const randomWord = (random: Random): string => {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-.ÄÖüßé';
  const length = 1 + random.int(10);
  let word = '';
  for (let i = 0; i < length; i++) word += alphabet[random.int(alphabet.length)] ?? 'x';
  // The digit keeps the word out of every vocabulary (see the header).
  const digit = String(random.int(10));
  return random.chance(0.5) ? `${word}${digit}` : `${digit}${word}`;
};

function hugeString(random: Random): string {
  const unit = random.pick(['A', '9', ' ', ',', '"', '😀', 'ab9 ', '<at>', '&amp;', 'constructor ', '\u200b']);
  const length = random.pick([1_000, 4_001, 10_000, 32_001, 60_000]);
  return unit.repeat(Math.ceil(length / unit.length));
}

/** One hostile argument word (a string). */
export function hostileAtom(random: Random): string {
  const kind = random.int(7);
  switch (kind) {
    case 0:
      return random.pick(PROTOTYPE_KEYS);
    case 1:
      return random.pick(UNICODE) + (random.chance(0.5) ? randomWord(random) : '');
    case 2:
      return random.pick(MARKUP);
    case 3:
      return random.pick(PUNCTUATION);
    case 4:
      return random.pick(NUMBERS);
    case 5:
      return `"${randomWord(random)} ${random.pick(PROTOTYPE_KEYS)}"`;
    default:
      return randomWord(random);
  }
}

const commandPhrases: readonly string[] = commandIds.flatMap((id) => [commandRegistry[id].name, ...commandRegistry[id].aliases]);

/** A chat text: a command phrase with hostile arguments, hostile words alone, or a huge string. */
export function hostileText(random: Random): string {
  const roll = random.next();
  if (roll < 0.02) return hugeString(random);
  const words: string[] = [];
  if (roll < 0.8) words.push(random.pick(commandPhrases));
  const count = random.int(6);
  for (let i = 0; i < count; i++) {
    const atom = hostileAtom(random);
    // key=value pairs reach the edit mailboxes reader.
    words.push(random.chance(0.15) ? `${atom}=${hostileAtom(random)}` : atom);
  }
  const separator = random.chance(0.1) ? random.pick([', ', ',', ' , ', '  ', ';']) : ' ';
  return words.join(separator);
}

/** A JSON value of any type, strings hostile; depth-bounded. */
export function hostileValue(random: Random, depth = 0): unknown {
  const roll = random.int(depth > 2 ? 6 : 9);
  switch (roll) {
    case 0:
      return null;
    case 1:
      return random.pick([0, -1, 1.5, 1e308, -0, 2 ** 53 + 1, 7]);
    case 2:
      return random.chance(0.5);
    case 3:
    case 4:
      return hostileAtom(random);
    case 5:
      return random.chance(0.9) ? hostileText(random) : hugeString(random);
    case 6:
      return Array.from({ length: random.int(4) }, () => hostileValue(random, depth + 1));
    default:
      return hostileObject(random, depth + 1);
  }
}

/**
 * An object whose keys may be prototype names. Built from JSON text so that `__proto__` is an own key (as
 * a parsed request body has it), not the object's prototype.
 */
export function hostileObject(random: Random, depth = 0): Record<string, unknown> {
  const entries: string[] = [];
  const count = random.int(4);
  for (let i = 0; i < count; i++) {
    const key = random.chance(0.5) ? random.pick(PROTOTYPE_KEYS) : random.pick(['verb', 'data', 'requestId', 'version', 'command', 'action', 'type', 'id', hostileAtom(random)]);
    entries.push(`${JSON.stringify(key)}:${JSON.stringify(hostileValue(random, depth + 1)) ?? 'null'}`);
  }
  const parsed: unknown = JSON.parse(`{${entries.join(',')}}`);
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? { ...Object.fromEntries(Object.entries(parsed)) } : {};
}

const verbs: readonly string[] = [...CARD_VERBS];

/** Data for a card action: the right field names with wrong values, or anything at all. */
function actionData(random: Random): unknown {
  if (random.chance(0.2)) return hostileValue(random);
  const data: Record<string, unknown> = random.chance(0.5) ? hostileObject(random) : {};
  if (random.chance(0.8)) data.requestId = random.chance(0.7) ? hostileAtom(random) : hostileValue(random);
  if (random.chance(0.6)) data.version = random.chance(0.5) ? random.pick([0, 1, 2, -1, 1.5, 1e9]) : hostileValue(random);
  if (random.chance(0.5)) data.command = random.chance(0.8) ? hostileText(random) : hostileValue(random);
  return data;
}

const pickVerb = (random: Random): unknown => (random.chance(0.8) ? random.pick(verbs) : hostileValue(random));

/** The activity-specific fields of one generated activity (identity and addressing are added by the test). */
export type GeneratedFields = Record<string, unknown>;

export function hostileActivityFields(random: Random): GeneratedFields {
  const roll = random.next();
  if (roll < 0.5) return { type: 'message', text: random.chance(0.9) ? hostileText(random) : hostileValue(random) };
  if (roll < 0.65) {
    // Action.Submit: the verb travels in the value next to the data.
    const data = actionData(random);
    const value = random.chance(0.85) && typeof data === 'object' && data !== null && !Array.isArray(data) ? { verb: pickVerb(random), ...data } : hostileValue(random);
    return { type: 'message', value, ...(random.chance(0.2) ? { text: hostileText(random) } : {}) };
  }
  if (roll < 0.9) {
    const action = random.chance(0.9) ? { type: random.chance(0.8) ? 'Action.Execute' : hostileValue(random), verb: pickVerb(random), data: actionData(random) } : hostileValue(random);
    const value = random.chance(0.9) ? { action, trigger: random.chance(0.8) ? random.pick(['manual', 'automatic']) : hostileValue(random) } : hostileValue(random);
    return { type: 'invoke', name: random.chance(0.9) ? 'adaptiveCard/action' : hostileValue(random), value };
  }
  if (roll < 0.95) return { type: 'conversationUpdate', membersAdded: hostileValue(random), membersRemoved: random.chance(0.3) ? hostileValue(random) : undefined };
  return { type: random.pick(['installationUpdate', 'messageReaction', 'event', 'typing', hostileAtom(random)]), action: hostileValue(random), name: hostileValue(random), value: hostileValue(random) };
}

/**
 * Envelope fields an activity may carry with the wrong type (serviceUrl is left alone: a reply must not be
 * sent anywhere but the fake connector, and nothing may leave the machine).
 */
const ENVELOPE_FIELDS = ['from', 'recipient', 'conversation', 'channelData', 'replyToId', 'locale', 'id', 'entities', 'attachments', 'timestamp', 'localTimestamp'] as const;

/** Sometimes one envelope field replaced by a hostile value, or a hostile field added to the conversation. */
export function hostileEnvelope(random: Random, activity: Record<string, unknown>): Record<string, unknown> {
  if (!random.chance(0.05)) return activity;
  const field = random.pick(ENVELOPE_FIELDS);
  const current = activity[field];
  if (random.chance(0.5) && typeof current === 'object' && current !== null && !Array.isArray(current)) {
    return { ...activity, [field]: { ...current, ...hostileObject(random) } };
  }
  return { ...activity, [field]: hostileValue(random) };
}

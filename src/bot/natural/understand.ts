// From a sentence to an exact command line: entities found against the records, typos corrected, the intent
// classified, slots checked. A reading that would change something is marked `writes`; the bot previews and
// confirms every such guess (docs/confirmations.md), it never runs it directly.
import { editDistance } from '../../shared/edit-distance.js';
import {
  buildEntityIndex,
  MAILBOX_PLACEHOLDER,
  PROFILE_PLACEHOLDER,
  type EntityCatalog,
  type MailboxCandidate,
  type MailboxMention,
  type MailboxStatusWord,
  type ProfileCandidate,
  wordTypoAllowance,
} from './entities.js';
import type { IntentModel, IntentScore } from './intent-model.js';
import { intents, statusOf, type IntentDefinition, type IntentId } from './intents.js';

export interface Suggestion {
  readonly intent: IntentId;
  readonly describe: string;
  readonly example: string;
}

export type NaturalReading =
  | {
      readonly kind: 'command';
      readonly intent: IntentId;
      readonly commandLine: string;
      readonly writes: boolean;
      readonly confidence: number;
      readonly mailboxes: readonly MailboxCandidate[];
      readonly profile: ProfileCandidate | undefined;
      readonly status: MailboxStatusWord | undefined;
    }
  /**
   * A name fits several records: the bot offers them, and the choice is confirmed like any guess. `options`
   * holds the command each candidate makes (in candidate order), where that candidate completes the request.
   */
  | {
      readonly kind: 'ambiguous';
      readonly intent: IntentId;
      readonly mention: string;
      readonly candidates: readonly MailboxCandidate[];
      readonly options: readonly { readonly candidate: MailboxCandidate; readonly commandLine: string }[];
    }
  | { readonly kind: 'unknownMailbox'; readonly intent: IntentId; readonly mention: string }
  | { readonly kind: 'missing'; readonly intent: IntentId; readonly question: string }
  | { readonly kind: 'notUnderstood'; readonly suggestions: readonly Suggestion[] };

/** The best intent is an answer when it scores this much, or a little less but well clear of the next. */
const CONFIDENT = 0.5;
const CLEAR_ENOUGH = { score: 0.4, margin: 0.15 };

const isConfident = (scores: readonly IntentScore[]): boolean => {
  const [best, second] = scores;
  if (best === undefined) return false;
  return best.score >= CONFIDENT || (best.score >= CLEAR_ENOUGH.score && best.score - (second?.score ?? 0) >= CLEAR_ENOUGH.margin);
};

const definitionOf = (id: IntentId): IntentDefinition => {
  const found = intents.find((intent) => intent.id === id);
  if (found === undefined) throw new Error(`no intent ${id}`);
  return found;
};

const quoteIfNeeded = (name: string): string => (/\s|,/.test(name) ? `"${name.replace(/"/g, '')}"` : name);

function correctTypos(masked: string, vocabulary: ReadonlySet<string>): string {
  return masked
    .split(' ')
    .map((word) => {
      if (vocabulary.has(word) || word.length < 4 || word === MAILBOX_PLACEHOLDER || word === PROFILE_PLACEHOLDER) return word;
      const allowed = wordTypoAllowance(word.length);
      let best: string | undefined;
      let bestDistance = allowed + 1;
      let tie = false;
      // On a tie, a word of the same length wins: swapped or replaced letters are likelier than lost ones.
      for (const known of vocabulary) {
        if (Math.abs(known.length - word.length) > allowed) continue;
        const distance = editDistance(word, known);
        const sameLength = known.length === word.length;
        if (distance < bestDistance || (distance === bestDistance && sameLength && best !== undefined && best.length !== word.length)) {
          best = known;
          bestDistance = distance;
          tie = false;
        } else if (distance === bestDistance && (best === undefined || sameLength === (best.length === word.length))) {
          tie = true;
        }
      }
      return best !== undefined && !tie ? best : word;
    })
    .join(' ');
}

function suggestionsFrom(scores: readonly IntentScore[]): Suggestion[] {
  return scores
    .filter((score) => score.score > 0.05)
    .slice(0, 3)
    .map((score) => {
      const definition = definitionOf(score.intent);
      return { intent: definition.id, describe: definition.describe, example: definition.example };
    });
}

export interface NaturalLanguage {
  /** `requesterMailbox`: the asking person's own mailbox, so "my mailbox" means it. */
  understand(text: string, catalog: EntityCatalog, requesterMailbox?: MailboxCandidate): Promise<NaturalReading>;
}

// Words too common to show that a sentence is about mailboxes at all ("what is two plus two").
const FUNCTION_WORDS = new Set(['a', 'an', 'the', 'is', 'are', 'was', 'be', 'i', 'me', 'my', 'you', 'your', 'we', 'our', 'it', 'of', 'to', 'for', 'on', 'in', 'at', 'with', 'and', 'or', 'what', 'which', 'who', 'how', 'why', 'when', 'this', 'that', 'there', 'some', 'any', 'them', 'they', 'two', 'one']);

export function createNaturalLanguage(model: IntentModel): NaturalLanguage {
  const commonWords = new Set(model.vocabulary);
  let cached: { catalog: EntityCatalog; index: ReturnType<typeof buildEntityIndex> } | undefined;
  const indexFor = (catalog: EntityCatalog) => {
    if (cached?.catalog !== catalog) cached = { catalog, index: buildEntityIndex(catalog, commonWords) };
    return cached.index;
  };

  return {
    async understand(text, catalog, requesterMailbox) {
      // A reason ("… because they left") is kept as typed for a rejection and not read for names or intent.
      const [request = '', ...reasonParts] = text.split(/\bbecause\b/i);
      const reason = reasonParts.join('because').trim().replace(/\s+/g, ' ');
      const entities = indexFor(catalog).extract(request, requesterMailbox);
      const masked = correctTypos(entities.masked, model.vocabulary);
      const scores = await model.classify(masked);
      const [best] = scores;
      const aboutTheDomain =
        entities.mailboxes.length > 0 || entities.profile !== undefined || entities.status !== undefined ||
        masked.split(' ').some((word) => model.vocabulary.has(word) && !FUNCTION_WORDS.has(word));
      if (best === undefined || !isConfident(scores) || !aboutTheDomain) {
        return { kind: 'notUnderstood', suggestions: suggestionsFrom(scores) };
      }
      const definition = definitionOf(best.intent);
      const status = statusOf(entities.status, entities.everything);
      const base = { intent: definition.id, writes: definition.writes, confidence: best.score, profile: entities.profile, status };
      const read = (mentions: readonly MailboxMention[]): NaturalReading => readMentions(definition, mentions, base, { ...entities, reason });

      const mentions = entities.mailboxes;
      for (const [position, mention] of mentions.entries()) {
        if (mention.candidates.length === 0) return { kind: 'unknownMailbox', intent: definition.id, mention: mention.text };
        if (mention.candidates.length > 1) {
          // What each candidate would make of the request, so a click can run (and confirm) exactly that.
          const options = mention.candidates.flatMap((candidate) => {
            const reading = read(mentions.map((other, index) => (index === position ? { text: other.text, candidates: [candidate] } : other)));
            return reading.kind === 'command' ? [{ candidate, commandLine: reading.commandLine }] : [];
          });
          return { kind: 'ambiguous', intent: definition.id, mention: mention.text, candidates: mention.candidates, options };
        }
      }
      return read(mentions);
    },
  };
}

/** The command words of intents about one mailbox; others offer the mailbox itself for a choice among several. */
const SINGLE_MAILBOX_VERBS: Partial<Readonly<Record<IntentId, string>>> = {
  mailboxDetail: 'mailbox',
  diagnose: 'diagnose',
  requestApproval: 'request approval',
  syncFromThisOrgOnly: 'sync from this org only',
  alerts: 'alerts',
};

interface ReadingBase {
  readonly intent: IntentId;
  readonly writes: boolean;
  readonly confidence: number;
  readonly profile: ProfileCandidate | undefined;
  readonly status: MailboxStatusWord | undefined;
}

/** The reading once every mention names exactly one mailbox. */
function readMentions(definition: IntentDefinition, mentions: readonly MailboxMention[], base: ReadingBase, entities: { readonly profile: ProfileCandidate | undefined; readonly everything: boolean; readonly reason: string }): NaturalReading {
  const status = base.status;
  const mailboxes = mentions.flatMap((mention) => mention.candidates);
  const addresses = mailboxes.map((mailbox) => mailbox.address);
  const command = (commandLine: string): NaturalReading => ({ kind: 'command', commandLine, mailboxes, ...base });
  const missing = (question: string): NaturalReading => ({ kind: 'missing', intent: definition.id, question });
  const single = (): NaturalReading | string => {
    if (mailboxes.length === 0) return missing(`Which mailbox? Name it by address or by its owner's name, for example "${definition.example}".`);
    if (mailboxes.length > 1) {
      const options = mailboxes.map((candidate) => ({ candidate, commandLine: commandFor(candidate.address) }));
      return { kind: 'ambiguous', intent: definition.id, mention: mentions.map((mention) => mention.text).join(', '), candidates: mailboxes, options };
    }
    return addresses[0] ?? '';
  };
  const commandFor = (address: string): string => {
    const verb = SINGLE_MAILBOX_VERBS[definition.id] ?? 'mailbox';
    return definition.id === 'syncFromThisOrgOnly' ? `${verb} ${address} on` : `${verb} ${address}`;
  };

  switch (definition.id) {
    case 'help':
    case 'whoami':
    case 'profiles':
    case 'settings':
    case 'audit':
    case 'job':
    case 'health':
    case 'roles':
      return command(definition.id === 'job' ? 'job' : definition.id);
    case 'verifyProfile':
      return command(entities.profile === undefined ? 'verify profile' : `verify profile ${quoteIfNeeded(entities.profile.name)}`);
    case 'listMailboxes':
      return command(`mailboxes ${status ?? 'all'}`);
    case 'mailboxDetail':
    case 'diagnose':
    case 'requestApproval':
    case 'syncFromThisOrgOnly': {
      const target = single();
      return typeof target === 'string' ? command(commandFor(target)) : target;
    }
    case 'approve':
    case 'reject': {
      const verb = definition.id === 'approve' ? 'approve mailbox' : 'reject mailbox';
      const because = definition.id === 'reject' && entities.reason !== '' ? ` because ${entities.reason}` : '';
      if (addresses.length > 0) return command(`${verb} ${addresses.join(', ')}${because}`);
      if (status === 'pending' || entities.everything) return command(`${verb} pending${because}`);
      return missing(`Which email address should I ${definition.id}? Name the mailbox, or say "all pending".`);
    }
    case 'testMailbox':
    case 'applyDefaults': {
      const verb = definition.id === 'testMailbox' ? 'test mailbox' : 'apply default settings to';
      if (addresses.length > 0) return command(`${verb} ${addresses.join(', ')}`);
      if (entities.everything) return command(`${verb} all`);
      return missing(`Which mailboxes? Name them, or say "all mailboxes".`);
    }
    case 'testProfile':
      if (entities.profile === undefined) return missing('Which email server profile? For example "test the mailboxes of Microsoft Exchange Online".');
      return command(`test mailboxes for profile ${quoteIfNeeded(entities.profile.name)}`);
    case 'alerts': {
      if (addresses.length === 1) return command(`alerts ${addresses[0] ?? ''}`);
      if (addresses.length > 1) return single() as NaturalReading;
      if (entities.profile !== undefined) return command(`alerts ${quoteIfNeeded(entities.profile.name)}`);
      return missing('Alerts of which mailbox or profile?');
    }
  }
}

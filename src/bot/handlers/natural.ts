// A message that is not an exact command, read as a natural request (src/bot/natural): one complete reading
// runs as a guess, so any write it makes is previewed and confirmed; a partial reading asks which record, or
// offers the closest kinds of request, each behind a choice id.
import { loadEntityCatalog } from '../natural/catalog.js';
import { sharedIntentModel } from '../natural/intent-model.js';
import { offersOf, type Offer } from '../natural/offers.js';
import { createNaturalLanguage, type NaturalReading } from '../natural/understand.js';
import type { OrganizationRecords } from '../../app/ports.js';
import type { Logger } from '../../shared/logger.js';
import type { CommandRequest } from '../requests.js';
import { editDistance, typoAllowance } from '../../shared/edit-distance.js';

/**
 * Whether a suggested command only corrects the spelling of the words typed ("verfy profile" → "verify
 * profile"): such a typo of a command keeps its "did you mean" as before. A suggestion that inserts words
 * ("approve pia" → "approve mailbox pia") is no evidence of a command, and the sentence is read instead.
 */
export function correctsSpellingOnly(input: string, suggestion: string): boolean {
  const typed = input.toLowerCase().split(/\s+/).filter((word) => word !== '');
  const offered = suggestion.toLowerCase().split(/\s+/).filter((word) => word !== '');
  if (typed.length !== offered.length) return false;
  return typed.every((word, index) => {
    const other = offered[index] ?? '';
    return word === other || editDistance(word, other, typoAllowance(other.length)) <= typoAllowance(other.length);
  });
}

export interface NaturalReader {
  /** The reading of `text` for this requester ("my mailbox" is theirs); undefined when the reader failed. */
  read(text: string, request: CommandRequest): Promise<NaturalReading | undefined>;
}

export function createNaturalReader(records: OrganizationRecords, logger: Logger): NaturalReader {
  const reader = sharedIntentModel().then(createNaturalLanguage);
  return {
    async read(text, request) {
      try {
        const [natural, catalog, own] = await Promise.all([reader, loadEntityCatalog(records), records.mailboxByRegarding({ type: 'systemuser', id: request.requester.id })]);
        const requesterMailbox = own === undefined ? undefined : catalog.mailboxes.find((candidate) => candidate.id === own.id);
        return await natural.understand(text, catalog, requesterMailbox);
      } catch (error) {
        // Reading is a convenience: the person still gets the suggestions an unknown command gets.
        logger.warn('could not read a natural request', { error });
        return undefined;
      }
    },
  };
}

export interface PartialReadingReply {
  readonly statement: string;
  readonly question: string;
  readonly offers: readonly Offer[];
}

/** What to say about a reading that is not one complete command, and what to offer. */
export function partialReadingReply(input: string, reading: Exclude<NaturalReading, { kind: 'command' }>): PartialReadingReply {
  const offers = offersOf(reading);
  switch (reading.kind) {
    case 'ambiguous':
      return { statement: `“${reading.mention}” could be ${reading.candidates.length} mailboxes.`, question: 'Which one did you mean?', offers };
    case 'unknownMailbox':
      return { statement: `I found no mailbox called “${reading.mention}”.`, question: "Name it by its email address or its owner's full name.", offers };
    case 'missing':
      return { statement: `I need one more detail for “${input}”.`, question: reading.question, offers };
    case 'notUnderstood':
      return { statement: `I did not understand “${input}”.`, question: 'These are the closest things I can do:', offers };
  }
}

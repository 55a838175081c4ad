// What to offer when a sentence is not read as one complete request: for each kind of request the model
// thought closest, an exact command of that kind that needs no record (a list to act on, or the help of the
// command), so a suggestion is never the sentence's words glued behind a command name.
import type { IntentId } from './intents.js';
import type { NaturalReading, Suggestion } from './understand.js';

export interface Offer {
  /** The button's title: what it does, in words. */
  readonly title: string;
  /** The exact command the button runs (a write among them is previewed and confirmed first). */
  readonly commandLine: string;
}

const OFFER_OF: Readonly<Record<IntentId, Offer>> = {
  help: { title: 'What I can do', commandLine: 'help' },
  whoami: { title: 'Your roles and rights', commandLine: 'whoami' },
  profiles: { title: 'Email server profiles', commandLine: 'profiles' },
  verifyProfile: { title: 'Check the server profile', commandLine: 'verify profile' },
  settings: { title: 'Default email settings', commandLine: 'settings' },
  listMailboxes: { title: 'Mailboxes that failed', commandLine: 'mailboxes failed' },
  mailboxDetail: { title: 'How to show one mailbox', commandLine: 'help mailbox' },
  diagnose: { title: 'How to diagnose a mailbox', commandLine: 'help diagnose' },
  approve: { title: 'Mailboxes waiting for approval', commandLine: 'mailboxes pending' },
  reject: { title: 'Mailboxes waiting for approval', commandLine: 'mailboxes pending' },
  requestApproval: { title: 'How to request approval', commandLine: 'help request approval' },
  testMailbox: { title: 'How to test mailboxes', commandLine: 'help test mailbox' },
  testProfile: { title: "How to test a profile's mailboxes", commandLine: 'help test mailboxes for profile' },
  applyDefaults: { title: 'How to apply the default settings', commandLine: 'help apply default settings to' },
  syncFromThisOrgOnly: { title: 'How to sync from this org only', commandLine: 'help sync from this org only' },
  alerts: { title: 'How to show alerts', commandLine: 'help alerts' },
  audit: { title: 'Who changed what', commandLine: 'audit' },
  job: { title: 'Your latest Test & Enable job', commandLine: 'job' },
  health: { title: 'Sync health overview', commandLine: 'health' },
  roles: { title: 'Security roles', commandLine: 'roles' },
};

export const offerFor = (intent: IntentId): Offer => OFFER_OF[intent];

/** At most `limit` distinct offers for the intents the model found closest; help when it found none. */
export function offersFor(suggestions: readonly Suggestion[], limit = 3): readonly Offer[] {
  const offers = new Map<string, Offer>();
  for (const suggestion of suggestions) {
    const offer = offerFor(suggestion.intent);
    if (!offers.has(offer.commandLine)) offers.set(offer.commandLine, offer);
  }
  if (offers.size === 0) offers.set('help', OFFER_OF.help);
  return [...offers.values()].slice(0, limit);
}

/** The offers for a reading that is not a complete command: its candidates, or the closest kinds of request. */
export function offersOf(reading: Exclude<NaturalReading, { kind: 'command' }>): readonly Offer[] {
  switch (reading.kind) {
    case 'ambiguous':
      return reading.options.map((option) => ({ title: `${option.candidate.label} (${option.candidate.address})`, commandLine: option.commandLine }));
    case 'unknownMailbox':
    case 'missing':
      return [offerFor(reading.intent)];
    case 'notUnderstood':
      return offersFor(reading.suggestions);
  }
}

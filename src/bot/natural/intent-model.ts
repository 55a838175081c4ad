// The intent model: nlp.js's neural classifier, trained at start-up (tens of milliseconds) from the sentences
// in intents.ts. It runs in-process; nothing is sent anywhere or downloaded.
import { containerBootstrap } from '@nlpjs/core';
import { LangEn } from '@nlpjs/lang-en-min';
import { Nlp } from '@nlpjs/nlp';
import { z } from 'zod';
import { intentIds, intents, noneTraining, type IntentId } from './intents.js';

const NONE = 'None';

const resultSchema = z.object({
  classifications: z.array(z.object({ intent: z.string(), score: z.number() })),
});

export interface IntentScore {
  readonly intent: IntentId;
  readonly score: number;
}

export interface IntentModel {
  /** Intents by score, best first; out-of-domain sentences score low everywhere. */
  classify(maskedText: string): Promise<readonly IntentScore[]>;
  /** Every word the model was trained on, for typo correction. */
  readonly vocabulary: ReadonlySet<string>;
}

const isIntentId = (text: string): text is IntentId => (intentIds as readonly string[]).includes(text);

export async function trainIntentModel(): Promise<IntentModel> {
  const container = await containerBootstrap();
  container.use(LangEn);
  // The classifier logs every training epoch to the console unless told not to.
  container.registerConfiguration('nlu-??', { keepStopwords: true, nonefeatureValue: 1, nonedeltaMultiplier: 1.2, spellCheck: false, spellCheckDistance: 1, filterZeros: true, log: false }, true);
  const nlp = new Nlp({ container, autoSave: false, autoLoad: false, threshold: 0.5 });
  nlp.addLanguage('en');
  const vocabulary = new Set<string>();
  const learn = (sentence: string, intent: string): void => {
    nlp.addDocument('en', sentence, intent);
    for (const word of sentence.split(/\s+/)) vocabulary.add(word);
  };
  for (const intent of intents) for (const sentence of intent.training) learn(sentence, intent.id);
  for (const sentence of noneTraining) nlp.addDocument('en', sentence, NONE);
  await nlp.train();
  return {
    vocabulary,
    async classify(maskedText) {
      const parsed = resultSchema.parse(await nlp.process('en', maskedText));
      return parsed.classifications.flatMap((entry) => (isIntentId(entry.intent) ? [{ intent: entry.intent, score: entry.score }] : []));
    },
  };
}

let shared: Promise<IntentModel> | undefined;

/** One model per process, trained on first use: it depends only on intents.ts. */
export function sharedIntentModel(): Promise<IntentModel> {
  shared ??= trainIntentModel();
  return shared;
}

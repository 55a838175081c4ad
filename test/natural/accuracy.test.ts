// The natural-language reader against the held-out evaluation set. The accuracy is reported in
// docs/natural-language.md; this test fails when it drops below 95% (intent and records both right).
import { beforeAll, describe, expect, it } from 'vitest';
import { buildEntityCatalog } from '../../src/bot/natural/catalog.js';
import { buildEntityIndex, type EntityCatalog } from '../../src/bot/natural/entities.js';
import { trainIntentModel, type IntentModel } from '../../src/bot/natural/intent-model.js';
import { intents } from '../../src/bot/natural/intents.js';
import { createNaturalLanguage, type NaturalReading } from '../../src/bot/natural/understand.js';
import { parseCommand } from '../../src/bot/commands/parser.js';
import { loadOrganizationFile } from '../../src/store/org-file.js';
import { blindSet } from './blind-set.js';
import { blindSet2 } from './blind-set-2.js';
import { evaluationSet, type Expected, type LabelledPhrasing } from './evaluation-set.js';

/** 82.5% when written, before the tuning round of 2026-12-06, and the same after it (docs/natural-language.md). */
const SECOND_BLIND_SET_GUARD = 0.825;

let model: IntentModel;
let catalog: EntityCatalog;
/** The evaluation asks as Ada Admin, so "my mailbox" is ada@contoso.com. */
const requesterAddress = 'ada@contoso.com';
beforeAll(async () => {
  model = await trainIntentModel();
  catalog = buildEntityCatalog(await loadOrganizationFile('examples/contoso.json'));
});

function outcomeOf(reading: NaturalReading): Expected {
  switch (reading.kind) {
    case 'command': return reading.commandLine;
    case 'missing': return 'missing';
    case 'unknownMailbox': return 'unknown';
    case 'notUnderstood': return 'none';
    case 'ambiguous': return `ambiguous ${reading.mention}`;
  }
}

/**
 * The held-out part: phrasings whose shape, once names are masked, is not a training sentence ("approve pia"
 * and "approve otto" both read "approve mailboxref"; if that is trained, neither measures generalization).
 */
function heldOut(): readonly LabelledPhrasing[] {
  const training = new Set(intents.flatMap((intent) => intent.training));
  const index = buildEntityIndex(catalog, model.vocabulary);
  return evaluationSet.filter((phrasing) => !training.has(index.extract(phrasing.text).masked));
}

describe('the evaluation set', () => {
  it('holds at least 300 distinct labelled phrasings, at least 250 of them held out from training', () => {
    expect(evaluationSet.length).toBeGreaterThanOrEqual(300);
    expect(new Set(evaluationSet.map((phrasing) => phrasing.text)).size).toBe(evaluationSet.length);
    expect(heldOut().length).toBeGreaterThanOrEqual(250);
  });

  it('reads the held-out part right at least 95% of the time, intent and records together', async () => {
    const reader = createNaturalLanguage(model);
    const misses: string[] = [];
    const part = heldOut();
    for (const phrasing of part) {
      const outcome = outcomeOf(await reader.understand(phrasing.text, catalog, catalog.mailboxes.find((mailbox) => mailbox.address === requesterAddress)));
      if (outcome !== phrasing.expected) misses.push(`${JSON.stringify(phrasing.text)}: expected ${JSON.stringify(phrasing.expected)}, got ${JSON.stringify(outcome)}`);
    }
    const accuracy = 1 - misses.length / part.length;
    console.info(`natural-language accuracy on the held-out part: ${(accuracy * 100).toFixed(1)}% of ${part.length} (${misses.length} misses)\n${misses.join('\n')}`);
    expect(accuracy).toBeGreaterThanOrEqual(0.95);
  });
});

describe('the first blind set (78% when written; tuned against once since, see docs/natural-language.md)', () => {
  it('stays at the 92% measured after the tuning round of 2026-12-06 (a regression guard)', async () => {
    const reader = createNaturalLanguage(model);
    const misses: string[] = [];
    const ada = catalog.mailboxes.find((mailbox) => mailbox.address === requesterAddress);
    for (const phrasing of blindSet) {
      const outcome = outcomeOf(await reader.understand(phrasing.text, catalog, ada));
      if (outcome !== phrasing.expected) misses.push(`${JSON.stringify(phrasing.text)}: expected ${JSON.stringify(phrasing.expected)}, got ${JSON.stringify(outcome)}`);
    }
    const accuracy = 1 - misses.length / blindSet.length;
    console.info(`natural-language accuracy on the blind set: ${(accuracy * 100).toFixed(1)}% of ${blindSet.length} (${misses.length} misses)\n${misses.join('\n')}`);
    expect(accuracy).toBeGreaterThanOrEqual(0.92);
  });
});

describe('the second blind set (written before the tuning round of 2026-12-06, never tuned against)', () => {
  it('stays at the 82.5% measured when it was written, unchanged by that round (a regression guard)', async () => {
    const reader = createNaturalLanguage(model);
    const misses: string[] = [];
    const ada = catalog.mailboxes.find((mailbox) => mailbox.address === requesterAddress);
    for (const phrasing of blindSet2) {
      const outcome = outcomeOf(await reader.understand(phrasing.text, catalog, ada));
      if (outcome !== phrasing.expected) misses.push(`${JSON.stringify(phrasing.text)}: expected ${JSON.stringify(phrasing.expected)}, got ${JSON.stringify(outcome)}`);
    }
    const accuracy = 1 - misses.length / blindSet2.length;
    console.info(`natural-language accuracy on the second blind set: ${(accuracy * 100).toFixed(1)}% of ${blindSet2.length} (${misses.length} misses)\n${misses.join('\n')}`);
    expect(accuracy).toBeGreaterThanOrEqual(SECOND_BLIND_SET_GUARD);
  });
});

describe('what the reader writes', () => {
  it('is an exact command of the registry for every labelled command line', () => {
    const labels = [...evaluationSet, ...blindSet, ...blindSet2].map((phrasing) => phrasing.expected).filter((expected) => !['missing', 'unknown', 'none'].includes(expected) && !expected.startsWith('ambiguous '));
    expect(labels.length).toBeGreaterThan(200);
    const notCommands = labels.filter((line) => parseCommand(line, { scope: 'personal' }).kind !== 'command');
    expect(notCommands).toEqual([]);
  });
});

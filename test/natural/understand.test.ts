import { beforeAll, describe, expect, it } from 'vitest';
import { buildEntityIndex, type EntityCatalog, type MailboxCandidate } from '../../src/bot/natural/entities.js';
import { trainIntentModel, type IntentModel } from '../../src/bot/natural/intent-model.js';
import { createNaturalLanguage, type NaturalLanguage } from '../../src/bot/natural/understand.js';

const mailbox = (id: string, address: string, label: string, ...names: string[]): MailboxCandidate => ({ id, address, label, names: [label, address.split('@')[0] ?? '', ...names] });
const samSmith = mailbox('m1', 'sam.smith@fabrikam.com', 'Sam Smith', 'sam');
const samJones = mailbox('m2', 'sam.jones@fabrikam.com', 'Sam Jones', 'sam');
const support = mailbox('m3', 'support@fabrikam.com', 'Support');
const alexandra = mailbox('m4', 'alexandra@fabrikam.com', 'Alexandra Winter', 'alexandra');
const catalog: EntityCatalog = {
  mailboxes: [samSmith, samJones, support, alexandra],
  profiles: [{ id: 'p1', name: 'Microsoft Exchange Online' }, { id: 'p2', name: 'Exchange Server 2019 Hybrid' }],
};

let model: IntentModel;
let reader: NaturalLanguage;
beforeAll(async () => {
  model = await trainIntentModel();
  reader = createNaturalLanguage(model);
});

describe('finding records in a sentence', () => {
  it('offers every candidate when a name fits several mailboxes', async () => {
    const reading = await reader.understand('approve sam', catalog);
    expect(reading).toMatchObject({ kind: 'ambiguous', intent: 'approve', mention: 'sam' });
    expect(reading.kind === 'ambiguous' ? reading.candidates.map((candidate) => candidate.address) : []).toEqual(['sam.smith@fabrikam.com', 'sam.jones@fabrikam.com']);
  });

  it('resolves a full name that is unique even when its first name is not', async () => {
    expect(await reader.understand('approve Sam Jones', catalog)).toMatchObject({ kind: 'command', commandLine: 'approve mailbox sam.jones@fabrikam.com' });
  });

  it('forgives a typo in a longer name but not in a short one', () => {
    const index = buildEntityIndex(catalog, model.vocabulary);
    expect(index.extract('test alexandar').mailboxes.map((mention) => mention.candidates.map((candidate) => candidate.id))).toEqual([['m4']]);
    expect(index.extract('test sma').mailboxes).toEqual([]);
  });

  it('takes a common word for a name only when nothing else in the sentence is one', () => {
    const index = buildEntityIndex(catalog, new Set(['support', ...model.vocabulary]));
    expect(index.extract('why does support fail').mailboxes.map((mention) => mention.candidates[0]?.id)).toEqual(['m3']);
    expect(index.extract('does alexandra support sync').mailboxes.map((mention) => mention.candidates[0]?.id)).toEqual(['m4']);
  });

  it('finds a profile by a distinctive part of its name', async () => {
    expect(await reader.understand('test the mailboxes of the 2019 hybrid profile', catalog)).toMatchObject({ kind: 'command', commandLine: 'test mailboxes for profile "Exchange Server 2019 Hybrid"' });
  });

  it('reads "my mailbox" as the requester\'s own, and says so when the requester has none', async () => {
    expect(await reader.understand('why is my mailbox failing', catalog, alexandra)).toMatchObject({ kind: 'command', commandLine: 'diagnose alexandra@fabrikam.com' });
    expect(await reader.understand('why is my mailbox failing', catalog)).toMatchObject({ kind: 'unknownMailbox', mention: 'my mailbox' });
  });

  it('names an address that is not in the organization instead of guessing another', async () => {
    expect(await reader.understand('approve nobody@fabrikam.com', catalog)).toEqual({ kind: 'unknownMailbox', intent: 'approve', mention: 'nobody@fabrikam.com' });
  });
});

describe('from intent to command', () => {
  it('marks readings that change something as writes, and lookups as not', async () => {
    const approve = await reader.understand('please approve alexandra', catalog);
    const show = await reader.understand('show me mailboxes that failed', catalog);
    expect(approve).toMatchObject({ kind: 'command', writes: true });
    expect(show).toMatchObject({ kind: 'command', commandLine: 'mailboxes failed', writes: false });
  });

  it('asks for the record when a write names none', async () => {
    expect(await reader.understand('test and enable the mailbox', catalog)).toMatchObject({ kind: 'missing', intent: 'testMailbox' });
  });

  it('answers an unrelated sentence with suggestions of real requests, never a mash-up of words', async () => {
    const reading = await reader.understand('book a table for dinner', catalog);
    expect(reading.kind).toBe('notUnderstood');
    if (reading.kind !== 'notUnderstood') return;
    for (const suggestion of reading.suggestions) expect(suggestion.example).not.toContain('dinner');
  });

  it('keeps the approve verb for pending: "approve all pending" approves, "show pending" lists', async () => {
    expect(await reader.understand('approve all pending addresses', catalog)).toMatchObject({ commandLine: 'approve mailbox pending', writes: true });
    expect(await reader.understand('show pending addresses', catalog)).toMatchObject({ commandLine: 'mailboxes pending', writes: false });
  });
});

// The confirmation rules as a pure function: which writes run directly and why the others ask first.
import { describe, expect, it } from 'vitest';
import { confirmationReasons, mayNeedConfirmation, refusalToTake, type WriteDescription } from '../../src/domain/confirmation.js';

const single: WriteDescription = { kind: 'single', overwrites: false };
const bulk: WriteDescription = { kind: 'bulk', overwrites: false };
const overwritingSingle: WriteDescription = { kind: 'single', overwrites: true };
const reading: WriteDescription = { kind: 'none', overwrites: false };

describe('the confirmation rules', () => {
  it('runs a typed write naming one record directly, and never asks about reading', () => {
    expect(mayNeedConfirmation(single, 'typed')).toBe(false);
    expect(confirmationReasons(single, 'typed', 0)).toEqual([]);
    expect(mayNeedConfirmation(reading, 'button')).toBe(false);
    expect(confirmationReasons(reading, 'button', 5)).toEqual([]);
  });

  it('asks about a write chosen on a card, even one naming one record', () => {
    expect(mayNeedConfirmation(single, 'button')).toBe(true);
    expect(confirmationReasons(single, 'button', 0)).toEqual(['chosenOnCard']);
  });

  it('asks about a write read from a natural-language request, even one naming one record', () => {
    expect(mayNeedConfirmation(single, 'guess')).toBe(true);
    expect(confirmationReasons(single, 'guess', 0)).toEqual(['guessed']);
  });

  it('asks about several records, all or pending, typed or not', () => {
    expect(confirmationReasons(bulk, 'typed', 0)).toEqual(['bulkSelection']);
    expect(confirmationReasons(bulk, 'button', 0)).toEqual(['chosenOnCard', 'bulkSelection']);
  });

  it('asks about overwriting values set before only when the preview finds some', () => {
    expect(mayNeedConfirmation(overwritingSingle, 'typed')).toBe(true);
    expect(confirmationReasons(overwritingSingle, 'typed', 0)).toEqual([]);
    expect(confirmationReasons(overwritingSingle, 'typed', 2)).toEqual(['overwritesSettings']);
    expect(confirmationReasons({ kind: 'bulk', overwrites: true }, 'typed', 3)).toEqual(['bulkSelection', 'overwritesSettings']);
  });
});

describe('who may take a pending choice', () => {
  const choice = { ownerAadObjectId: 'AAD-ADA', conversationId: 'a:personal-ada', expiresAt: 1_000 };

  it('lets its owner take it in its conversation before it expires, whatever the case of the Entra object id', () => {
    expect(refusalToTake(choice, { aadObjectId: 'aad-ada', conversationId: 'a:personal-ada', nowMs: 999 })).toBeNull();
  });

  it('refuses someone else, another conversation, and the moment it expires, in that order', () => {
    expect(refusalToTake(choice, { aadObjectId: 'aad-bob', conversationId: 'a:other', nowMs: 5_000 })).toBe('someoneElse');
    expect(refusalToTake(choice, { aadObjectId: 'aad-ada', conversationId: 'a:other', nowMs: 5_000 })).toBe('otherConversation');
    expect(refusalToTake(choice, { aadObjectId: 'aad-ada', conversationId: 'a:personal-ada', nowMs: 1_000 })).toBe('expired');
  });
});

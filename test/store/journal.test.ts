import { describe, expect, it } from 'vitest';
import { applyJournalOperations, diffDocuments, journalEntrySchema, JournalReplayError } from '../../src/store/journal.js';

/** Replays a diff the way the file adapter does: through JSON text and the entry schema. */
const replay = (previous: Record<string, unknown>, next: unknown): unknown => {
  const line = JSON.stringify({ changes: diffDocuments(previous, next) });
  const entry = journalEntrySchema.parse(JSON.parse(line));
  return applyJournalOperations(structuredClone(JSON.parse(JSON.stringify(previous)) as Record<string, unknown>), entry.changes);
};
const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe('the data-file journal diff', () => {
  const records = Array.from({ length: 10 }, (_, index) => ({ id: `r${index}`, value: index }));
  const base = { schemaVersion: 1, organization: { name: 'Contoso' }, records, notify: { outbox: records.slice(0, 3), references: [] } };

  it('records only the replaced records of an array, found by identity', () => {
    const next = { ...base, records: records.map((record, index) => (index === 4 ? { ...record, value: -4 } : record)) };
    expect(diffDocuments(base, next)).toEqual([{ path: ['records'], length: 10, set: [[4, { id: 'r4', value: -4 }]] }]);
    expect(replay(base, next)).toEqual(asJson(next));
  });

  it('replays appends, truncations, nested sections, replaced values and removed members', () => {
    const variants: unknown[] = [
      { ...base, records: [...records, { id: 'r10', value: 10 }] },
      { ...base, records: records.slice(0, 2) },
      { ...base, records: [] },
      { ...base, notify: { ...base.notify, outbox: [...base.notify.outbox, { id: 'o', value: 0 }] } },
      { ...base, organization: { name: 'Fabrikam', extra: [1, 2] } },
      { schemaVersion: 1, records },
      { ...base, added: { nested: true }, notify: { outbox: [] } },
      { ...base, organization: undefined },
    ];
    for (const next of variants) expect(replay(base, next)).toEqual(asJson(next));
  });

  it('finds nothing to write when the document is the same object graph', () => {
    expect(diffDocuments(base, { ...base })).toEqual([]);
  });

  it('writes a rebuilt array whole (new objects with equal content are still replaced)', () => {
    const next = { ...base, records: records.map((record) => ({ ...record })) };
    const [operation] = diffDocuments(base, next);
    expect(operation).toMatchObject({ path: ['records'], length: 10 });
    expect(operation !== undefined && 'set' in operation ? operation.set : []).toHaveLength(10);
  });

  it('refuses an operation that does not fit the document it follows', () => {
    expect(() => applyJournalOperations({ records: [] }, [{ path: ['missing', 'deeper'], value: 1 }])).toThrow(JournalReplayError);
    expect(() => applyJournalOperations({ records: {} }, [{ path: ['records'], length: 1, set: [] }])).toThrow(/records is not an array/);
    expect(() => applyJournalOperations({ records: [] }, [{ path: ['records'], length: 1, set: [[3, {}]] }])).toThrow(/past the array's length/);
  });

  it('never follows __proto__, constructor or prototype, with or without the entry schema, and never reaches Object.prototype', () => {
    const paths = [['__proto__', 'isAdmin'], ['__proto__'], ['constructor', 'prototype', 'isAdmin'], ['records', 'prototype'], ['toString', 'isAdmin']];
    for (const path of paths) {
      for (const operation of [{ path, value: true }, { path, remove: true as const }, { path, length: 1, set: [] }]) {
        expect(() => applyJournalOperations({ records: {} }, [operation]), JSON.stringify(operation)).toThrow(JournalReplayError);
      }
    }
    for (const path of paths.slice(0, 4)) {
      const parsed = journalEntrySchema.safeParse({ changes: [{ path, value: true }] });
      expect(parsed.success, JSON.stringify(path)).toBe(false);
      expect(parsed.error?.issues[0]?.message).toMatch(/names no data-file member/);
    }
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });
});

describe('the journal diff inside records that hold arrays', () => {
  it('records only the new results of a job, not the whole job, and replays it exactly', () => {
    const results = Array.from({ length: 1_000 }, (_, index) => ({ mailboxId: `m${index}`, verdict: 'enabled' }));
    const job = { id: 'J-1', status: 'running', mailboxes: results.map((result) => result.mailboxId), results };
    const before = { schemaVersion: 1, jobs: [{ id: 'J-0', status: 'done', results: [] }, job] };
    const after = { ...before, jobs: [before.jobs[0], { ...job, status: 'done', results: [...results, { mailboxId: 'm1000', verdict: 'disabled' }] }] };

    const line = JSON.stringify({ changes: diffDocuments(before, after) });
    expect(line.length).toBeLessThan(300);
    expect(replay(before, after)).toEqual(asJson(after));
  });

  it('still replaces a record whole when it holds no arrays, and handles a record that gained or lost its arrays', () => {
    const before = { schemaVersion: 1, jobs: [{ id: 'J-1', results: [1, 2] }, { id: 'J-2', name: 'a' }] };
    const after = { schemaVersion: 1, jobs: [{ id: 'J-1', name: 'no results now' }, { id: 'J-2', results: [3] }] };
    expect(replay(before, after)).toEqual(asJson(after));
    const scalarOnly = { schemaVersion: 1, jobs: [{ id: 'J-2', name: 'b' }] };
    expect(diffDocuments({ schemaVersion: 1, jobs: [{ id: 'J-2', name: 'a' }] }, scalarOnly)).toEqual([{ path: ['jobs'], length: 1, set: [[0, { id: 'J-2', name: 'b' }]] }]);
  });
});

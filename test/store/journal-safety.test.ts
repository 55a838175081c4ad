// Start-up never loses or invents committed data because of what it finds next to the data file: a
// journal line through a prototype, a damaged journal header, a journal of another snapshot, or a
// journal whose data file is gone. Each stops start-up, names the files, and changes neither.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openEmailConfigStore, type DocumentEmailConfigStore } from '../../src/store/email-config-store.js';
import { DataFileError, journalPathOf } from '../../src/store/json-file.js';
import type { DataFileDocument } from '../../src/store/schema.js';
import { documentWithMailboxes, mailboxRecord } from './documents.js';

let directory: string;
let dataPath: string;
let journalPath: string;
const opened: DocumentEmailConfigStore[] = [];

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'journal-safety-'));
  dataPath = join(directory, 'data.json');
  journalPath = journalPathOf(dataPath);
});
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
  await rm(directory, { recursive: true, force: true });
});

const open = async (seed: () => DataFileDocument = () => documentWithMailboxes(3)): Promise<DocumentEmailConfigStore> => {
  const store = await openEmailConfigStore(dataPath, seed);
  opened.push(store);
  return store;
};
const failIfSeeded = (): DataFileDocument => {
  throw new Error('the seed must not be used when a data file or its journal exists');
};
const approve = (index: number) => ({ mailboxes: [mailboxRecord(index, { emailRouterAccessApproval: 1 })] });
const journalLines = async (): Promise<string[]> => (await readFile(journalPath, 'utf8')).split('\n').slice(0, -1);

/** Opens the data file expecting start-up to stop; returns the error after checking that both files are untouched. */
async function expectStartUpStopped(): Promise<DataFileError> {
  const before = await Promise.all([readFile(dataPath, 'utf8').catch(() => null), readFile(journalPath, 'utf8').catch(() => null)]);
  const error: unknown = await openEmailConfigStore(dataPath, failIfSeeded).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(DataFileError);
  expect(await Promise.all([readFile(dataPath, 'utf8').catch(() => null), readFile(journalPath, 'utf8').catch(() => null)])).toEqual(before);
  // The lock taken for the attempt is given back.
  expect((await readdir(directory)).filter((name) => name.endsWith('.lock'))).toEqual([]);
  return error as DataFileError;
}

describe('a journal line whose path goes through a prototype', () => {
  for (const path of [['__proto__', 'isAdmin'], ['constructor', 'prototype', 'isAdmin'], ['mailboxes', 0, 'prototype']]) {
    it(`is corrupt (${path.join('.')}): start-up stops naming the journal and the line, and Object.prototype stays clean`, async () => {
      const store = await open();
      await store.commit(approve(1));
      await store.close();
      const [header, first] = await journalLines();
      await writeFile(journalPath, `${header}\n${first}\n${JSON.stringify({ changes: [{ path, value: true }] })}\n`);

      const error = await expectStartUpStopped();
      expect(error.message).toContain(`${journalPath} is corrupt:\n  - line 3: `);
      expect(error.message).toContain(`goes through ${JSON.stringify(String(path.find((step) => typeof step === 'string' && step !== 'mailboxes')))}`);
      expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
      expect(Object.prototype).not.toHaveProperty('isAdmin');
    });
  }
});

describe('a damaged journal header', () => {
  for (const [label, damage] of [
    ['not JSON', (header: string) => header.slice(0, 10)],
    ['JSON that is not a header', () => '{"journalOf":42}'],
    ['an empty first line', () => ''],
  ] as const) {
    it(`(${label}) stops start-up naming both files; the committed lines after it are never ignored`, async () => {
      const store = await open();
      for (let index = 1; index <= 3; index++) await store.commit(approve(index));
      await store.close();
      const [header = '', ...entries] = await journalLines();
      await writeFile(journalPath, `${[damage(header), ...entries].join('\n')}\n`);

      const error = await expectStartUpStopped();
      expect(error.message).toContain(`${journalPath} is corrupt:\n  - line 1: not a journal header`);
      expect(error.message).toContain(dataPath);
    });
  }

  it('keeps the torn-tail rule: a last line without its newline is a write that never finished, and is ignored', async () => {
    const store = await open();
    await store.commit(approve(1));
    const committed = store.document();
    await store.close();
    await writeFile(journalPath, `${(await journalLines()).join('\n')}\n{"changes":[{"path":["mailb`);
    const reopened = await open(failIfSeeded);
    expect(reopened.document()).toEqual(committed);
  });
});

describe('a journal of another snapshot', () => {
  it('stops start-up naming both files when it holds committed lines the data file was not compacted from', async () => {
    const store = await open();
    await store.commit(approve(1));
    await store.close();
    const foreignJournal = await readFile(journalPath, 'utf8');
    // Another data file (a backup put back, say) next to this journal.
    await rm(dataPath);
    await rm(journalPath);
    const other = await open();
    await other.close();
    await writeFile(journalPath, foreignJournal);

    const error = await expectStartUpStopped();
    expect(error.message).toContain(`${journalPath} belongs to another data file:\n  - line 1: it continues snapshot`);
    expect(error.message).toContain(`but ${dataPath} is snapshot`);
    expect(error.message).toContain('1 committed change(s)');
  });

  it('is ignored when it has no committed line (nothing in it can be lost)', async () => {
    const store = await open();
    await store.close();
    const emptyForeignJournal = await readFile(journalPath, 'utf8');
    await rm(dataPath);
    await rm(journalPath);
    const other = await open();
    await other.commit(approve(2));
    await other.compact();
    const compacted = other.document();
    await other.close();
    await writeFile(journalPath, emptyForeignJournal);
    expect((await open(failIfSeeded)).document()).toEqual(compacted);
  });

  it('is ignored after a crash between a new snapshot and its fresh journal, because the snapshot names the journal it holds', async () => {
    let crashBeforeFreshJournal = false;
    const store = await openEmailConfigStore(dataPath, () => documentWithMailboxes(3), {
      operations: {
        rename: async (from, to) => {
          if (crashBeforeFreshJournal && to === journalPath) throw new Error('power cut');
          const { rename } = await import('node:fs/promises');
          await rename(from, to);
        },
      },
    });
    opened.push(store);
    await store.commit(approve(1));
    await store.commit(approve(2));
    crashBeforeFreshJournal = true;
    // The new snapshot reaches the disk; the fresh journal does not, so the old one (two entries) stays.
    await store.compact();
    expect(await journalLines()).toHaveLength(3);
    const compacted = store.document();
    await store.close();

    const reopened = await open(failIfSeeded);
    expect(reopened.document()).toEqual(compacted);
    // The next write is a snapshot again, which still names the journal left on disk.
    await reopened.commit(approve(3));
    await reopened.close();
    expect((await open(failIfSeeded)).mailboxes().map((mailbox) => mailbox.emailRouterAccessApproval)).toEqual([1, 1, 1]);
  });
});

describe('a journal whose data file is missing', () => {
  it('stops start-up naming both files, and never re-seeds from the organization file over the journal', async () => {
    const store = await open();
    for (let index = 1; index <= 2; index++) await store.commit(approve(index));
    await store.close();
    await rm(dataPath);

    const error = await expectStartUpStopped();
    expect(error.message).toContain(`${dataPath} is missing:\n  - its journal ${journalPath} exists`);
    expect(await readdir(directory)).toEqual(['data.json.journal']);
  });
});

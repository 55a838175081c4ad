import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openEmailConfigStore } from '../../src/store/email-config-store.js';
import { z } from 'zod';
import { DataFileError, journalPathOf, nodeFileWriteOperations } from '../../src/store/json-file.js';
import type { DataFileDocument } from '../../src/store/schema.js';
import { documentWithMailboxes, mailboxRecord } from './documents.js';

let directory: string;
let dataPath: string;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'store-test-'));
  dataPath = join(directory, 'data.json');
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

const seedWith = (document: DataFileDocument) => () => document;
/** The journal's complete lines (header first). */
const journalLines = async (): Promise<string[]> => (await readFile(journalPathOf(dataPath), 'utf8')).split('\n').slice(0, -1);
const failIfSeeded = (): DataFileDocument => {
  throw new Error('the seed must not be used when the file exists');
};

describe('the file-backed email configuration store', () => {
  it('creates a missing file from the seed, and reopening it gives back what was committed', async () => {
    const store = await openEmailConfigStore(dataPath, seedWith(documentWithMailboxes(3)));
    expect(store.writesPerformed).toBe(1);
    await store.commit({ mailboxes: [mailboxRecord(2, { emailRouterAccessApproval: 1 })] });

    const reopened = await openEmailConfigStore(dataPath, failIfSeeded);
    expect(reopened.document()).toEqual(store.document());
    expect(reopened.mailboxById('mbx-0002')).toMatchObject({ emailRouterAccessApproval: 1, version: 2 });
  });

  it('creates the directory of a missing data file before writing the seed', async () => {
    const nestedPath = join(directory, 'data', 'contoso', 'store.json');
    const store = await openEmailConfigStore(nestedPath, seedWith(documentWithMailboxes(1)));
    const { snapshotId, ...onDisk } = z.object({ snapshotId: z.string() }).loose().parse(JSON.parse(await readFile(nestedPath, 'utf8')));
    expect(snapshotId).toMatch(/^[0-9a-f-]{36}$/);
    expect(onDisk).toEqual(store.document());
    // The lock says which process has the file open (see data-file-lock.ts).
    expect(await readdir(join(directory, 'data', 'contoso'))).toEqual(['store.json', 'store.json.journal', 'store.json.lock']);
  });

  it('rejects a seed document that breaks the schema without creating the file', async () => {
    const badSeed = { ...documentWithMailboxes(1), mailboxes: [mailboxRecord(1), mailboxRecord(1)] };
    await expect(openEmailConfigStore(dataPath, seedWith(badSeed))).rejects.toThrow(
      'cannot be created: the seed document is invalid:\n  - mailboxes[1].id: duplicate id "mbx-0001" (already used by mailboxes[0])',
    );
    expect(await readdir(directory)).toEqual([]);
  });

  it('rejects a file that is not JSON, names the file, and leaves its bytes untouched', async () => {
    const corrupt = '{"schemaVersion": 1, "organization": {';
    await writeFile(dataPath, corrupt);
    const error = await openEmailConfigStore(dataPath, failIfSeeded).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(DataFileError);
    expect(error).toMatchObject({ filePath: dataPath, problems: [expect.stringMatching(/^\(root\): not JSON \(.+\)$/)] });
    expect(String(error)).toContain(`${dataPath} is corrupt:`);
    expect(await readFile(dataPath, 'utf8')).toBe(corrupt);
  });

  it('rejects a file that breaks the schema, listing each problem with its JSON path, and leaves it untouched', async () => {
    const document = documentWithMailboxes(2);
    const invalid = JSON.stringify({
      ...document,
      mailboxes: [{ ...mailboxRecord(1), emailRouterAccessApproval: 9 }, { ...mailboxRecord(2), emailAddress: 'not-an-address' }],
    });
    await writeFile(dataPath, invalid);
    const error = await openEmailConfigStore(dataPath, failIfSeeded).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(DataFileError);
    expect(error).toMatchObject({
      filePath: dataPath,
      problems: [
        'mailboxes[0].emailRouterAccessApproval: Invalid option: expected 0 (Empty) | 1 (Approved) | 2 (Pending Approval) | 3 (Rejected)',
        'mailboxes[1].emailAddress: must be an email address like ada@contoso.com',
      ],
    });
    expect(await readFile(dataPath, 'utf8')).toBe(invalid);
  });

  it('rejects a file of an unknown schema version with a message naming both versions', async () => {
    const future = JSON.stringify({ ...documentWithMailboxes(1), schemaVersion: 2, jobs: [] });
    await writeFile(dataPath, future);
    await expect(openEmailConfigStore(dataPath, failIfSeeded)).rejects.toThrow(
      'schemaVersion: unknown data-file schemaVersion 2; this build reads only schemaVersion 1',
    );
    expect(await readFile(dataPath, 'utf8')).toBe(future);
  });

  it('writes the file exactly once for a commit that changes 500 mailboxes', async () => {
    const store = await openEmailConfigStore(dataPath, seedWith(documentWithMailboxes(500)));
    const writesBefore = store.writesPerformed;
    const approved = store.mailboxes().map((mailbox) => ({ ...mailbox, emailRouterAccessApproval: 1 as const }));
    const outcome = await store.commit({ mailboxes: approved, expectedMailboxVersions: Object.fromEntries(approved.map((mailbox) => [mailbox.id, 1])) });
    expect(outcome).toEqual({ ok: true });
    expect(store.writesPerformed - writesBefore).toBe(1);
    // One journal line after the header, holding the 500 replaced mailboxes (and the audit entry).
    expect(await journalLines()).toHaveLength(2);
    const reopened = await openEmailConfigStore(dataPath, failIfSeeded);
    expect(reopened.document()).toEqual(store.document());
    expect(reopened.mailboxes()).toMatchObject(Array.from({ length: 500 }, () => ({ emailRouterAccessApproval: 1, version: 2 })));
  });

  it('writes nothing when the compare-and-set finds a stale mailbox version', async () => {
    const store = await openEmailConfigStore(dataPath, seedWith(documentWithMailboxes(2)));
    const bytesBefore = await readFile(dataPath, 'utf8');
    const outcome = await store.commit({ mailboxes: [mailboxRecord(1, { emailRouterAccessApproval: 3 })], expectedMailboxVersions: { 'mbx-0001': 4 } });
    expect(outcome).toEqual({ ok: false, conflict: ['mbx-0001'] });
    expect(store.writesPerformed).toBe(1);
    expect(await readFile(dataPath, 'utf8')).toBe(bytesBefore);
  });

  it('serializes concurrent commits so that no update is lost and the second compare-and-set sees the first', async () => {
    const store = await openEmailConfigStore(dataPath, seedWith(documentWithMailboxes(3)));
    const approve = (index: number) => store.commit({ mailboxes: [mailboxRecord(index, { emailRouterAccessApproval: 1 })] });
    const racing = (approval: 1 | 3) =>
      store.commit({ mailboxes: [mailboxRecord(3, { emailRouterAccessApproval: approval })], expectedMailboxVersions: { 'mbx-0003': 1 } });
    const outcomes = await Promise.all([approve(1), approve(2), racing(1), racing(3)]);
    expect(outcomes).toEqual([{ ok: true }, { ok: true }, { ok: true }, { ok: false, conflict: ['mbx-0003'] }]);
    expect(store.writesPerformed).toBe(4);

    const reopened = await openEmailConfigStore(dataPath, failIfSeeded);
    expect(reopened.mailboxes().map((mailbox) => [mailbox.emailRouterAccessApproval, mailbox.version])).toEqual([
      [1, 2],
      [1, 2],
      [1, 2],
    ]);
  });

  it('keeps the previous file and the previous in-memory state when the rename of a snapshot fails', async () => {
    let failRename = false;
    let failAppend = false;
    const store = await openEmailConfigStore(dataPath, seedWith(documentWithMailboxes(2)), {
      operations: {
        rename: async (from, to) => {
          if (failRename) throw Object.assign(new Error('simulated crash before rename'), { code: 'EIO' });
          const { rename } = await import('node:fs/promises');
          await rename(from, to);
        },
        append: async (path, text) => {
          if (failAppend) throw Object.assign(new Error('simulated disk error'), { code: 'EIO' });
          await nodeFileWriteOperations.append(path, text);
        },
      },
    });
    // A failed append makes the next write a whole snapshot, which is what this test breaks.
    failAppend = true;
    await expect(store.commit({ mailboxes: [mailboxRecord(1, { emailRouterAccessApproval: 3 })] })).rejects.toThrow('simulated disk error');
    failAppend = false;
    const bytesBefore = await readFile(dataPath, 'utf8');
    failRename = true;
    await expect(store.commit({ mailboxes: [mailboxRecord(1, { emailRouterAccessApproval: 1 })] })).rejects.toThrow('simulated crash before rename');

    expect(await readFile(dataPath, 'utf8')).toBe(bytesBefore);
    expect(await readdir(directory)).toEqual(['data.json', 'data.json.journal', 'data.json.lock']);
    expect(store.mailboxById('mbx-0001')).toMatchObject({ emailRouterAccessApproval: 0, version: 1 });
    expect(store.writesPerformed).toBe(1);

    failRename = false;
    await expect(store.commit({ mailboxes: [mailboxRecord(2, { emailRouterAccessApproval: 1 })] })).resolves.toEqual({ ok: true });
    // The seed, then the snapshot that replaced the journal after the failed append.
    expect(store.snapshotsWritten).toBe(2);
    const reopened = await openEmailConfigStore(dataPath, failIfSeeded);
    expect(reopened.mailboxes().map((mailbox) => mailbox.emailRouterAccessApproval)).toEqual([0, 1]);
  });

  it('keeps the previous file intact when the process dies halfway through writing the temp file', async () => {
    const store = await openEmailConfigStore(dataPath, seedWith(documentWithMailboxes(2)), {
      operations: {
        writeDurably: async (path, text) => {
          await writeFile(path, text.slice(0, text.length / 2));
          throw new Error('simulated crash mid-write');
        },
      },
    }).catch(() => undefined);
    // Seeding itself goes through the failing write, so the file was never created.
    expect(store).toBeUndefined();
    expect(await readdir(directory)).toEqual([]);

    const healthy = await openEmailConfigStore(dataPath, seedWith(documentWithMailboxes(2)));
    const bytesBefore = await readFile(dataPath, 'utf8');
    const crashing = await openEmailConfigStore(dataPath, failIfSeeded, {
      operations: {
        writeDurably: async (path, text) => {
          await writeFile(path, text.slice(0, text.length / 2));
          throw new Error('simulated crash mid-write');
        },
      },
    });
    await expect(crashing.commit({ mailboxes: [mailboxRecord(1, { active: false })] })).resolves.toEqual({ ok: true });
    // That commit only appended to the journal; a compaction is what rewrites the file, and it crashes.
    await expect(crashing.compact()).rejects.toThrow('simulated crash mid-write');
    expect(await readFile(dataPath, 'utf8')).toBe(bytesBefore);
    expect(await readdir(directory)).toEqual(['data.json', 'data.json.journal', 'data.json.lock']);
    expect(healthy.mailboxById('mbx-0001')?.active).toBe(true);
    // The committed change is still in the journal, after the snapshot it continues.
    expect(crashing.mailboxById('mbx-0001')?.active).toBe(false);
    const reopened = await openEmailConfigStore(dataPath, failIfSeeded);
    expect(reopened.mailboxById('mbx-0001')?.active).toBe(false);
  });
});

describe('the data file journal', () => {
  const approve = (index: number, approval: 0 | 1 | 3 = 1) => ({ mailboxes: [mailboxRecord(index, { emailRouterAccessApproval: approval })] });

  it('appends one line per commit instead of rewriting the file, and a reopened store replays them', async () => {
    const store = await openEmailConfigStore(dataPath, seedWith(documentWithMailboxes(50)));
    const snapshotBytes = await readFile(dataPath, 'utf8');
    for (let index = 1; index <= 20; index++) await store.commit(approve(index));
    expect(await readFile(dataPath, 'utf8')).toBe(snapshotBytes);
    expect(store.snapshotsWritten).toBe(1);
    const lines = await journalLines();
    expect(lines).toHaveLength(21);
    // A line carries the replaced record and the audit entry, not the other 49 mailboxes.
    expect(Buffer.byteLength(lines[1] ?? '')).toBeLessThan(snapshotBytes.length / 20);
    const reopened = await openEmailConfigStore(dataPath, failIfSeeded);
    expect(reopened.document()).toEqual(store.document());
  });

  it('ignores a last line cut short by a crash (that write never reported success) and starts a new snapshot on the next write', async () => {
    const store = await openEmailConfigStore(dataPath, seedWith(documentWithMailboxes(3)));
    await store.commit(approve(1));
    const afterFirst = store.document();
    await writeFile(journalPathOf(dataPath), `${(await journalLines()).join('\n')}\n{"changes":[{"path":["mailb`);

    const reopened = await openEmailConfigStore(dataPath, failIfSeeded);
    expect(reopened.document()).toEqual(afterFirst);
    await reopened.commit(approve(2));
    expect(reopened.snapshotsWritten).toBe(1);
    expect(await journalLines()).toHaveLength(1);
    const again = await openEmailConfigStore(dataPath, failIfSeeded);
    expect(again.mailboxes().map((mailbox) => mailbox.emailRouterAccessApproval)).toEqual([1, 1, 0]);
  });

  it('refuses to start on a damaged line in the middle of the journal, naming the file and the line, and changes nothing', async () => {
    const store = await openEmailConfigStore(dataPath, seedWith(documentWithMailboxes(3)));
    await store.commit(approve(1));
    await store.commit(approve(2));
    const lines = await journalLines();
    const damaged = [lines[0], '{"changes":[{"path":["mailboxes",7],"value":1}]}', lines[2]].join('\n') + '\n';
    await writeFile(journalPathOf(dataPath), damaged);
    const bytesBefore = await readFile(dataPath, 'utf8');

    const opening = openEmailConfigStore(dataPath, failIfSeeded);
    await expect(opening).rejects.toBeInstanceOf(DataFileError);
    await expect(opening).rejects.toThrow(/data\.json\.journal is corrupt:\n {2}- line 2: /);
    expect(await readFile(journalPathOf(dataPath), 'utf8')).toBe(damaged);
    expect(await readFile(dataPath, 'utf8')).toBe(bytesBefore);
  });

  it('checks the replayed document against the schema, so a journal cannot smuggle in an invalid record', async () => {
    const store = await openEmailConfigStore(dataPath, seedWith(documentWithMailboxes(2)));
    await store.commit(approve(1));
    const [header] = await journalLines();
    await writeFile(journalPathOf(dataPath), `${header}\n{"changes":[{"path":["mailboxes"],"length":2,"set":[[1,{"id":"mbx-0002"}]]}]}\n`);
    await expect(openEmailConfigStore(dataPath, failIfSeeded)).rejects.toThrow(/mailboxes\[1\]/);
  });

  it('ignores a journal left from an older snapshot (a crash between writing a snapshot and its fresh journal)', async () => {
    const store = await openEmailConfigStore(dataPath, seedWith(documentWithMailboxes(2)));
    await store.commit(approve(1));
    const staleJournal = await readFile(journalPathOf(dataPath), 'utf8');
    await store.commit(approve(2));
    await store.compact();
    const compacted = store.document();
    // The old journal, naming the snapshot before the compaction, comes back as if the crash hit in between.
    await writeFile(journalPathOf(dataPath), staleJournal);
    const reopened = await openEmailConfigStore(dataPath, failIfSeeded);
    expect(reopened.document()).toEqual(compacted);
  });

  it('compacts the journal into a new snapshot once it has grown past twice the snapshot (or 1 MB for small files)', async () => {
    const store = await openEmailConfigStore(dataPath, seedWith(documentWithMailboxes(2)));
    // 1 MB is the smallest journal that is compacted; each of these commits appends a few KB.
    let commits = 0;
    while (store.snapshotsWritten === 1 && commits < 5_000) {
      commits += 1;
      await store.commit(approve(1 + (commits % 2), commits % 3 === 0 ? 3 : 1));
    }
    expect(store.snapshotsWritten).toBe(2);
    expect(commits).toBeGreaterThan(100);
    expect(await journalLines()).toHaveLength(1);
    const reopened = await openEmailConfigStore(dataPath, failIfSeeded);
    expect(reopened.document()).toEqual(store.document());
  });

  it('leaves the whole document in data.json after compact(), with an empty journal', async () => {
    const store = await openEmailConfigStore(dataPath, seedWith(documentWithMailboxes(2)));
    await store.commit(approve(2));
    await store.compact();
    const { snapshotId: _snapshotId, compactedFrom, ...onDisk } = z.object({ snapshotId: z.string(), compactedFrom: z.string() }).loose().parse(JSON.parse(await readFile(dataPath, 'utf8')));
    // The snapshot names the journal it replaced, so a crash before the fresh journal cannot lose or repeat it.
    expect(compactedFrom).toMatch(/^[0-9a-f-]{36}$/);
    expect(onDisk).toEqual(JSON.parse(JSON.stringify(store.document())));
    expect(await journalLines()).toHaveLength(1);
  });
});

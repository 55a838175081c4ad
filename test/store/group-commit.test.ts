import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openEmailConfigStore } from '../../src/store/email-config-store.js';
import { inMemoryDocumentDatabase, journalPathOf, nodeFileWriteOperations } from '../../src/store/json-file.js';
import type { FileWriteOperations } from '../../src/store/json-file.js';
import { documentWithMailboxes, mailboxRecord } from './documents.js';

let directory: string;
let dataPath: string;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'group-commit-test-'));
  dataPath = join(directory, 'data.json');
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

/** File operations whose next write waits until `release()`, so a test can queue transactions behind it. */
function gatedWrites(): { operations: Partial<FileWriteOperations>; holdNextWrite(): void; release(): void; writeStarted(): Promise<void> } {
  let hold = false;
  let releaseWrite: (() => void) | undefined;
  let announceStart: (() => void) | undefined;
  let started = new Promise<void>((resolve) => (announceStart = resolve));
  const gate = async (): Promise<void> => {
    if (!hold) return;
    hold = false;
    announceStart?.();
    await new Promise<void>((resolve) => (releaseWrite = resolve));
  };
  return {
    operations: {
      writeDurably: async (path, data) => {
        await gate();
        await writeFile(path, data);
      },
      append: async (path, text) => {
        await gate();
        await nodeFileWriteOperations.append(path, text);
      },
    },
    holdNextWrite: () => {
      hold = true;
      started = new Promise<void>((resolve) => (announceStart = resolve));
    },
    release: () => releaseWrite?.(),
    writeStarted: () => started,
  };
}

describe('group commit in the document database', () => {
  it('writes the transactions that queued up during a write together, once, and answers each caller with its own result', async () => {
    const gate = gatedWrites();
    const store = await openEmailConfigStore(dataPath, () => documentWithMailboxes(5), { groupCommit: true, operations: gate.operations });
    gate.holdNextWrite();
    const first = store.commit({ mailboxes: [mailboxRecord(1, { emailRouterAccessApproval: 1 })] });
    await gate.writeStarted();
    const queued = [2, 3, 4, 5].map((index) => store.commit({ mailboxes: [mailboxRecord(index, { emailRouterAccessApproval: 1 })] }));
    gate.release();

    expect(await Promise.all([first, ...queued])).toEqual([{ ok: true }, { ok: true }, { ok: true }, { ok: true }, { ok: true }]);
    // The seed, the first commit alone, then the four that waited behind it in one write.
    expect(store.writesPerformed).toBe(3);
    expect(store.transactionsWritten).toBe(5);
    const reopened = await openEmailConfigStore(dataPath, () => Promise.reject(new Error('must not seed')));
    expect(reopened.mailboxes().map((mailbox) => [mailbox.emailRouterAccessApproval, mailbox.version])).toEqual(Array.from({ length: 5 }, () => [1, 2]));
  });

  it('lets a commit in a batch see the earlier commits of the same batch, so compare-and-set still refuses the second of two racing decisions', async () => {
    const gate = gatedWrites();
    const store = await openEmailConfigStore(dataPath, () => documentWithMailboxes(3), { groupCommit: true, operations: gate.operations });
    gate.holdNextWrite();
    const unrelated = store.commit({ mailboxes: [mailboxRecord(1, { active: false })] });
    await gate.writeStarted();
    const decide = (approval: 1 | 3) =>
      store.commit({ mailboxes: [mailboxRecord(3, { emailRouterAccessApproval: approval })], expectedMailboxVersions: { 'mbx-0003': 1 } });
    const [approve, reject] = [decide(1), decide(3)];
    gate.release();

    expect(await Promise.all([unrelated, approve, reject])).toEqual([{ ok: true }, { ok: true }, { ok: false, conflict: ['mbx-0003'] }]);
    expect(store.mailboxById('mbx-0003')).toMatchObject({ emailRouterAccessApproval: 1, version: 2 });
    expect(store.writesPerformed).toBe(3);
  });

  it('refuses a second mailbox taking an address that an earlier commit of the same batch gave away, and allows swapping addresses in one change set', async () => {
    const gate = gatedWrites();
    const store = await openEmailConfigStore(dataPath, () => documentWithMailboxes(3), { groupCommit: true, operations: gate.operations });
    gate.holdNextWrite();
    const blocker = store.commit({ mailboxes: [mailboxRecord(3, { active: false })] });
    await gate.writeStarted();
    const renamed = store.commit({ mailboxes: [mailboxRecord(1, { emailAddress: 'shared@contoso.com' })] });
    const clash = store.commit({ mailboxes: [mailboxRecord(2, { emailAddress: 'SHARED@contoso.com' })] });
    const swap = store.commit({
      mailboxes: [mailboxRecord(1, { emailAddress: 'person0002@contoso.com' }), mailboxRecord(2, { emailAddress: 'shared@contoso.com' })],
    });
    gate.release();
    const [blocked, taken, clashed, swapped] = await Promise.allSettled([blocker, renamed, clash, swap]);

    expect(blocked).toEqual({ status: 'fulfilled', value: { ok: true } });
    expect(taken).toEqual({ status: 'fulfilled', value: { ok: true } });
    expect(clashed.status).toBe('rejected');
    expect(clashed.status === 'rejected' ? String(clashed.reason) : '').toMatch(/mailboxes\[1\]\.emailAddress: duplicate emailAddress "shared@contoso.com"/);
    expect(swapped).toEqual({ status: 'fulfilled', value: { ok: true } });
    expect(store.mailboxByEmail('shared@contoso.com')?.id).toBe('mbx-0002');
    expect(store.mailboxByEmail('person0002@contoso.com')?.id).toBe('mbx-0001');
    expect(store.mailboxByEmail('person0001@contoso.com')).toBeUndefined();
  });

  it('fails every transaction of a batch whose write fails, keeps the committed state, and still runs later transactions', async () => {
    let failWrites = false;
    let holdFirst: (() => void) | undefined;
    let firstWriteStarted: (() => void) | undefined;
    const started = new Promise<void>((resolve) => (firstWriteStarted = resolve));
    // Commits append to the journal; a failed append makes the next write a whole new snapshot.
    const failOrHold = async (): Promise<void> => {
      if (holdFirst === undefined && failWrites) {
        firstWriteStarted?.();
        await new Promise<void>((resolve) => (holdFirst = resolve));
      } else if (failWrites) {
        throw new Error('simulated disk full');
      }
    };
    const store = await openEmailConfigStore(dataPath, () => documentWithMailboxes(4), {
      groupCommit: true,
      operations: {
        writeDurably: async (path, data) => {
          await failOrHold();
          await writeFile(path, data);
        },
        append: async (path, text) => {
          await failOrHold();
          await nodeFileWriteOperations.append(path, text);
        },
      },
    });
    const journalBefore = await readFile(journalPathOf(dataPath), 'utf8');
    failWrites = true;
    const first = store.commit({ mailboxes: [mailboxRecord(1, { emailRouterAccessApproval: 1 })] });
    await started;
    const batch = [2, 3].map((index) => store.commit({ mailboxes: [mailboxRecord(index, { emailRouterAccessApproval: 1 })] }));
    holdFirst?.();
    const outcomes = await Promise.allSettled([first, ...batch]);

    expect(outcomes.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value : String(outcome.reason)))).toEqual([
      { ok: true },
      'Error: simulated disk full',
      'Error: simulated disk full',
    ]);
    expect(store.mailboxById('mbx-0002')).toMatchObject({ emailRouterAccessApproval: 0, version: 1 });
    // The first commit's line reached the journal; the failed batch's did not.
    expect((await readFile(journalPathOf(dataPath), 'utf8')).split('\n').length).toBe(journalBefore.split('\n').length + 1);

    failWrites = false;
    await expect(store.commit({ mailboxes: [mailboxRecord(2, { emailRouterAccessApproval: 3 })], expectedMailboxVersions: { 'mbx-0002': 1 } })).resolves.toEqual({ ok: true });
    const reopened = await openEmailConfigStore(dataPath, () => Promise.reject(new Error('must not seed')));
    expect(reopened.mailboxes().map((mailbox) => mailbox.emailRouterAccessApproval)).toEqual([1, 3, 0, 0]);
  });

  it('drops only the transaction whose work throws; the others of its batch are written', async () => {
    const database = inMemoryDocumentDatabase({ counter: 0 }, { groupCommit: true });
    const increments = [1, 2, 3].map((step) =>
      database.transact((current) => {
        if (step === 2) throw new Error('refused');
        return { next: { counter: current.counter + step }, result: step };
      }),
    );
    const outcomes = await Promise.allSettled(increments);
    expect(outcomes.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value : String(outcome.reason)))).toEqual([1, 'Error: refused', 3]);
    expect(database.current).toEqual({ counter: 4 });
    expect(database.writesPerformed).toBe(1);
    expect(database.transactionsWritten).toBe(2);
  });

  it('keeps one write per transaction when group commit is off', async () => {
    const database = inMemoryDocumentDatabase({ counter: 0 });
    await Promise.all([1, 2, 3].map((step) => database.update((current) => ({ counter: current.counter + step }))));
    expect(database.current).toEqual({ counter: 6 });
    expect(database.writesPerformed).toBe(3);
    expect(database.groupCommit).toBe(false);
  });
});

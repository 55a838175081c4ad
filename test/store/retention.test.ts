// What the store keeps after a commit: the current records and their indexes, never the records a commit replaced.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { Mailbox } from '../../src/domain/model.js';
import { createInMemoryEmailConfigStore } from '../../src/store/email-config-store.js';
import { documentWithMailboxes } from './documents.js';

// A full collection on demand, without starting the test runner with --expose-gc.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** Whether the object behind `reference` survives full collections once nothing of this turn holds it. */
async function survivesCollection(reference: WeakRef<object>): Promise<boolean> {
  // A WeakRef keeps its target until the current job ends.
  await new Promise((resolve) => setImmediate(resolve));
  collectGarbage();
  collectGarbage();
  return reference.deref() !== undefined;
}

/** A changed copy, made outside the test so that no local variable of the test holds the record it replaces. */
function approvedCopyOf(mailbox: Mailbox | undefined): Mailbox {
  if (mailbox === undefined) throw new Error('the document has no such mailbox');
  return { ...mailbox, emailRouterAccessApproval: 2 };
}

describe('the store after commits', () => {
  it('lets go of a mailbox record a commit replaced', async () => {
    const store = createInMemoryEmailConfigStore(documentWithMailboxes(20));
    // Reads build the lazily made indexes (name order, query results) too.
    expect(store.queryMailboxes({}, 0, 5).total).toBe(20);
    const replaced = ((): WeakRef<object> => {
      const stored = store.mailboxById('mbx-0007');
      if (stored === undefined) throw new Error('the document has no mbx-0007');
      return new WeakRef(stored);
    })();
    const unchanged = new WeakRef(store.mailboxById('mbx-0008') ?? {});

    await store.commit({ mailboxes: [approvedCopyOf(store.mailboxById('mbx-0007'))] });
    await store.commit({ alerts: [{ id: 'alert-1', level: 1, code: 'Info', text: 'x', regarding: { type: 'mailbox', id: 'mbx-0007' }, createdOn: '2025-01-01T00:00:00Z' }] });
    expect(store.queryMailboxes({ approval: 2 }, 0, 5).items.map((mailbox) => mailbox.id)).toEqual(['mbx-0007']);

    expect(await survivesCollection(unchanged)).toBe(true);
    expect(await survivesCollection(replaced)).toBe(false);
  });
});

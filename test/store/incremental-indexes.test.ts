import { describe, expect, it } from 'vitest';
import type { Alert, AuditEntry, Mailbox } from '../../src/domain/model.js';
import { createInMemoryEmailConfigStore, InvalidChangeSetError, type DocumentEmailConfigStore } from '../../src/store/email-config-store.js';
import { documentWithMailboxes, mailboxRecord } from './documents.js';

/** mulberry32: the same sequence of random changes on every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const QUERIES = [
  {},
  { activeOnly: true },
  { approval: 2 as const, activeOnly: true },
  { approval: 1 as const },
  { status: 2 as const },
  { disabled: true },
  { profileId: 'profile-exo', activeOnly: true },
];

/** Everything a reader can ask the store, for comparing a store kept up to date in place with a fresh one. */
function everythingReadable(store: DocumentEmailConfigStore, mailboxIds: readonly string[]): unknown {
  const mailboxes = store.mailboxes();
  return {
    byId: mailboxIds.map((id) => store.mailboxById(id) ?? null),
    byEmail: mailboxes.map((mailbox) => store.mailboxByEmail(mailbox.emailAddress.toUpperCase())?.id ?? null),
    byName: mailboxes.map((mailbox) => store.mailboxesByName(mailbox.name).map((named) => named.id)),
    byRegarding: mailboxes.map((mailbox) => store.mailboxByRegarding(mailbox.regarding.type, mailbox.regarding.id)?.id ?? null),
    pages: QUERIES.map((query) => {
      const page = store.queryMailboxes(query, 3, 7);
      return { total: page.total, ids: page.items.map((mailbox) => mailbox.id) };
    }),
    walls: mailboxIds.slice(0, 6).map((id) => store.alertsFor({ type: 'mailbox', id }, 5).map((alert) => alert.id)),
    audit: store.recentAudit(8).map((entry) => entry.id),
  };
}

describe('indexes kept up to date in place', () => {
  it('answer every lookup, page and wall exactly as a store opened afresh on the same document, after many kinds of commits', async () => {
    const random = seededRandom(42);
    const store = createInMemoryEmailConfigStore(documentWithMailboxes(60), { groupCommit: true });
    // Read once so that the sorted order and the query results exist and must be kept up to date.
    everythingReadable(store, []);
    let nextMailbox = 61;
    let nextRecord = 1;
    const names = ['Ada', 'Bea', 'Cy', 'Person 0007', 'person 0007'];

    const randomChange = (): Promise<unknown> => {
      const mailboxes = store.mailboxes();
      const pick = (): Mailbox => mailboxes[Math.floor(random() * mailboxes.length)] ?? mailboxRecord(1);
      const roll = random();
      const stamp = new Date(Date.UTC(2025, 0, 1, 0, Math.floor(random() * 600))).toISOString();
      const alert: Alert = { id: `alert-${nextRecord}`, level: 1, code: 'Info', text: 'x', regarding: { type: 'mailbox', id: pick().id }, createdOn: stamp };
      const audit: AuditEntry = {
        id: `audit-${nextRecord}`,
        at: stamp,
        actorId: 'user-admin',
        actorName: 'Ada Admin',
        action: 'test',
        target: { type: 'mailbox', id: pick().id, name: 'x' },
        rule: null,
        details: '',
      };
      nextRecord += 1;
      if (roll < 0.3) return store.commit({ mailboxes: [{ ...pick(), emailRouterAccessApproval: random() < 0.5 ? 1 : 2 }], audit: [audit] });
      if (roll < 0.45) return store.commit({ mailboxes: [{ ...pick(), name: names[Math.floor(random() * names.length)] ?? 'Ada' }] });
      if (roll < 0.55) {
        const mailbox = pick();
        return store.commit({ mailboxes: [{ ...mailbox, emailAddress: `moved${nextRecord}@contoso.com` }] });
      }
      if (roll < 0.65) {
        const index = nextMailbox++;
        return store.commit({ mailboxes: [mailboxRecord(index, { name: names[index % names.length] ?? 'Ada' })] });
      }
      if (roll < 0.75) return store.commit({ mailboxes: [{ ...pick(), active: random() < 0.5, mailboxStatus: 2 }], alerts: [alert] });
      if (roll < 0.85) return store.commit({ alerts: [alert] });
      if (roll < 0.9) {
        // Another subsystem's section: the domain indexes must survive it untouched.
        return store.transactDocument((current) => ({ next: { ...current, notify: { ...current.notify } }, result: undefined }));
      }
      const first = pick();
      const second = pick();
      if (first.id === second.id) return store.commit({ audit: [audit] });
      // Swap two addresses in one change set: legal, although each address is taken at every step.
      return store.commit({ mailboxes: [{ ...first, emailAddress: second.emailAddress }, { ...second, emailAddress: first.emailAddress }] });
    };

    let refused = 0;
    // Changes made from a stale read can give two mailboxes one address: the store must refuse those.
    const refusedIfDuplicate = (error: unknown): void => {
      if (!(error instanceof InvalidChangeSetError)) throw error;
      refused += 1;
    };
    for (let round = 0; round < 25; round++) {
      // Several commits at once, so that group commit batches them on top of each other.
      await Promise.all(Array.from({ length: 1 + Math.floor(random() * 6) }, () => randomChange().catch(refusedIfDuplicate)));
      const ids = store.mailboxes().map((mailbox) => mailbox.id);
      // Opening validates the document too: a duplicate the store let through would fail here.
      const fresh = createInMemoryEmailConfigStore(store.document());
      expect(everythingReadable(store, [...ids, 'mbx-none'])).toEqual(everythingReadable(fresh, [...ids, 'mbx-none']));
    }
    expect(store.mailboxes().length).toBeGreaterThan(60);
    expect(refused).toBeLessThan(10);
  });

  it('rebuilds the indexes when another subsystem rewrites the mailbox section itself', async () => {
    const store = createInMemoryEmailConfigStore(documentWithMailboxes(3));
    expect(store.mailboxByEmail('person0002@contoso.com')?.name).toBe('Person 0002');
    await store.transactDocument((current) => ({
      next: { ...current, mailboxes: current.mailboxes.map((mailbox) => (mailbox.id === 'mbx-0002' ? { ...mailbox, name: 'Renamed', emailAddress: 'renamed@contoso.com' } : mailbox)) },
      result: undefined,
    }));
    expect(store.mailboxByEmail('person0002@contoso.com')).toBeUndefined();
    expect(store.mailboxByEmail('renamed@contoso.com')?.name).toBe('Renamed');
    expect(store.queryMailboxes({}, 0, 10).items.map((mailbox) => mailbox.name)).toEqual(['Person 0001', 'Person 0003', 'Renamed']);
  });

  it('refuses an alert or audit entry whose id is already used, writing nothing', async () => {
    const store = createInMemoryEmailConfigStore(documentWithMailboxes(1));
    const alert: Alert = { id: 'alert-1', level: 3, code: 'E', text: 'x', regarding: { type: 'mailbox', id: 'mbx-0001' }, createdOn: '2025-01-01T00:00:00Z' };
    await store.commit({ alerts: [alert] });
    await expect(store.commit({ alerts: [{ ...alert, text: 'again' }] })).rejects.toThrow('alerts[1].id: duplicate id "alert-1" (already used by alerts[0])');
    expect(store.alertsFor({ type: 'mailbox', id: 'mbx-0001' }, 10).map((posted) => posted.text)).toEqual(['x']);
    expect(store.writesPerformed).toBe(1);
  });

  it('shows a changed mailbox in the next page of a query that was read before the change', async () => {
    const store = createInMemoryEmailConfigStore(documentWithMailboxes(5));
    expect(store.queryMailboxes({ approval: 2 }, 0, 10).total).toBe(0);
    await store.commit({ mailboxes: [mailboxRecord(4, { emailRouterAccessApproval: 2 })] });
    expect(store.queryMailboxes({ approval: 2 }, 0, 10).items.map((mailbox) => mailbox.id)).toEqual(['mbx-0004']);
  });
});

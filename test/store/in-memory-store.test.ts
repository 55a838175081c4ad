import { describe, expect, it } from 'vitest';
import { createInMemoryEmailConfigStore, InvalidChangeSetError } from '../../src/store/email-config-store.js';
import { DataFileError } from '../../src/store/json-file.js';
import { documentWithMailboxes, mailboxRecord } from './documents.js';

describe('the in-memory email configuration store', () => {
  it('finds records by id, by email regardless of case, by name, by Entra object id and by regarding record', () => {
    const store = createInMemoryEmailConfigStore(documentWithMailboxes(3));
    expect(store.mailboxById('mbx-0002')?.emailAddress).toBe('person0002@contoso.com');
    expect(store.mailboxByEmail('  PERSON0003@Contoso.com ')?.id).toBe('mbx-0003');
    expect(store.mailboxesByName('person 0001').map((mailbox) => mailbox.id)).toEqual(['mbx-0001']);
    expect(store.userByAadObjectId('00000000-0000-4000-8000-000000000001')?.fullName).toBe('Ada Admin');
    expect(store.mailboxByRegarding('systemuser', 'user-0002')?.id).toBe('mbx-0002');
    expect(store.mailboxByRegarding('queue', 'user-0002')).toBeUndefined();
    expect(store.profileByName('microsoft exchange online')?.id).toBe('profile-exo');
    expect(store.organization.name).toBe('Test Org');
  });

  it('pages mailboxes in a stable order by name, then id, with the total of all matches', () => {
    const document = documentWithMailboxes(5);
    const twin = mailboxRecord(6, { id: 'mbx-a', name: 'Person 0002', emailAddress: 'twin@contoso.com' });
    const store = createInMemoryEmailConfigStore({ ...document, mailboxes: [twin, ...document.mailboxes] });
    const first = store.queryMailboxes({}, 0, 3);
    const second = store.queryMailboxes({}, 3, 3);
    expect(first.total).toBe(6);
    expect([...first.items, ...second.items].map((mailbox) => mailbox.id)).toEqual(['mbx-0001', 'mbx-0002', 'mbx-a', 'mbx-0003', 'mbx-0004', 'mbx-0005']);
  });

  it('filters mailboxes by approval, status, profile, activity and disabled state', () => {
    const store = createInMemoryEmailConfigStore({
      ...documentWithMailboxes(0),
      mailboxes: [
        mailboxRecord(1, { emailRouterAccessApproval: 2 }),
        mailboxRecord(2, { active: false, emailServerProfileId: null }),
        mailboxRecord(3, { enabledForIncomingEmail: false, enabledForOutgoingEmail: false, enabledForAct: false, mailboxStatus: 2 }),
        mailboxRecord(4),
      ],
    });
    const ids = (query: Parameters<typeof store.queryMailboxes>[0]) => store.queryMailboxes(query, 0, 10).items.map((mailbox) => mailbox.id);
    expect(ids({ approval: 2 })).toEqual(['mbx-0001']);
    expect(ids({ activeOnly: true })).toEqual(['mbx-0001', 'mbx-0003', 'mbx-0004']);
    expect(ids({ disabled: true })).toEqual(['mbx-0003']);
    expect(ids({ status: 2 })).toEqual(['mbx-0003']);
    expect(ids({ profileId: 'profile-exo', disabled: false })).toEqual(['mbx-0001', 'mbx-0004']);
  });

  it('bumps a mailbox version on every upsert, whatever version the caller passed', async () => {
    const store = createInMemoryEmailConfigStore(documentWithMailboxes(2));
    const before = store.mailboxById('mbx-0001');
    expect(before?.version).toBe(1);
    await store.commit({ mailboxes: [mailboxRecord(1, { emailRouterAccessApproval: 1, version: 99 })] });
    expect(store.mailboxById('mbx-0001')).toMatchObject({ emailRouterAccessApproval: 1, version: 2 });
    await store.commit({ mailboxes: [mailboxRecord(3, { version: 7 })] });
    expect(store.mailboxById('mbx-0003')?.version).toBe(1);
  });

  it('returns the conflicting ids and changes nothing when an expected mailbox version is stale', async () => {
    const store = createInMemoryEmailConfigStore(documentWithMailboxes(2));
    const outcome = await store.commit({
      mailboxes: [mailboxRecord(1, { emailRouterAccessApproval: 1 }), mailboxRecord(2, { emailRouterAccessApproval: 1 })],
      expectedMailboxVersions: { 'mbx-0001': 1, 'mbx-0002': 5, 'mbx-gone': 1 },
    });
    expect(outcome).toEqual({ ok: false, conflict: ['mbx-0002', 'mbx-gone'] });
    expect(store.mailboxById('mbx-0001')?.emailRouterAccessApproval).toBe(0);
    expect(store.writesPerformed).toBe(0);
  });

  it('lists alerts newest first per wall and the audit log newest first', async () => {
    const store = createInMemoryEmailConfigStore(documentWithMailboxes(1));
    const wall = { type: 'mailbox', id: 'mbx-0001' } as const;
    const alert = (id: string, createdOn: string) => ({ id, level: 3 as const, code: 'X', text: id, regarding: wall, createdOn });
    await store.commit({ alerts: [alert('a1', '2025-01-01T10:00:00Z'), alert('a2', '2025-01-01T12:00:00.000Z'), alert('a3', '2025-01-01T11:00:00Z')] });
    await store.commit({ alerts: [{ ...alert('p1', '2025-01-02T00:00:00Z'), regarding: { type: 'emailserverprofile', id: 'profile-exo' } }] });
    expect(store.alertsFor(wall, 2).map((entry) => entry.id)).toEqual(['a2', 'a3']);
    const entry = (id: string, at: string) => ({ id, at, actorId: 'system', actorName: 'System', action: 'test', target: { type: 'mailbox' as const, id: 'mbx-0001', name: 'x' }, rule: null, details: '' });
    await store.commit({ audit: [entry('e1', '2025-01-01T00:00:00Z'), entry('e2', '2025-01-01T00:00:00Z'), entry('e3', '2024-12-31T00:00:00Z')] });
    expect(store.recentAudit(10).map((item) => item.id)).toEqual(['e2', 'e1', 'e3']);
  });

  it('refuses a change set that would duplicate a mailbox email address, writing nothing', async () => {
    const store = createInMemoryEmailConfigStore(documentWithMailboxes(2));
    const commit = store.commit({ mailboxes: [mailboxRecord(2, { emailAddress: 'PERSON0001@contoso.com' })] });
    await expect(commit).rejects.toThrow(InvalidChangeSetError);
    await expect(commit).rejects.toThrow(/mailboxes\[1\]\.emailAddress: duplicate emailAddress "person0001@contoso.com"/);
    expect(store.mailboxById('mbx-0002')?.emailAddress).toBe('person0002@contoso.com');
    expect(store.writesPerformed).toBe(0);
  });

  it('validates a changed field of a stored mailbox, and the whole record when its fields are not the stored ones', async () => {
    const store = createInMemoryEmailConfigStore(documentWithMailboxes(2));
    const stored = store.mailboxById('mbx-0002');
    if (stored === undefined) throw new Error('mbx-0002 is missing');
    const badStatus = store.commit({ mailboxes: [mailboxRecord(1), { ...stored, incomingEmailStatus: 7 as never }] });
    await expect(badStatus).rejects.toThrow(/mailboxes\[1\]\.incomingEmailStatus: /);
    const extraField = store.commit({ mailboxes: [{ ...stored, colour: 'blue' } as never] });
    await expect(extraField).rejects.toThrow(/mailboxes\[0\]: Unrecognized key: "colour"/);
    const missingField = store.commit({ mailboxes: [{ ...stored, active: undefined } as never] });
    await expect(missingField).rejects.toThrow(/mailboxes\[0\]\.active: /);
    expect(store.mailboxById('mbx-0002')).toBe(stored);

    await expect(store.commit({ mailboxes: [{ ...stored, name: 'Renamed', mailboxStatus: 1 }] })).resolves.toEqual({ ok: true });
    expect(store.mailboxById('mbx-0002')).toEqual({ ...stored, name: 'Renamed', mailboxStatus: 1, version: stored.version + 1 });
  });

  it('rejects an invalid starting document with the JSON path of each problem', () => {
    const document = documentWithMailboxes(1);
    const broken = { ...document, mailboxes: [{ ...mailboxRecord(1), incomingEmailDeliveryMethod: 7 }] };
    // @ts-expect-error the option value 7 does not exist, which is the point of the test
    expect(() => createInMemoryEmailConfigStore(broken)).toThrow(DataFileError);
    // @ts-expect-error as above
    expect(() => createInMemoryEmailConfigStore(broken)).toThrow(/mailboxes\[0\]\.incomingEmailDeliveryMethod: Invalid option: expected 0 \(None\)/);
  });
});

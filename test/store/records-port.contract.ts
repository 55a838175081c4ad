// The contract of the `OrganizationRecords` port, as a suite any adapter runs against itself: the embedded
// store today, a PostgreSQL or Dataverse adapter later. The adapter is handed the records to start from and
// must serve exactly them; nothing here knows how it stores them.
import { describe, expect, it } from 'vitest';
import { InvalidCursorError, readAll, type CursorPage, type IntentBatch, type OrganizationRecords, type PageRequest } from '../../src/app/ports.js';
import type { BusinessUnit, EmailServerProfile, Mailbox, Organization, Queue, SecurityRole, User } from '../../src/domain/model.js';
import { EmailApprovalStatus } from '../../src/domain/options.js';
import { documentWithMailboxes, mailboxRecord } from './documents.js';

/** The records an adapter starts from. */
export interface OrganizationSeed {
  readonly organization: Organization;
  readonly businessUnits: readonly BusinessUnit[];
  readonly securityRoles: readonly SecurityRole[];
  readonly users: readonly User[];
  readonly queues: readonly Queue[];
  readonly profiles: readonly EmailServerProfile[];
  readonly mailboxes: readonly Mailbox[];
}

export type RecordsAdapterFactory = (seed: OrganizationSeed) => Promise<OrganizationRecords>;

const MAILBOX_COUNT = 23;

/** 23 user mailboxes (two share a name), their users, and one queue with its mailbox. */
export function contractSeed(): OrganizationSeed {
  const base = documentWithMailboxes(0);
  const [admin] = base.users;
  if (admin === undefined) throw new Error('the base document has its admin user');
  const users: User[] = [admin];
  const mailboxes: Mailbox[] = [];
  for (let index = 1; index <= MAILBOX_COUNT; index++) {
    const number = String(index).padStart(4, '0');
    users.push({ ...admin, id: `user-${number}`, aadObjectId: `10000000-0000-4000-8000-00000000${number}`, fullName: `Person ${number}`, primaryEmail: `person${number}@contoso.com`, userPrincipalName: `person${number}@contoso.com`, securityRoleIds: [], office365Roles: [] });
    mailboxes.push(
      mailboxRecord(index, {
        // Every third mailbox is pending; two mailboxes share a name, so the order falls back to the id.
        emailRouterAccessApproval: index % 3 === 0 ? EmailApprovalStatus.PendingApproval : EmailApprovalStatus.Approved,
        ...(index === 7 ? { name: 'Person 0005' } : {}),
      }),
    );
  }
  const queue: Queue = { id: 'queue-support', name: 'Support', emailAddress: 'support@contoso.com', ownerId: 'user-admin', businessUnitId: 'bu-root' };
  mailboxes.push(mailboxRecord(100, { id: 'mbx-support', name: 'Support', emailAddress: 'support@contoso.com', regarding: { type: 'queue', id: queue.id }, ownerId: 'user-admin', emailRouterAccessApproval: EmailApprovalStatus.PendingApproval }));
  return {
    organization: base.organization,
    businessUnits: base.businessUnits,
    securityRoles: base.securityRoles,
    users,
    queues: [queue],
    profiles: base.profiles,
    mailboxes,
  };
}

async function pagesOf<T>(pageOf: (page: PageRequest) => Promise<CursorPage<T>>, limit: number): Promise<{ readonly pages: number; readonly items: readonly T[] }> {
  const items: T[] = [];
  let pages = 0;
  let cursor: string | undefined;
  do {
    const page = await pageOf(cursor === undefined ? { limit } : { cursor, limit });
    pages += 1;
    expect(page.items.length).toBeLessThanOrEqual(limit);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== undefined && pages < 1000);
  return { pages, items };
}

const ids = (records: readonly { readonly id: string }[]): string[] => records.map((record) => record.id);
const sortedIds = (records: readonly { readonly id: string }[]): string[] => ids(records).sort();

export interface ContractOptions {
  /** The id an adapter gives a seeded record (Dataverse keys are GUIDs); the seed's own id by default. */
  readonly id?: (seedId: string) => string;
}

export function describeRecordsPortContract(adapterName: string, makeRecords: RecordsAdapterFactory, options: ContractOptions = {}): void {
  const id = options.id ?? ((seedId: string) => seedId);
  const seededIds = (records: readonly { readonly id: string }[]): string[] => records.map((record) => id(record.id)).sort();
  const admin: IntentBatch['caller'] = { kind: 'person', userId: id('user-admin') };
  describe(`OrganizationRecords contract: ${adapterName}`, () => {
    const open = (): Promise<OrganizationRecords> => makeRecords(contractSeed());

    describe('cursor paging', () => {
      it.each([1, 4, 10, 23, 50])('lists every mailbox exactly once, in name-then-id order, with pages of %i', async (limit) => {
        const records = await open();
        const { items, pages } = await pagesOf((page) => records.mailboxPage({}, page), limit);
        const seed = contractSeed();
        expect(sortedIds(items)).toEqual(seededIds(seed.mailboxes));
        expect(new Set(ids(items)).size).toBe(items.length);
        expect(pages).toBe(Math.max(1, Math.ceil(seed.mailboxes.length / limit)));
        const names = items.map((mailbox) => `${mailbox.name}|${mailbox.id}`);
        const [firstOfName = '', secondOfName = ''] = [id('mbx-0005'), id('mbx-0007')].sort();
        expect(items.findIndex((mailbox) => mailbox.id === firstOfName)).toBe(items.findIndex((mailbox) => mailbox.id === secondOfName) - 1);
        expect(names[0]).toMatch(/^Person 0001\|/);
      });

      it('pages a filtered listing over exactly the matching mailboxes, and counts them', async () => {
        const records = await open();
        const pending = contractSeed().mailboxes.filter((mailbox) => mailbox.emailRouterAccessApproval === EmailApprovalStatus.PendingApproval);
        const { items } = await pagesOf((page) => records.mailboxPage({ approval: EmailApprovalStatus.PendingApproval }, page), 3);
        expect(sortedIds(items)).toEqual(seededIds(pending));
        expect(await records.mailboxCount({ approval: EmailApprovalStatus.PendingApproval })).toBe(pending.length);
      });

      it('pages users, queues, profiles, roles and business units over every record exactly once', async () => {
        const records = await open();
        const seed = contractSeed();
        expect(sortedIds((await pagesOf((page) => records.userPage(page), 5)).items)).toEqual(seededIds(seed.users));
        expect(sortedIds((await pagesOf((page) => records.queuePage(page), 1)).items)).toEqual(seededIds(seed.queues));
        expect(sortedIds((await pagesOf((page) => records.profilePage(page), 1)).items)).toEqual(seededIds(seed.profiles));
        expect(sortedIds((await pagesOf((page) => records.securityRolePage(page), 1)).items)).toEqual(seededIds(seed.securityRoles));
        expect(sortedIds((await pagesOf((page) => records.businessUnitPage(page), 1)).items)).toEqual(seededIds(seed.businessUnits));
        expect(sortedIds(await readAll((page) => records.userPage(page), 2))).toEqual(seededIds(seed.users));
      });

      it('continues a listing after a mailbox on an earlier page changed, without repeating or skipping any', async () => {
        const records = await open();
        const first = await records.mailboxPage({}, { limit: 5 });
        const changed = first.items[0];
        expect(changed).toBeDefined();
        if (changed === undefined || first.nextCursor === undefined) return;
        const outcome = await records.apply({ caller: admin, intents: [{ kind: 'setSyncFromThisOrgOnly', mailboxId: changed.id, expectedVersion: changed.version, on: true }] });
        expect(outcome.ok).toBe(true);
        const rest = await pagesOf((page) => records.mailboxPage({}, page.cursor === undefined ? { ...page, cursor: first.nextCursor } : page), 5);
        expect(sortedIds([...first.items, ...rest.items])).toEqual(seededIds(contractSeed().mailboxes));
      });

      it('refuses a cursor it did not issue, and one issued for another listing, with InvalidCursorError', async () => {
        const records = await open();
        await expect(records.mailboxPage({}, { cursor: 'not-a-cursor', limit: 5 })).rejects.toThrow(InvalidCursorError);
        await expect(records.mailboxPage({}, { cursor: Buffer.from('{"f":1}').toString('base64url'), limit: 5 })).rejects.toThrow(InvalidCursorError);
        const all = await records.mailboxPage({}, { limit: 5 });
        expect(all.nextCursor).toBeDefined();
        const pendingWithForeignCursor = records.mailboxPage({ approval: EmailApprovalStatus.PendingApproval }, { ...(all.nextCursor === undefined ? {} : { cursor: all.nextCursor }), limit: 5 });
        await expect(pendingWithForeignCursor).rejects.toThrow(/another list/);
        const users = await records.userPage({ limit: 5 });
        await expect(records.queuePage({ ...(users.nextCursor === undefined ? {} : { cursor: users.nextCursor }), limit: 5 })).rejects.toThrow(InvalidCursorError);
      });

      it('refuses a page size below one', async () => {
        const records = await open();
        await expect(records.mailboxPage({}, { limit: 0 })).rejects.toThrow(RangeError);
      });
    });

    describe('single-record reads', () => {
      it('finds records by id, address, owner, name and Entra object id', async () => {
        const records = await open();
        expect((await records.mailbox(id('mbx-0002')))?.emailAddress).toBe('person0002@contoso.com');
        expect((await records.mailboxByEmail(' PERSON0003@Contoso.com '))?.id).toBe(id('mbx-0003'));
        expect((await records.mailboxByRegarding({ type: 'queue', id: id('queue-support') }))?.id).toBe(id('mbx-support'));
        expect(await records.mailboxByRegarding({ type: 'systemuser', id: id('queue-support') })).toBeUndefined();
        expect((await records.userByAadObjectId('00000000-0000-4000-8000-000000000001'))?.id).toBe(id('user-admin'));
        expect((await records.profileByName('microsoft exchange online'))?.id).toBe(id('profile-exo'));
        expect((await records.queue(id('queue-support')))?.name).toBe('Support');
        expect((await records.organization()).id).toBe(id(contractSeed().organization.id));
        expect(await records.mailbox(id('mbx-missing'))).toBeUndefined();
      });
    });

    describe('intents', () => {
      it('approves an address through its owner and returns the mailbox with a new version', async () => {
        const records = await open();
        const before = await records.mailboxByRegarding({ type: 'queue', id: id('queue-support') });
        if (before === undefined) throw new Error('the queue has a mailbox');
        const outcome = await records.apply({
          caller: admin,
          intents: [{ kind: 'setAddressApproval', owner: { type: 'queue', id: id('queue-support') }, status: EmailApprovalStatus.Approved, approvedByO365Admin: true, expectedMailboxVersion: before.version }],
        });
        expect(outcome.ok).toBe(true);
        const after = await records.mailbox(id('mbx-support'));
        expect(after?.emailRouterAccessApproval).toBe(EmailApprovalStatus.Approved);
        expect(after?.version).not.toBe(before.version);
        expect(outcome.ok ? ids(outcome.mailboxes) : []).toEqual([id('mbx-support')]);
      });

      it('answers a stale mailbox version with a typed conflict and changes nothing of the batch', async () => {
        const records = await open();
        const first = await records.mailbox(id('mbx-0001'));
        const second = await records.mailbox(id('mbx-0002'));
        if (first === undefined || second === undefined) throw new Error('seeded');
        const moved = await records.apply({ caller: admin, intents: [{ kind: 'setSyncFromThisOrgOnly', mailboxId: second.id, expectedVersion: second.version, on: true }] });
        expect(moved.ok).toBe(true);
        const current = await records.mailbox(id('mbx-0002'));
        const outcome = await records.apply({
          caller: admin,
          intents: [
            { kind: 'setDeliveryConfiguration', reason: 'edit', mailboxId: first.id, expectedVersion: first.version, profileId: null, incoming: 0, outgoing: 0, act: 2 },
            { kind: 'setAddressApproval', owner: second.regarding, status: EmailApprovalStatus.Rejected, approvedByO365Admin: false, expectedMailboxVersion: second.version },
          ],
        });
        expect(outcome).toEqual({ ok: false, conflict: { record: { type: 'mailbox', id: id('mbx-0002') }, expected: String(second.version), actual: String(current?.version) } });
        expect(await records.mailbox(id('mbx-0001'))).toEqual(first);
        expect(await records.mailbox(id('mbx-0002'))).toEqual(current);
      });

      it('answers a stale organization with a typed conflict and keeps the settings', async () => {
        const records = await open();
        const read = await records.organization();
        const changed = await records.apply({ caller: admin, intents: [{ kind: 'setApprovalRequirement', for: 'queue', required: false, expected: read }] });
        expect(changed.ok).toBe(true);
        const now = await records.organization();
        expect(now.settings.requireApprovalForQueueEmail).toBe(false);
        const stale = await records.apply({ caller: admin, intents: [{ kind: 'setApprovalRequirement', for: 'systemuser', required: false, expected: read }] });
        expect(stale.ok).toBe(false);
        if (!stale.ok) {
          expect(stale.conflict.record).toEqual({ type: 'organization', id: read.id });
          expect(stale.conflict.actual).not.toBe(stale.conflict.expected);
        }
        expect(await records.organization()).toEqual(now);
      });

      it('changes an owner\'s address, and its mailbox follows back to Pending Approval; a stale owner conflicts', async () => {
        const records = await open();
        const user = await records.user(id('user-0001'));
        const mailbox = await records.mailboxByRegarding({ type: 'systemuser', id: id('user-0001') });
        if (user === undefined || mailbox === undefined) throw new Error('seeded');
        const outcome = await records.apply({ caller: admin, intents: [{ kind: 'changeEmailAddress', owner: { type: 'systemuser', expected: user }, address: 'new.person@contoso.com', expectedMailboxVersion: mailbox.version }] });
        expect(outcome.ok).toBe(true);
        expect((await records.user(id('user-0001')))?.primaryEmail).toBe('new.person@contoso.com');
        expect(await records.mailboxByEmail('new.person@contoso.com')).toMatchObject({ id: mailbox.id, emailRouterAccessApproval: EmailApprovalStatus.PendingApproval });
        const again = await records.apply({ caller: admin, intents: [{ kind: 'changeEmailAddress', owner: { type: 'systemuser', expected: user }, address: 'other@contoso.com', expectedMailboxVersion: null }] });
        expect(again.ok ? null : again.conflict.record).toEqual({ type: 'systemuser', id: id('user-0001') });
        expect((await records.user(id('user-0001')))?.primaryEmail).toBe('new.person@contoso.com');
      });

      it('schedules Test & Enable with a fresh retry budget', async () => {
        const records = await open();
        const mailbox = await records.mailbox(id('mbx-0004'));
        if (mailbox === undefined) throw new Error('seeded');
        const outcome = await records.apply({ caller: { kind: 'app' }, intents: [{ kind: 'scheduleTestAndEnable', mailboxId: mailbox.id, expectedVersion: mailbox.version }] });
        expect(outcome.ok).toBe(true);
        expect(await records.mailbox(id('mbx-0004'))).toMatchObject({ testEmailConfigurationScheduled: true, testEmailConfigurationRetryCount: 0 });
      });

      it('writes a batch with an idempotency key once however often it is applied, and remembers the key', async () => {
        const records = await open();
        const mailbox = await records.mailbox(id('mbx-0001'));
        if (mailbox === undefined) throw new Error('seeded');
        const batch: IntentBatch = { caller: admin, intents: [{ kind: 'setSyncFromThisOrgOnly', mailboxId: mailbox.id, expectedVersion: mailbox.version, on: true }], idempotencyKey: 'contract-batch-1' };
        expect(await records.wasApplied('contract-batch-1')).toBe(false);
        const first = await records.apply(batch);
        expect(first.ok).toBe(true);
        const written = await records.mailbox(id('mbx-0001'));
        // The same batch again (a caller that does not know whether its first attempt landed): no conflict, no second write.
        const second = await records.apply(batch);
        expect(second.ok ? ids(second.mailboxes) : second.conflict).toEqual([id('mbx-0001')]);
        expect(await records.mailbox(id('mbx-0001'))).toEqual(written);
        expect(await records.wasApplied('contract-batch-1')).toBe(true);
        expect(await records.wasApplied('contract-batch-2')).toBe(false);
      });

      it('does not remember the key of a batch that conflicted', async () => {
        const records = await open();
        const mailbox = await records.mailbox(id('mbx-0002'));
        if (mailbox === undefined) throw new Error('seeded');
        const stale = await records.apply({ caller: admin, intents: [{ kind: 'setSyncFromThisOrgOnly', mailboxId: mailbox.id, expectedVersion: mailbox.version + 7, on: true }], idempotencyKey: 'contract-stale' });
        expect(stale.ok).toBe(false);
        expect(await records.wasApplied('contract-stale')).toBe(false);
      });

      it('changes a revision token when records change', async () => {
        const records = await open();
        const before = await records.revision();
        expect(await records.revision()).toBe(before);
        const mailbox = await records.mailbox(id('mbx-0001'));
        if (mailbox === undefined) throw new Error('seeded');
        await records.apply({ caller: admin, intents: [{ kind: 'setSyncFromThisOrgOnly', mailboxId: mailbox.id, expectedVersion: mailbox.version, on: true }] });
        const after = await records.revision();
        if (before !== undefined) expect(after).not.toBe(before);
      });
    });
  });
}

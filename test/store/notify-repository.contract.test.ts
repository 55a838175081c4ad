// The notify repository contract on the data file, in memory and on PostgreSQL; and what only the shared store
// must add for several instances: first-come keys, final states that stay final, one claim per conversation
// head, and rate windows that hold for the sum of the instances.
import { describe, expect, it } from 'vitest';
import { PostgresNotifyRepository } from '../../src/postgres/notify-repository.js';
import { InMemoryNotifyRepository } from '../../src/notify/repository.js';
import { createInMemoryEmailConfigStore } from '../../src/store/email-config-store.js';
import { DocumentNotifyRepository } from '../../src/store/notify-repository.js';
import { exampleDocument } from '../support/fixtures.js';
import { usePostgresForTests } from '../support/postgres-for-tests.js';
import { describeNotifyRepositoryContract, outboxRecord, referenceRecord } from './notify-repository.contract.js';

const postgres = usePostgresForTests();

describeNotifyRepositoryContract('data file', async () => new DocumentNotifyRepository(createInMemoryEmailConfigStore(await exampleDocument())));
describeNotifyRepositoryContract('in memory', () => Promise.resolve(new InMemoryNotifyRepository()));
describeNotifyRepositoryContract('PostgreSQL', async () => {
  const { pool } = await postgres.migratedDatabase();
  return new PostgresNotifyRepository(pool, { instanceId: 'instance-a' });
});

async function twoInstances(): Promise<readonly [PostgresNotifyRepository, PostgresNotifyRepository]> {
  const database = await postgres.migratedDatabase();
  const other = await database.open();
  return [new PostgresNotifyRepository(database.pool, { instanceId: 'instance-a' }), new PostgresNotifyRepository(other, { instanceId: 'instance-b' })];
}

describe('the notify store shared by two instances on PostgreSQL', () => {
  it('keeps the first entry saved under a key, and a sent entry sent', async () => {
    const [first, second] = await twoInstances();
    expect((await first.insertNew([outboxRecord('k-1', 1)])).existing).toEqual([]);
    const again = await second.insertNew([outboxRecord('k-1', 1, { activity: { type: 'message', text: 'other' } }), outboxRecord('k-2', 1)]);
    expect(again.existing.map((entry) => entry.activity.text)).toEqual(['message k-1']);
    await first.save({ outbox: [outboxRecord('k-1', 1, { state: 'sent', attempts: 1, sentActivityId: 'a-1', sentAt: '2026-01-01T09:00:01.000Z' })] });
    // A stale instance saving the entry as it last saw it does not make it pending again.
    await second.save({ outbox: [outboxRecord('k-1', 1, { attempts: 1 })] });
    expect((await second.entries(['k-1']))[0]?.state).toBe('sent');
    // What other instances finished, among the keys an instance still waits for.
    expect((await second.settledEntries(['k-1', 'k-2', 'k-9'])).map((entry) => entry.idempotencyKey)).toEqual(['k-1']);
  });

  it('lets one instance at a time claim a conversation, head first, and another once the claim lapsed', async () => {
    const [first, second] = await twoInstances();
    await first.insertNew([outboxRecord('k-1', 1), outboxRecord('k-2', 1), outboxRecord('k-3', 2)]);
    const claims = await Promise.all([first.claimHead('a:conversation-1', 300), second.claimHead('a:conversation-1', 300)]);
    expect(claims.map((claim) => claim.kind).sort()).toEqual(['busy', 'claimed']);
    const winner = claims[0].kind === 'claimed' ? first : second;
    const loser = winner === first ? second : first;
    const claimed = claims.find((claim) => claim.kind === 'claimed');
    expect(claimed?.kind === 'claimed' ? claimed.entry.idempotencyKey : null).toBe('k-1');
    // Another conversation is free meanwhile.
    expect((await loser.claimHead('a:conversation-2', 300)).kind).toBe('claimed');
    // Sent: the claim goes with it, and the next head is free for anyone.
    await winner.save({ outbox: [outboxRecord('k-1', 1, { state: 'sent', attempts: 1, sentActivityId: 'a-1', sentAt: '2026-01-01T09:00:01.000Z' })] });
    const next = await loser.claimHead('a:conversation-1', 300);
    expect(next.kind === 'claimed' ? next.entry.idempotencyKey : next.kind).toBe('k-2');
    expect((await winner.claimHead('a:conversation-1', 300)).kind).toBe('busy');
    // The holder "dies": after its lease the other instance takes the same head over.
    await new Promise((resolve) => setTimeout(resolve, 350));
    const takenOver = await winner.claimHead('a:conversation-1', 300);
    expect(takenOver.kind === 'claimed' ? takenOver.entry.idempotencyKey : takenOver.kind).toBe('k-2');
    expect(await first.pendingConversations()).toEqual(expect.arrayContaining(['a:conversation-1', 'a:conversation-2']));
  });

  it('admits at most 7 sends per second to one conversation, counted across both instances', async () => {
    const [first, second] = await twoInstances();
    const scopes = [{ scope: 'conversation:c-1', windows: [{ limit: 7, windowMs: 1_000 }] }];
    const admitted: number[] = [];
    const tryOnce = async (instance: PostgresNotifyRepository): Promise<void> => {
      const admission = await instance.admit(scopes, 30_000);
      if (!admission.ok) {
        expect(admission.waitMs).toBeGreaterThan(0);
        return;
      }
      admitted.push(Date.now());
      await admission.release();
    };
    await Promise.all(Array.from({ length: 40 }, (_, index) => tryOnce(index % 2 === 0 ? first : second)));
    expect(admitted).toHaveLength(7);
  });

  it('counts a send whose instance died as in flight until the in-flight timeout, then frees its slot', async () => {
    const [first, second] = await twoInstances();
    const scopes = [{ scope: 'tenant:t', windows: [{ limit: 1, windowMs: 100 }] }];
    const lost = await first.admit(scopes, 300);
    expect(lost.ok).toBe(true);
    // Never released: the instance was killed mid-request.
    expect((await second.admit(scopes, 300)).ok).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect((await second.admit(scopes, 300)).ok).toBe(true);
  });

  it('forgets sends older than every window, and only those', async () => {
    const [first] = await twoInstances();
    const scopes = [{ scope: 'conversation:c-9', windows: [{ limit: 1, windowMs: 60_000 }] }];
    const admission = await first.admit(scopes, 30_000);
    if (!admission.ok) throw new Error('the first send was not admitted');
    await admission.release();
    await first.pruneRateHistory(60_000);
    expect((await first.admit(scopes, 30_000)).ok).toBe(false);
    await first.pruneRateHistory(0);
    expect((await first.admit(scopes, 30_000)).ok).toBe(true);
  });

  it('finds a reference another instance recorded, by conversation and by person', async () => {
    const [first, second] = await twoInstances();
    await first.save({ references: [referenceRecord(1)] });
    expect((await second.reference({ conversationId: 'a:conversation-1' }))?.userId).toBe('29:user-1');
    const person = referenceRecord(1);
    expect((await second.reference({ tenantId: person.tenantId ?? '', aadObjectId: (person.aadObjectId ?? '').toUpperCase() }))?.conversationId).toBe('a:conversation-1');
    expect(await second.reference({ conversationId: 'a:conversation-9' })).toBeUndefined();
  });
});

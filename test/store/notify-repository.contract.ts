// The contract of the `NotifyRepository` port (conversation references and the outbox), run against the data
// file, the in-memory repository and PostgreSQL: one save is one write, upserts keep positions, a bad record is
// refused with nothing written.
import { describe, expect, it } from 'vitest';
import type { ConversationReferenceRecord } from '../../src/app/conversation-reference-records.js';
import type { NotifyRepository } from '../../src/app/notify-state.js';
import type { OutboxEntryRecord } from '../../src/app/outbox-records.js';

export const TENANT = '00000000-0000-0000-0000-000000000001';

export function referenceRecord(index: number, overrides: Partial<ConversationReferenceRecord> = {}): ConversationReferenceRecord {
  return {
    conversationId: `a:conversation-${index}`,
    conversationType: 'personal',
    channelId: 'msteams',
    serviceUrl: 'https://smba.trafficmanager.net/emea/',
    tenantId: TENANT,
    botId: '28:bot',
    userId: `29:user-${index}`,
    aadObjectId: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
    teamId: null,
    active: true,
    inactiveReason: null,
    firstSeenAt: '2026-01-01T09:00:00.000Z',
    updatedAt: '2026-01-01T09:00:00.000Z',
    ...overrides,
  };
}

export function outboxRecord(key: string, conversationIndex: number, overrides: Partial<OutboxEntryRecord> = {}): OutboxEntryRecord {
  return {
    idempotencyKey: key,
    target: { kind: 'conversation', conversationId: `a:conversation-${conversationIndex}` },
    activity: { type: 'message', text: `message ${key}` },
    update: null,
    requestedBy: null,
    enqueuedAt: '2026-01-01T09:00:00.000Z',
    conversationId: `a:conversation-${conversationIndex}`,
    state: 'pending',
    attempts: 0,
    sentActivityId: null,
    sentAt: null,
    deadLetter: null,
    ...overrides,
  };
}

export function describeNotifyRepositoryContract(name: string, open: () => Promise<NotifyRepository>): void {
  describe(`NotifyRepository contract: ${name}`, () => {
    it('saves references and entries, upserting by key and keeping their positions', async () => {
      const repository = await open();
      await repository.save({ references: [referenceRecord(1), referenceRecord(2)], outbox: [outboxRecord('k-1', 1), outboxRecord('k-2', 2)] });
      await repository.save({ outbox: [outboxRecord('k-3', 1)] });
      await repository.save({
        references: [referenceRecord(1, { active: false, inactiveReason: 'removed', updatedAt: '2026-01-01T10:00:00.000Z' })],
        outbox: [outboxRecord('k-1', 1, { state: 'sent', attempts: 1, sentActivityId: 'activity-1', sentAt: '2026-01-01T09:00:01.000Z' })],
      });
      const state = await repository.load();
      expect(state.references.map((reference) => [reference.conversationId, reference.active])).toEqual([
        ['a:conversation-1', false],
        ['a:conversation-2', true],
      ]);
      expect(state.outbox.map((entry) => [entry.idempotencyKey, entry.state])).toEqual([
        ['k-1', 'sent'],
        ['k-2', 'pending'],
        ['k-3', 'pending'],
      ]);
      expect(state.outbox[0]).toEqual(outboxRecord('k-1', 1, { state: 'sent', attempts: 1, sentActivityId: 'activity-1', sentAt: '2026-01-01T09:00:01.000Z' }));
    });

    it('refuses a record that breaks the schema and writes nothing of that save', async () => {
      const repository = await open();
      await repository.save({ outbox: [outboxRecord('k-1', 1)] });
      const broken = { ...outboxRecord('k-3', 1), enqueuedAt: 'now' };
      await expect(repository.save({ references: [referenceRecord(5)], outbox: [outboxRecord('k-2', 1), broken] })).rejects.toThrow();
      const state = await repository.load();
      expect(state.outbox.map((entry) => entry.idempotencyKey)).toEqual(['k-1']);
      expect(state.references).toEqual([]);
    });
  });
}

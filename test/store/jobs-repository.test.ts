import { describe, expect, it } from 'vitest';
import type { JobRecord } from '../../src/app/jobs/job-records.js';
import { InvalidChangeSetError } from '../../src/store/email-config-store.js';
import { applyJobChanges } from '../../src/store/jobs-repository.js';
import { documentWithMailboxes } from './documents.js';

const job = (results: JobRecord['results']): JobRecord => ({
  id: 'J-1',
  title: 'Test & Enable mailboxes of profile Microsoft Exchange Online',
  origin: 'profile',
  requestedById: 'user-0001',
  requestedByName: 'Person 0001',
  syncFromThisOrgOnly: null,
  status: 'running',
  createdAt: '2026-03-01T09:00:00.000Z',
  startedAt: '2026-03-01T09:00:00.000Z',
  completedAt: null,
  mailboxes: Array.from({ length: 1_000 }, (_, index) => ({ id: `mbx-${index}`, name: `Mailbox ${index}`, emailAddress: `m${index}@contoso.com` })),
  results,
  report: { kind: 'none' },
  batches: results.length,
  pendingNotifications: [],
  notificationKeys: [],
  unreachable: [],
  unreachableCount: 0,
  deliveryReported: false,
});

describe('job changes', () => {
  const firstResults = Array.from({ length: 999 }, (_, index) => ({ mailboxId: `mbx-${index}`, verdict: 'enabled' as const }));
  const stored = applyJobChanges(documentWithMailboxes(1), { jobs: [job(firstResults)] });
  const storedJob = stored.jobs?.[0];

  it('keeps the stored results and mailboxes of a job (the same objects) and adds only the new ones', () => {
    if (storedJob === undefined) throw new Error('the job was not stored');
    const next = applyJobChanges(stored, { jobs: [{ ...storedJob, results: [...storedJob.results, { mailboxId: 'mbx-999', verdict: 'disabled', reason: 'No access' }] }] });
    const nextJob = next.jobs?.[0];
    expect(nextJob?.results).toHaveLength(1_000);
    expect(nextJob?.results[998]).toBe(storedJob.results[998]);
    expect(nextJob?.results[999]).toEqual({ mailboxId: 'mbx-999', verdict: 'disabled', reason: 'No access' });
    expect(nextJob?.mailboxes).toBe(storedJob.mailboxes);
  });

  it('still validates what is new, naming its real position in the job', () => {
    if (storedJob === undefined) throw new Error('the job was not stored');
    const broken = { ...storedJob, results: [...storedJob.results, { mailboxId: 'mbx-999', verdict: 'disabled' }] } as JobRecord;
    expect(() => applyJobChanges(stored, { jobs: [broken] })).toThrow(InvalidChangeSetError);
    expect(() => applyJobChanges(stored, { jobs: [broken] })).toThrow(/jobs\[0\]\.results\[999\]\.reason/);
  });

  it('validates a changed scalar of a stored job, and a replaced (not shared) result in full', () => {
    if (storedJob === undefined) throw new Error('the job was not stored');
    expect(() => applyJobChanges(stored, { jobs: [{ ...storedJob, status: 'paused' } as unknown as JobRecord] })).toThrow(/jobs\[0\]\.status/);
    const replaced = storedJob.results.map((result, index) => (index === 5 ? ({ mailboxId: '', verdict: 'enabled' } as const) : result));
    expect(() => applyJobChanges(stored, { jobs: [{ ...storedJob, results: replaced }] })).toThrow(/jobs\[0\]\.results\[5\]\.mailboxId/);
  });

  it('keeps a counted batch as the very object stored, so its notifications are not written again', () => {
    if (storedJob === undefined) throw new Error('the job was not stored');
    const lastBatch = { key: 'results-1', batch: 1_000, results: [], notifications: [{ key: 'alert:J-1:mbx-1:1:user:x', payload: { card: 'x'.repeat(1_000) } }], unreachable: [] };
    const ahead = applyJobChanges(stored, { jobs: [{ ...storedJob, lastBatch }] });
    const written = ahead.jobs?.[0];
    if (written?.lastBatch === undefined) throw new Error('the batch was not written ahead');
    const counted = applyJobChanges(ahead, { jobs: [{ ...written, batches: 1_000 }] });
    expect(counted.jobs?.[0]?.lastBatch).toBe(written.lastBatch);
    // A different batch is parsed like anything new.
    expect(() => applyJobChanges(counted, { jobs: [{ ...written, lastBatch: { ...lastBatch, batch: 0 } }] })).toThrow(/jobs\[0\]\.lastBatch\.batch/);
  });
});

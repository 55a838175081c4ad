// The embedded store runs the OrganizationRecords contract, in memory and file-backed (reopened from disk,
// so what the file holds is what the contract sees).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testOutcomeOf } from '../../src/app/ports.js';
import type { Alert, Mailbox } from '../../src/domain/model.js';
import { AlertLevel, TestStatus } from '../../src/domain/options.js';
import { createInMemoryEmailConfigStore, openEmailConfigStore } from '../../src/store/email-config-store.js';
import { EmbeddedOrganizationRecords } from '../../src/store/embedded-records.js';
import type { DataFileDocument } from '../../src/store/schema.js';
import { documentWithMailboxes } from './documents.js';
import { contractSeed, describeRecordsPortContract, type OrganizationSeed } from './records-port.contract.js';

const documentOf = (seed: OrganizationSeed): DataFileDocument => ({ ...documentWithMailboxes(0), ...seed, users: [...seed.users], queues: [...seed.queues], mailboxes: [...seed.mailboxes], profiles: [...seed.profiles], securityRoles: [...seed.securityRoles], businessUnits: [...seed.businessUnits] });

describeRecordsPortContract('embedded store in memory', (seed) => Promise.resolve(new EmbeddedOrganizationRecords(createInMemoryEmailConfigStore(documentOf(seed)))));

const directories: string[] = [];
afterAll(async () => {
  await Promise.all(directories.map((directory) => rm(directory, { recursive: true, force: true })));
});

describeRecordsPortContract('embedded store on file', async (seed) => {
  const directory = await mkdtemp(join(tmpdir(), 'records-contract-'));
  directories.push(directory);
  const path = join(directory, 'data.json');
  await openEmailConfigStore(path, () => documentOf(seed));
  return new EmbeddedOrganizationRecords(await openEmailConfigStore(path, () => Promise.reject(new Error('the file was seeded already'))));
});

describe('the embedded store plays server-side synchronization', () => {
  it('records a Test & Enable outcome with its alerts, and remembers the batch key across a reopen of the file', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'records-outcome-'));
    directories.push(directory);
    const path = join(directory, 'data.json');
    const records = new EmbeddedOrganizationRecords(await openEmailConfigStore(path, () => documentOf(contractSeed())));
    const mailbox = await records.mailbox('mbx-0001');
    if (mailbox === undefined) throw new Error('seeded');
    const alert: Alert = { id: 'alert-1', level: AlertLevel.Information, code: 'TestSucceeded', text: 'Test & Enable succeeded.', regarding: { type: 'mailbox', id: mailbox.id }, createdOn: '2025-03-01T09:00:00.000Z' };
    const tested: Mailbox = { ...mailbox, mailboxStatus: TestStatus.Success, enabledForIncomingEmail: true, testMailboxAccessCompletedOn: '2025-03-01T09:00:00.000Z', testEmailConfigurationScheduled: false };
    const outcome = await records.apply({
      caller: { kind: 'app' },
      intents: [{ kind: 'recordTestOutcome', mailboxId: mailbox.id, expectedVersion: mailbox.version, outcome: testOutcomeOf(tested), alerts: [alert] }],
      idempotencyKey: 'results-1',
    });
    expect(outcome.ok).toBe(true);
    const reopened = new EmbeddedOrganizationRecords(await openEmailConfigStore(path, () => Promise.reject(new Error('seeded already'))));
    expect(await reopened.mailbox(mailbox.id)).toMatchObject({ mailboxStatus: TestStatus.Success, enabledForIncomingEmail: true, testMailboxAccessCompletedOn: '2025-03-01T09:00:00.000Z', version: mailbox.version + 1 });
    expect((await reopened.alertsFor({ type: 'mailbox', id: mailbox.id }, 10)).map((found) => found.id)).toEqual(['alert-1']);
    expect(await reopened.wasApplied('results-1')).toBe(true);
  });
});

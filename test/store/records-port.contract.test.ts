// The embedded store runs the OrganizationRecords contract, in memory and file-backed (reopened from disk,
// so what the file holds is what the contract sees).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { createInMemoryEmailConfigStore, openEmailConfigStore } from '../../src/store/email-config-store.js';
import { EmbeddedOrganizationRecords } from '../../src/store/embedded-records.js';
import type { DataFileDocument } from '../../src/store/schema.js';
import { documentWithMailboxes } from './documents.js';
import { describeRecordsPortContract, type OrganizationSeed } from './records-port.contract.js';

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

// The OrganizationRecords contract over the fake Dataverse: the same suite the embedded store passes, run
// against DataverseOrganizationRecords. The fake keys rows by GUIDs (guidOf of the seed's ids), so the suite
// is told how a seeded id looks in this backend.
import { afterAll } from 'vitest';
import { DirectoryRoleTemplateIds } from '../../src/dataverse/graph.js';
import { FAKE_SERVICE_PRINCIPAL_ID } from '../fakes/fake-cloud.js';
import { guidOf } from '../fakes/fake-dataverse/tables.js';
import { describeRecordsPortContract } from '../store/records-port.contract.js';
import { closeClouds, dataverseRecordsOver, organizationDataOf } from './records-support.js';

afterAll(closeClouds);

describeRecordsPortContract(
  'Dataverse over the fake',
  async (seed) => {
    const { records, cloud } = await dataverseRecordsOver({ data: organizationDataOf(seed) });
    // The contract checks the adapter, not who may approve: the bot's service principal holds the Exchange
    // administrator role here, so the platform accepts its approvals (records.test.ts covers the refusal).
    cloud.directory.grant(FAKE_SERVICE_PRINCIPAL_ID, DirectoryRoleTemplateIds.ExchangeAdministrator);
    return records;
  },
  { id: guidOf },
);

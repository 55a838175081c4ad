// A DataverseOrganizationRecords over a fresh fake cloud seeded with given records, for the contract and the
// adapter's own tests. Every cloud started here is closed by `closeClouds`.
import { DataverseClient, type DataverseClientOptions } from '../../src/dataverse/client.js';
import { DataverseOrganizationRecords, type DataverseRecordsOptions } from '../../src/dataverse/records.js';
import type { OrganizationData } from '../../src/store/org-file.js';
import { startFakeCloud, type FakeCloud, type FakeCloudOptions } from '../fakes/fake-cloud.js';
import { documentWithMailboxes } from '../store/documents.js';
import type { OrganizationSeed } from '../store/records-port.contract.js';

const clouds: FakeCloud[] = [];

export async function closeClouds(): Promise<void> {
  await Promise.all(clouds.splice(0).map((cloud) => cloud.close()));
}

export const organizationDataOf = (seed: OrganizationSeed): OrganizationData => ({ ...seed, exchange: documentWithMailboxes(0).exchangeSimulation });

export interface RecordsOverFake {
  readonly records: DataverseOrganizationRecords;
  readonly client: DataverseClient;
  readonly cloud: FakeCloud;
}

export async function dataverseRecordsOver(
  cloudOptions: FakeCloudOptions,
  options: { readonly client?: Partial<DataverseClientOptions>; readonly records?: Partial<DataverseRecordsOptions> } = {},
): Promise<RecordsOverFake> {
  const cloud = await startFakeCloud(cloudOptions);
  clouds.push(cloud);
  const client = DataverseClient.fromSettings(cloud.settings, { retryBaseDelayMs: 5, ...options.client });
  // Small pages, so that the load and refreshes follow nextLink even over a small organization.
  const records = new DataverseOrganizationRecords({ client, tenantId: cloud.settings.tenantId, pageSize: 7, ...options.records });
  await records.load();
  return { records, client, cloud };
}

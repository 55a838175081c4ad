// What the simulated Exchange learns from Test & Enable (which organization a mailbox synchronizes with)
// outlives a restart of the bot, as it would in a real Exchange: it is kept in the data file.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MailboxTestRequest } from '../../src/domain/test-and-enable.js';
import { SimulatedExchangeConnector } from '../../src/exchange/simulated-exchange.js';
import { openEmailConfigStore, type DocumentEmailConfigStore } from '../../src/store/email-config-store.js';
import { startTestBot, type TestBot } from '../support/bot-harness.js';
import { jobOf, waitForReportedJob } from '../jobs/http-support.js';
import { documentWithMailboxes } from '../store/documents.js';
import { testOnce } from '../support/exchange.js';

let directory: string;
let dataPath: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'exchange-persistence-'));
  dataPath = join(directory, 'db.json');
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

const ADDRESS = 'person0001@contoso.com';

/** A mailbox Exchange synchronizes with another organization, in an organization whose id is `org-test`. */
const documentWithForeignStamp = () => {
  const document = documentWithMailboxes(1);
  return { ...document, exchangeSimulation: { ...document.exchangeSimulation, mailboxes: [{ emailAddress: ADDRESS, primarySyncOrganizationId: 'org-fabrikam', behaviour: { transientFailures: 0, permanentFailure: null } }] } };
};

const request = (makePrimarySyncOrganization: boolean): MailboxTestRequest => ({
  organization: { id: 'org-test', name: 'Test Org' },
  tenantId: documentWithMailboxes(0).organization.tenantId,
  mailbox: { id: 'mbx-0001', name: 'Person 0001', emailAddress: ADDRESS },
  profile: { id: 'profile-exo', name: 'Microsoft Exchange Online', serverType: 'ExchangeOnline' },
  parts: ['act'],
  makePrimarySyncOrganization,
});

const connectorOver = (store: DocumentEmailConfigStore, record = store.recordSimulatedPrimarySyncOrganization.bind(store)) =>
  new SimulatedExchangeConnector(store.exchangeSimulation(), { sleep: () => Promise.resolve(), recordPrimarySyncOrganization: record });

const actStatus = async (connector: SimulatedExchangeConnector, makePrimary: boolean): Promise<string> => {
  const outcome = (await testOnce(connector, request(makePrimary))).parts.act;
  return outcome?.status === 'success' ? 'success' : `${outcome?.status}:${outcome?.condition}`;
};

describe('the simulated Exchange across a restart', () => {
  it('keeps a mailbox claimed with "sync from this org only" for this organization after the store is closed and reopened', async () => {
    const store = await openEmailConfigStore(dataPath, documentWithForeignStamp);
    const before = connectorOver(store);
    expect(await actStatus(before, false)).toBe('permanent:ActConfiguredWithAnotherOrganization');
    expect(await actStatus(before, true)).toBe('success');
    await store.close();

    const reopened = await openEmailConfigStore(dataPath, () => {
      throw new Error('the file exists: no seed');
    });
    expect(reopened.exchangeSimulation().mailboxes).toMatchObject([{ emailAddress: ADDRESS, primarySyncOrganizationId: 'org-test' }]);
    expect(await actStatus(connectorOver(reopened), false)).toBe('success');
    await reopened.close();
  });

  it('does not claim the mailbox in memory when the claim cannot be kept: the test fails and Exchange stays as it was', async () => {
    const store = await openEmailConfigStore(dataPath, documentWithForeignStamp);
    const connector = connectorOver(store, () => Promise.reject(new Error('disk full')));
    // The outcome reported is no test result, which the runner treats as a connector error (tried again later).
    await expect(testOnce(connector, request(true))).rejects.toThrow(/notRecorded|expected/i);
    expect(connector.primarySyncOrganizationOf(ADDRESS)).toBe('org-fabrikam');
    expect(store.exchangeSimulation().mailboxes[0]?.primarySyncOrganizationId).toBe('org-fabrikam');
    await store.close();
  });
});

describe('what the simulated Exchange keeps in the data file', () => {
  it('writes nothing for a first stamp (a restart would stamp the same), only for a claim from another organization', async () => {
    const unstamped = () => {
      const document = documentWithMailboxes(1);
      return { ...document, exchangeSimulation: { ...document.exchangeSimulation, mailboxes: [{ emailAddress: ADDRESS, primarySyncOrganizationId: null, behaviour: { transientFailures: 0, permanentFailure: null } }] } };
    };
    const store = await openEmailConfigStore(dataPath, unstamped);
    const writesBefore = store.writesPerformed;
    expect(await actStatus(connectorOver(store), false)).toBe('success');
    expect(store.writesPerformed).toBe(writesBefore);
    await store.close();
  });
});

describe('"sync from this org only" in chat, then a restart of the bot', () => {
  let running: TestBot | undefined;
  afterEach(async () => {
    await running?.stop();
    running = undefined;
  });

  const testOtto = async (t: TestBot): Promise<string> => {
    const [card] = await t.say(t.user('ada'), 'test mailbox otto@contoso.com');
    const jobId = /J-\d+/.exec(JSON.stringify(card))?.[0] ?? '';
    await waitForReportedJob(t, jobId);
    const results = jobOf(t, jobId)?.results ?? [];
    expect(results).toHaveLength(1);
    return JSON.stringify(results[0]);
  };

  it('Test & Enable still succeeds for the claimed mailbox after the restart, without the check box', { timeout: 60_000 }, async () => {
    // Otto's mailbox is bound to Fabrikam in the demo's Exchange.
    running = await startTestBot({ dataFile: dataPath });
    expect(await testOtto(running)).toMatch(/configured with another organization/);
    await running.say(running.user('ada'), 'sync from this org only otto@contoso.com on');
    expect(await testOtto(running)).toMatch(/"verdict":"enabled"/);
    await running.say(running.user('ada'), 'sync from this org only otto@contoso.com off');
    expect(running.bot.services.store.mailboxByEmail('otto@contoso.com')?.orgMarkedAsPrimaryForExchangeSync).toBe(false);
    await running.stop();
    running = undefined;

    running = await startTestBot({ dataFile: dataPath });
    expect(await testOtto(running)).toMatch(/"verdict":"enabled"/);
  });
});

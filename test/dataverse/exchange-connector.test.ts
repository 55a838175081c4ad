// The Dataverse ExchangeConnector against the fake: Test & Enable is scheduled as the platform's own (PATCH
// testemailconfigurationscheduled in a $batch, coalesced across schedule calls), observed by polling (two paged
// queries per poll, whatever the number of mailboxes), and reported per part from the platform's status columns
// and trace logs: known texts through the alert catalog, unknown ones verbatim with their trace code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReportedTestOutcome, ScheduledTest } from '../../src/app/exchange-connector.js';
import { DataverseClient } from '../../src/dataverse/client.js';
import { DataverseExchangeConnector, conditionOfTrace } from '../../src/dataverse/exchange-connector.js';
import type { MailboxPart } from '../../src/domain/alert-catalog.js';
import { startFakeCloud, type FakeCloud } from '../fakes/fake-cloud.js';
import { guidOf } from '../fakes/fake-dataverse/tables.js';
import { FAKE_TRACE_CODES } from '../fakes/fake-dataverse/sync.js';

let cloud: FakeCloud;
beforeAll(async () => {
  cloud = await startFakeCloud({ testDelayMs: 20 });
});
afterAll(() => cloud.close());

const connectorOver = (options: Partial<ConstructorParameters<typeof DataverseExchangeConnector>[0]> = {}) =>
  new DataverseExchangeConnector({ client: DataverseClient.fromSettings(cloud.settings, { retryBaseDelayMs: 5 }), pollIntervalMs: 40, coalesceMs: 20, ...options });

function testOf(owner: string, address: string, parts: readonly MailboxPart[] = ['incoming', 'outgoing', 'act'], makePrimarySyncOrganization = false): ScheduledTest {
  return {
    testId: `test-${owner}-${Math.random().toString(36).slice(2)}`,
    request: {
      organization: { id: 'org-contoso', name: 'Contoso' },
      tenantId: cloud.settings.tenantId,
      mailbox: { id: guidOf(`mailbox-${owner}`), name: owner, emailAddress: address },
      profile: { id: guidOf('profile-exchange-online'), name: 'Microsoft Exchange Online', serverType: 'ExchangeOnline' },
      parts,
      makePrimarySyncOrganization,
    },
  };
}

async function outcomesOf(connector: DataverseExchangeConnector, tests: readonly ScheduledTest[]): Promise<Map<string, unknown>> {
  const results = new Map<string, unknown>();
  let cursor: string | undefined;
  const controller = new AbortController();
  const deadline = setTimeout(() => controller.abort(), 10_000);
  const first = connector.observe(undefined, controller.signal);
  await Promise.all(tests.map((test) => connector.schedule([test])));
  let answer = await first;
  for (;;) {
    answer.outcomes.forEach((outcome: ReportedTestOutcome) => results.set(outcome.testId, outcome.result));
    cursor = answer.cursor;
    if (tests.every((test) => results.has(test.testId)) || controller.signal.aborted) break;
    answer = await connector.observe(cursor, controller.signal);
  }
  clearTimeout(deadline);
  return results;
}

describe('DataverseExchangeConnector', () => {
  it('schedules coalesced tests in one $batch and reports what the platform found, per part', async () => {
    const connector = connectorOver();
    const ada = testOf('user-ada', 'ada@contoso.com');
    const otto = testOf('user-otto', 'otto@contoso.com');
    const pia = testOf('user-pia', 'pia@contoso.com', ['incoming', 'outgoing']);
    const support = testOf('queue-support', 'support@contoso.com', ['incoming', 'outgoing']);
    const before = cloud.dataverse.requests.length;
    const results = await outcomesOf(connector, [ada, otto, pia, support]);
    const batches = cloud.dataverse.requests.slice(before).filter((request) => request.target.endsWith('/$batch'));
    expect(batches.map((request) => request.innerRequests)).toEqual([4]);

    expect(results.get(ada.testId)).toMatchObject({ parts: { incoming: { status: 'success' }, outgoing: { status: 'success' }, act: { status: 'success' } } });
    // Exchange synchronizes Otto with another organization: the catalog knows the text.
    expect(results.get(otto.testId)).toMatchObject({ parts: { incoming: { status: 'success' }, act: { status: 'permanent', condition: 'ActConfiguredWithAnotherOrganization', code: String(FAKE_TRACE_CODES.ActConfiguredWithAnotherOrganization) } } });
    expect(results.get(support.testId)).toMatchObject({ parts: { incoming: { status: 'permanent', condition: 'MailboxNotFound' } } });
    // Pia is not approved: the catalog has no product text for that trace, so it is reported verbatim.
    const piaRow = cloud.dataverse.rows('tracelogs').find((row) => row._regardingobjectid_value === guidOf('mailbox-user-pia'));
    expect(results.get(pia.testId)).toMatchObject({ parts: { incoming: { status: 'permanent', condition: 'ReportedByPlatform', code: String(FAKE_TRACE_CODES.EmailAddressNotApproved), message: piaRow?.text }, outgoing: { condition: 'ReportedByPlatform' } } });
    expect(Object.keys((results.get(pia.testId) as { parts: object }).parts)).toEqual(['incoming', 'outgoing']);
    expect(connector.waitingCount).toBe(0);
  });

  it('polls with two paged queries per poll while tests wait, never one request per mailbox', async () => {
    cloud.dataverse.setTestDelay(400);
    try {
      const connector = connectorOver({ pollIntervalMs: 50 });
      const tests = ['user-sam', 'user-sid', 'user-erin', 'user-gus', 'user-dana', 'user-cody'].map((owner) => testOf(owner, `${owner.slice(5)}@contoso.com`, ['incoming']));
      const startedAt = Date.now();
      const results = await outcomesOf(connector, tests);
      expect(results.size).toBe(tests.length);
      const polls = cloud.dataverse.requestsBetween(startedAt, Date.now()).filter((request) => request.method === 'GET');
      const mailboxPolls = polls.filter((request) => decodeURIComponent(request.target).includes('testemailconfigurationscheduled eq false'));
      const rereads = polls.filter((request) => decodeURIComponent(request.target).includes('mailboxid eq'));
      expect(mailboxPolls.length).toBeGreaterThanOrEqual(3);
      // Before scheduling: one query for the six ETags.
      expect(rereads.length).toBe(1);
      expect(polls.length).toBeLessThanOrEqual(rereads.length + 2 * mailboxPolls.length);
    } finally {
      cloud.dataverse.setTestDelay(20);
    }
  });

  it('does not schedule again a mailbox that is still scheduled (a job resumed after a restart), and still reports it', async () => {
    cloud.dataverse.setTestDelay(300);
    try {
      const first = connectorOver();
      const evanFirst = testOf('user-evan', 'evan@contoso.com', ['incoming']);
      await first.schedule([evanFirst]);
      const resumed = connectorOver();
      const evanAgain = testOf('user-evan', 'evan@contoso.com', ['incoming']);
      const before = cloud.dataverse.requests.length;
      const results = await outcomesOf(resumed, [evanAgain]);
      expect(cloud.dataverse.requests.slice(before).filter((request) => request.target.endsWith('/$batch'))).toHaveLength(0);
      // Evan's mailbox fails twice transiently, which the platform retries itself; the outcome is the final one.
      expect(results.get(evanAgain.testId)).toMatchObject({ parts: { incoming: { status: 'success' } } });
    } finally {
      cloud.dataverse.setTestDelay(20);
    }
  });

  it('does not schedule again a mailbox whose test completed since its job began (a job taken over from a dead instance), and reports that outcome', async () => {
    const jobBegan = new Date(Date.now() - 1_000).toISOString();
    const dead = connectorOver();
    const gusFirst = testOf('user-gus', 'gus@contoso.com', ['incoming']);
    const firstOutcome = (await outcomesOf(dead, [gusFirst])).get(gusFirst.testId);
    expect(firstOutcome).toBeDefined();
    const scheduledBefore = cloud.dataverse.testsScheduled.length;
    const takenOver = connectorOver();
    const gusAgain: ScheduledTest = { ...testOf('user-gus', 'gus@contoso.com', ['incoming']), request: { ...testOf('user-gus', 'gus@contoso.com', ['incoming']).request, scheduledSince: jobBegan } };
    const results = await outcomesOf(takenOver, [gusAgain]);
    expect(cloud.dataverse.testsScheduled.slice(scheduledBefore)).toEqual([]);
    expect(results.get(gusAgain.testId)).toEqual(firstOutcome);
    // A job that began after that test completed has it tested again.
    const later: ScheduledTest = { ...gusAgain, testId: `${gusAgain.testId}-later`, request: { ...gusAgain.request, scheduledSince: new Date(Date.now() + 1_000).toISOString() } };
    await outcomesOf(connectorOver(), [later]);
    expect(cloud.dataverse.testsScheduled.slice(scheduledBefore).map((test) => test.mailboxId)).toEqual([guidOf('mailbox-user-gus')]);
  });

  it('answers an aborted observation with no outcomes at the same cursor', async () => {
    const connector = connectorOver();
    const controller = new AbortController();
    const waiting = connector.observe('0', controller.signal);
    controller.abort();
    expect(await waiting).toEqual({ outcomes: [], cursor: '0' });
  });

  it('maps the product texts it knows to catalog conditions and anything else to ReportedByPlatform', () => {
    expect(conditionOfTrace('Email cannot be received for the mailbox x because the credentials specified in the associated email server profile are incorrect')).toBe('Unauthorized');
    expect(conditionOfTrace('An error occurred while establishing a secure connection to the email server')).toBe('SecureConnectionFailure');
    expect(conditionOfTrace('Something entirely new')).toBe('ReportedByPlatform');
  });
});

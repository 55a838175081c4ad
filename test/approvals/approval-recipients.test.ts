// Who gets an approval card, over HTTP with the fake Bot Connector: exactly the approvers the permission model
// allows for each deployment of the permission table, limited to those the bot can reach, with a report to the
// requester naming who was asked and who could not be reached.
import { afterEach, describe, expect, it } from 'vitest';
import type { TestBot } from '../support/bot-harness.js';
import { approvalCardsSentTo, askForApproval, greet, startApprovalBot, textsSentTo, waitForApprovalCards } from './support.js';
import { examplePath } from '../support/fixtures.js';

interface DeploymentCase {
  readonly title: string;
  readonly file: string;
  readonly requester: string;
  readonly mailbox: string;
  readonly expectedApprovers: readonly string[];
}

const deploymentCases: readonly DeploymentCase[] = [
  {
    title: 'Customer Engagement (online) with Exchange Online, 2019 table: Global or Exchange admin with System Administrator',
    file: 'contoso.json',
    requester: 'ada',
    mailbox: 'cody@contoso.com',
    expectedApprovers: ['Ada Admin', 'Evan Exchange'],
  },
  {
    title: 'Customer Engagement (online) with Exchange Online, 2025 table: Delegated Mailbox Approver with System Administrator joins them',
    file: 'contoso-2025.json',
    requester: 'ada',
    mailbox: 'gus@contoso.com',
    expectedApprovers: ['Ada Admin', 'Dana Delegate', 'Evan Exchange'],
  },
  {
    title: 'the 2025 table lets the owner self-approve their own user mailbox, so the owner is asked too',
    file: 'contoso-2025.json',
    requester: 'ada',
    mailbox: 'cody@contoso.com',
    expectedApprovers: ['Ada Admin', 'Cody Customizer', 'Dana Delegate', 'Evan Exchange'],
  },
  {
    title: 'Customer Engagement (online) with Exchange on-premises, 2019 table: System Administrator alone is not enough',
    file: 'ce-online-exchange-onprem.json',
    requester: 'nora',
    mailbox: 'stan@northwindtraders.com',
    expectedApprovers: ['Nora Global', 'Xavier Exchange'],
  },
  {
    title: 'Customer Engagement (on-premises) with Exchange Online: the System Administrator',
    file: 'ce-onprem-exchange-online.json',
    requester: 'frank',
    mailbox: 'hugo@fabrikam.com',
    expectedApprovers: ['Frank Sysadmin'],
  },
  {
    title: 'Customer Engagement (on-premises) with Exchange on-premises, before 9.1.0.5805: the System Administrator',
    file: 'ce-onprem-exchange-onprem.json',
    requester: 'lena',
    mailbox: 'lena@litware.com',
    expectedApprovers: ['Lena Sysadmin'],
  },
];

describe('approval cards reach exactly the eligible approvers', () => {
  let t: TestBot | undefined;
  afterEach(async () => {
    await t?.stop();
    t = undefined;
  });

  for (const deployment of deploymentCases) {
    it(`sends the card to the approvers of ${deployment.title}`, async () => {
      t = await startApprovalBot({ orgFile: examplePath(deployment.file) });
      const everyone = t.bot.services.store.users();
      await greet(t, ...everyone);
      const requester = t.user(deployment.requester);
      await askForApproval(t, requester, deployment.mailbox);

      const approvers = everyone.filter((user) => deployment.expectedApprovers.includes(user.fullName));
      expect(approvers.map((user) => user.fullName).sort()).toEqual([...deployment.expectedApprovers].sort());
      const cards = await waitForApprovalCards(t, approvers);
      // The report comes after delivery is confirmed; by then every card that will be sent was sent.
      await t.connector.waitFor(() => textsSentTo(t!, requester).some((text) => text.startsWith('I asked')), 5_000, 'the requester report');

      const receivers = everyone.filter((user) => approvalCardsSentTo(t!, user).length > 0).map((user) => user.fullName);
      expect(receivers.sort()).toEqual([...deployment.expectedApprovers].sort());
      for (const sent of cards) {
        expect(sent.card.refresh?.userIds.sort()).toEqual(approvers.map((user) => `29:${user.aadObjectId}`).sort());
        expect(JSON.stringify(sent.card)).toContain(deployment.mailbox);
      }
    });
  }

  it('tells the requester who was asked and who could not be reached', async () => {
    t = await startApprovalBot();
    const [ada, evan, sam] = [t.user('ada'), t.user('evan'), t.user('sam')];
    await greet(t, ada, sam);
    await askForApproval(t, sam, 'cody@contoso.com');

    await waitForApprovalCards(t, [ada]);
    await t.connector.waitFor(() => textsSentTo(t!, sam).length > 0, 5_000, 'the requester report');
    const report = textsSentTo(t, sam).join('\n');
    expect(report).toMatch(/I asked Ada Admin to approve cody@contoso\.com \(mailbox Cody Customizer\)\./);
    expect(report).toMatch(/Could not reach: Evan Exchange \(has not installed the bot or never talked to it\)\./);
    expect(approvalCardsSentTo(t, evan)).toEqual([]);
    expect(approvalCardsSentTo(t, sam)).toEqual([]);
  });

  it('does not send to an approver who uninstalled the bot, and says why', async () => {
    t = await startApprovalBot();
    const [ada, evan] = [t.user('ada'), t.user('evan')];
    await greet(t, ada, evan);
    const uninstalled = await t.post(t.activityFrom(evan, { type: 'installationUpdate', action: 'remove' }));
    expect(uninstalled.status).toBeLessThan(300);
    await askForApproval(t, ada, 'cody@contoso.com');

    await t.connector.waitFor(() => textsSentTo(t!, ada).length > 0, 5_000, 'the requester report');
    const report = textsSentTo(t, ada).join('\n');
    expect(report).toMatch(/I asked Ada Admin to approve/);
    expect(report).toMatch(/Could not reach: Evan Exchange \(their chat with the bot is inactive: the app was uninstalled from this conversation\)/);
    expect(approvalCardsSentTo(t, evan)).toEqual([]);
  });

  it('tells the requester when the permission model lets nobody approve', async () => {
    t = await startApprovalBot({ orgFile: examplePath('ce-onprem-exchange-online.json') });
    const [frank, hugo] = [t.user('frank'), t.user('hugo')];
    await greet(t, frank, hugo);
    // Frank, the only System Administrator, is disabled: nobody is left who may approve.
    const disabled = await t.bot.services.store.commit({ users: [{ ...frank, active: false }] });
    expect(disabled).toEqual({ ok: true });
    await askForApproval(t, hugo, 'hugo@fabrikam.com');

    await t.connector.waitFor(() => textsSentTo(t!, hugo).some((text) => text.startsWith('Nobody')), 5_000, 'the requester report');
    expect(textsSentTo(t, hugo).join('\n')).toMatch(
      /Nobody was asked to approve hugo@fabrikam\.com \(mailbox Hugo Seller\): no active user of Fabrikam may approve it under the permission model for Customer Engagement \(on-premises\) with Exchange Online/,
    );
    expect(approvalCardsSentTo(t, frank)).toEqual([]);
  });
});

// Natural requests, diagnoses, actionable lists and the health view end to end (issue 15), in the Agents
// Playground driven by headless Chromium: what an admin types in their own words, what they click, and what
// changed in the records. Screenshots go to docs/images/ with UPDATE_SCREENSHOTS=1 (see support/screenshots.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertLevel, EmailApprovalStatus, TestStatus } from '../../src/domain/options.js';
import { startE2eEnvironment, type E2eEnvironment } from './support/environment.js';
import { screenshotDirectory, screenshotPath } from './support/screenshots.js';

describe('Natural requests and actionable cards in the Microsoft 365 Agents Playground, as Ada Admin sees them', () => {
  let env: E2eEnvironment;

  const mailbox = (address: string) => env.bot.services.store.mailboxByEmail(address);

  beforeAll(async () => {
    env = await startE2eEnvironment();
    process.stdout.write(`e2e screenshots: ${screenshotDirectory()}\n`);
    // Otto's last test failed because Exchange syncs his mailbox with another organization.
    const otto = mailbox('otto@contoso.com');
    if (otto === undefined) throw new Error('no Otto in the demo organization');
    const committed = await env.bot.services.store.commit({
      mailboxes: [{ ...otto, mailboxStatus: TestStatus.Failure, actStatus: TestStatus.Failure, version: otto.version + 1 }],
      alerts: [
        {
          id: 'alert-e2e-otto',
          level: AlertLevel.Error,
          code: 'ActConfiguredWithAnotherOrganization',
          text: 'Appointments, contacts and tasks of otto@contoso.com are synchronized with another Dynamics 365 organization.',
          regarding: { type: 'mailbox', id: otto.id },
          createdOn: '2026-12-05T09:00:00Z',
        },
      ],
    });
    if (!committed.ok) throw new Error('could not seed Otto’s failure');
  });

  afterAll(async () => {
    await env?.stop();
  });

  // First, before any approval here starts a Test & Enable of its own that reports to the same chat.
  it('leaves exactly one card in Ada’s chat for a profile’s Test & Enable, updated in place to its summary', async () => {
    const { ada } = env;
    const request = 'test the mailboxes of the exchange online profile';
    const preview = await ada.ask(request, { showing: /Confirm: test mailboxes for profile "?Microsoft Exchange Online"?/ });
    const before = await ada.botMessageCount();
    await ada.button(preview, /^Confirm$/).click();
    await ada.waitUntilShows(preview, /Confirmed: test mailboxes for profile/);
    const jobCard = await ada.waitForReply(before, { showing: /Test & Enable/ });
    await ada.waitUntilShows(jobCard, /Done[\s\S]*succeeded/, 60_000);
    // Owner alerts, digests and delivery reports have had time to arrive: none of them is in Ada's chat.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const after = await ada.botMessageCount();
    const arrived = await Promise.all(Array.from({ length: after - before }, (_, index) => ada.botMessages().nth(before + index).innerText()));
    expect(arrived.map((text) => text.slice(0, 160))).toEqual([expect.stringContaining('Test & Enable mailboxes of profile')]);
    const summary = await ada.cardText(jobCard);
    expect(summary).not.toMatch(/new alerts/);
    await ada.screenshot(screenshotPath('job-one-card'), { from: jobCard });
  });

  it('reads "approve pia" as a request and previews it before approving on Confirm', async () => {
    const { ada } = env;
    const preview = await ada.ask('approve pia', { showing: /Confirm: approve mailbox pia@contoso\.com/ });
    expect(await ada.cardText(preview)).toMatch(/I read it from your words/);
    expect(mailbox('pia@contoso.com')?.emailRouterAccessApproval).toBe(EmailApprovalStatus.PendingApproval);
    await ada.screenshot(screenshotPath('natural-approve'), { from: ada.sentMessage('approve pia') });

    const before = await ada.botMessageCount();
    await ada.button(preview, /^Confirm$/).click();
    await ada.waitUntilShows(preview, /Confirmed: approve mailbox pia@contoso\.com/);
    await ada.waitForReply(before, { showing: /1 succeeded/ });
    expect(mailbox('pia@contoso.com')?.emailRouterAccessApproval).toBe(EmailApprovalStatus.Approved);
  });

  it('answers "why is otto\'s mailbox not working?" with a diagnosis whose fix button works', async () => {
    const { ada } = env;
    const question = "why is otto's mailbox not working?";
    const diagnosis = await ada.ask(question, { showing: /Likely cause/ });
    const text = await ada.cardText(diagnosis);
    expect(text).toMatch(/Otto Owner is not working/);
    expect(text).toMatch(/another Dynamics 365 organization/);
    await ada.screenshot(screenshotPath('natural-diagnosis'), { from: ada.sentMessage(question) });

    let before = await ada.botMessageCount();
    await ada.button(diagnosis, /^Sync from this org only$/).click();
    const preview = await ada.waitForReply(before, { showing: /Confirm: sync from this org only otto@contoso\.com on/ });
    expect(mailbox('otto@contoso.com')?.orgMarkedAsPrimaryForExchangeSync).toBe(false);
    before = await ada.botMessageCount();
    await ada.button(preview, /^Confirm$/).click();
    await ada.waitUntilShows(preview, /Confirmed: sync from this org only/);
    expect(mailbox('otto@contoso.com')?.orgMarkedAsPrimaryForExchangeSync).toBe(true);
  });

  it('approves from the pending list, one row at a time, after the preview', async () => {
    const { ada } = env;
    const list = await ada.ask('mailboxes pending', { showing: /Email address status: Pending Approval/ });
    const listText = await ada.cardText(list);
    expect(listText).toMatch(/sam@contoso\.com/);
    await ada.screenshot(screenshotPath('pending-list'), { from: ada.sentMessage('mailboxes pending') });

    let before = await ada.botMessageCount();
    await ada.button(list, /^Approve: Sam Sysadmin$/).click();
    const preview = await ada.waitForReply(before, { showing: /Confirm: approve mailbox sam@contoso\.com/ });
    expect(mailbox('sam@contoso.com')?.emailRouterAccessApproval).toBe(EmailApprovalStatus.PendingApproval);
    before = await ada.botMessageCount();
    await ada.button(preview, /^Confirm$/).click();
    await ada.waitUntilShows(preview, /Confirmed: approve mailbox sam@contoso\.com/);
    expect(mailbox('sam@contoso.com')?.emailRouterAccessApproval).toBe(EmailApprovalStatus.Approved);
  });

  it('shows the sync health overview on request', async () => {
    const { ada } = env;
    const health = await ada.ask('how healthy is server-side sync?', { showing: /Server-side synchronization health/ });
    const text = await ada.cardText(health);
    expect(text).toMatch(/Working/);
    expect(text).toMatch(/Not tested/);
    expect(text).toMatch(/Test results, last 7 days/);
    await ada.screenshot(screenshotPath('health'), { from: ada.sentMessage('how healthy is server-side sync?') });
  });
});

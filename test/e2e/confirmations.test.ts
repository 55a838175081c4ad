// Safe actions end to end (issue 12), in the Agents Playground driven by headless Chromium: a write reached
// through a suggestion, or naming pending or all, shows what it will change first, with Confirm and Cancel.
// Screenshots go to docs/images/ with UPDATE_SCREENSHOTS=1 (see support/screenshots.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmailApprovalStatus } from '../../src/domain/options.js';
import { startE2eEnvironment, type E2eEnvironment } from './support/environment.js';
import { screenshotDirectory, screenshotPath } from './support/screenshots.js';

describe('Confirmations in the Microsoft 365 Agents Playground, as Ada Admin sees them', () => {
  let env: E2eEnvironment;

  const approvalOf = (address: string): number | undefined => env.bot.services.store.mailboxByEmail(address)?.emailRouterAccessApproval;

  beforeAll(async () => {
    env = await startE2eEnvironment();
    process.stdout.write(`e2e screenshots: ${screenshotDirectory()}\n`);
  });

  afterAll(async () => {
    await env?.stop();
  });

  it('turns a suggested approval into a confirmation: Cancel leaves the status as it was, Confirm approves', async () => {
    const { ada } = env;
    const codyBefore = approvalOf('cody@contoso.com');
    expect(codyBefore).not.toBe(EmailApprovalStatus.Approved);

    const notFound = await ada.ask('approve mailbox nobody@contoso.com', { showing: /Not found/ });
    const suggestion = ada.button(notFound, /cody@contoso\.com/);
    await expect(suggestion.count()).resolves.toBe(1);

    let before = await ada.botMessageCount();
    await suggestion.click();
    const preview = await ada.waitForReply(before, { showing: /Confirm: approve mailbox cody@contoso\.com/ });
    const previewText = await ada.cardText(preview);
    expect(previewText).toMatch(/1 mailbox will change/);
    expect(previewText).toMatch(/Email Address Status/);
    expect(previewText).toMatch(/you chose it on a card/);
    // The card it came from is still there, unchanged: a suggestion is navigation, not a decision.
    expect(await ada.cardText(notFound)).toMatch(/Not found/);
    expect(approvalOf('cody@contoso.com')).toBe(codyBefore);
    await ada.screenshot(screenshotPath('confirm-suggestion'), { from: ada.sentMessage('approve mailbox nobody@contoso.com') });

    await ada.button(preview, /^Cancel$/).click();
    await ada.waitUntilShows(preview, /Cancelled: approve mailbox cody@contoso\.com[\s\S]*Nothing was changed/);
    expect(approvalOf('cody@contoso.com')).toBe(codyBefore);
    await ada.screenshot(screenshotPath('confirm-cancelled'), { from: preview });

    before = await ada.botMessageCount();
    await suggestion.click();
    const second = await ada.waitForReply(before, { showing: /Confirm: approve mailbox cody@contoso\.com/ });
    before = await ada.botMessageCount();
    await ada.button(second, /^Confirm$/).click();
    await ada.waitUntilShows(second, /Confirmed: approve mailbox cody@contoso\.com/);
    const result = await ada.waitForReply(before, { showing: /1 succeeded/ });
    expect(await ada.cardText(result)).toMatch(/Approve email/);
    expect(approvalOf('cody@contoso.com')).toBe(EmailApprovalStatus.Approved);
    await ada.screenshot(screenshotPath('confirm-approved'), { from: second });
  });

  it('previews "reject mailbox pending because …" with the count, then rejects them on Confirm', async () => {
    const { ada } = env;
    const pending = env.bot.services.store
      .mailboxes()
      .filter((mailbox) => mailbox.active && mailbox.emailRouterAccessApproval === EmailApprovalStatus.PendingApproval)
      .map((mailbox) => mailbox.emailAddress);
    expect(pending.length).toBeGreaterThan(1);

    const command = 'reject mailbox pending because the addresses are retired';
    const preview = await ada.ask(command, { showing: /Confirm: reject mailbox pending because the addresses are retired/ });
    const previewText = await ada.cardText(preview);
    expect(previewText).toContain(`${pending.length} mailboxes will change.`);
    expect(previewText).toMatch(/Pending Approval → Rejected/);
    for (const address of pending) expect(approvalOf(address)).toBe(EmailApprovalStatus.PendingApproval);
    await ada.screenshot(screenshotPath('confirm-reject-pending'), { from: ada.sentMessage(command) });

    const before = await ada.botMessageCount();
    await ada.button(preview, /^Confirm$/).click();
    await ada.waitUntilShows(preview, /Confirmed: reject mailbox pending/);
    await ada.waitForReply(before, { showing: new RegExp(`${pending.length} succeeded`) });
    for (const address of pending) expect(approvalOf(address)).toBe(EmailApprovalStatus.Rejected);
  });

  it('previews "apply default settings to all" with every setting it would overwrite, old and new', async () => {
    const { ada } = env;
    const before = JSON.stringify(env.bot.services.store.mailboxes());
    const preview = await ada.ask('apply default settings to all', { showing: /Confirm: apply default settings to all/ });
    const previewText = await ada.cardText(preview);
    expect(previewText).toMatch(/This overwrites \d+ values? set before/);
    expect(previewText).toMatch(/Sales Inbox \(sales@contoso\.com\): Appointments, Contacts, and Tasks \S[^\n]* → Server-Side Synchronization/);
    expect(previewText).toMatch(/Then Test & Enable runs for \d+ mailbox/);
    expect(JSON.stringify(env.bot.services.store.mailboxes())).toBe(before);
    await ada.screenshot(screenshotPath('confirm-apply-defaults'), { from: ada.sentMessage('apply default settings to all') });

    await ada.button(preview, /^Cancel$/).click();
    await ada.waitUntilShows(preview, /Cancelled/);
    expect(JSON.stringify(env.bot.services.store.mailboxes())).toBe(before);
  });
});

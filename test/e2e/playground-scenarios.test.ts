// End to end in a Teams-like client: the real bot behind the Microsoft 365 Agents Playground, whose web UI
// headless Chromium drives the way a person would (type, press Enter, click card buttons). Every scenario
// asserts on what the user sees in the chat and saves a screenshot (docs/images/ with UPDATE_SCREENSHOTS=1).
// Scenarios share one environment and run in order, as one admin's session would.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { EmailApprovalStatus } from '../../src/domain/options.js';
import { startE2eEnvironment, type E2eEnvironment } from './support/environment.js';
import { screenshotDirectory, screenshotPath } from './support/screenshots.js';

describe('Mailbox Sync Bot in the Microsoft 365 Agents Playground, as the Contoso admins see it', () => {
  let env: E2eEnvironment;

  beforeAll(async () => {
    env = await startE2eEnvironment();
    process.stdout.write(`e2e screenshots: ${screenshotDirectory()}\n`);
  });

  afterAll(async () => {
    await env?.stop();
  });

  it('shows Ada Admin the commands for help, then verifies the Microsoft Exchange Online profile', async () => {
    const { ada } = env;
    const help = await ada.ask('help', { showing: 'test mailboxes for profile' });
    const helpText = await help.innerText();
    expect(helpText).toMatch(/approve mailbox/);
    expect(helpText).toMatch(/verify profile/);
    expect(helpText).toMatch(/Test & Enable/);
    await ada.screenshot(screenshotPath('help'));

    const before = await ada.botMessageCount();
    await ada.send('verify profile');
    const verdict = await ada.waitForReply(before, { showing: /Microsoft Exchange Online.{0,5} is present, active and the default/ });
    const profiles = await ada.waitForReply(before, { showing: 'Email server profiles' });
    const profilesText = await profiles.innerText();
    expect(await verdict.innerText()).toMatch(/Microsoft Exchange Online/);
    expect(profilesText).toMatch(/Present\s+Yes/);
    expect(profilesText).toMatch(/Active\s+Yes/);
    expect(profilesText).toMatch(/Default for new mailboxes\s+Yes/);
    expect(profilesText).toMatch(/Ada Admin/);
    await ada.screenshot(screenshotPath('verify-profile'));
  });

  it('answers a misspelled command with "Did you mean …?", and the suggested command runs when clicked', async () => {
    const { ada } = env;
    const suggestion = await ada.ask('verfy profile', { showing: /Did you mean/ });
    expect(await suggestion.innerText()).toMatch(/verfy profile/);
    const corrected = ada.button(suggestion, /^verify profile/);
    await expect(corrected.count()).resolves.toBeGreaterThan(0);
    await ada.screenshot(screenshotPath('did-you-mean'));

    const before = await ada.botMessageCount();
    await corrected.first().click();
    // The answer replaces the suggestion card for the clicker, or arrives as a new message.
    const answered = await Promise.any([
      ada.waitUntilShows(suggestion, 'Email server profiles', 15_000),
      ada.waitForReply(before, { showing: 'Email server profiles', timeoutMs: 15_000 }).then((reply) => reply.innerText()),
    ]);
    expect(answered).toMatch(/Microsoft Exchange Online/);
  });

  it('refuses Sam Sysadmin, a System Administrator without an Office 365 admin role, with the permission model\'s reason', async () => {
    const sam = await env.signInAs('user-sam');
    const refusal = await sam.chat.ask('approve mailbox pia@contoso.com', { showing: /Not allowed/ });
    const refusalText = await refusal.innerText();
    expect(refusalText).toMatch(/Approve the email address of pia@contoso\.com/);
    // The seed's permission table, row "Customer Engagement (online) with Exchange Online", as of 9.1.0.5805.
    expect(refusalText).toMatch(/System Administrator alone cannot approve/);
    expect(refusalText).toMatch(/Global administrator together with Dynamics 365 System Administrator/);
    expect(refusalText).toMatch(/Exchange administrator together with Dynamics 365 System Administrator/);
    expect(refusalText).toMatch(/9\.1\.0\.5805/);
    await sam.chat.screenshot(screenshotPath('refusal'));
    expect(env.bot.services.store.mailboxByEmail('pia@contoso.com')?.emailRouterAccessApproval).toBe(EmailApprovalStatus.PendingApproval);
  });

  it('lets Ada, an eligible approver, approve from the card; the card then reads "Approved by Ada Admin" and a second click changes nothing', async () => {
    const { ada, playground } = env;
    const invokes: unknown[] = [];
    ada.page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().endsWith('/_conversation/v1/invoke')) invokes.push(request.postDataJSON());
    });

    // Cody's address has never been approved; asking for approval sends the card to every eligible approver
    // who chats with the bot: Ada here (Global administrator and System Administrator).
    const before = await ada.botMessageCount();
    await ada.send('request approval cody@contoso.com');
    const card = await ada.waitForReply(before, { showing: /^Email address approval\s+Pending approval[\s\S]*cody@contoso\.com/ });
    const approve = ada.button(card, /^Approve$/);
    await expect(approve.count()).resolves.toBe(1);
    await approve.click();
    const decided = await ada.waitUntilShows(card, /Approved by Ada Admin/);
    expect(decided).not.toMatch(/Reject/);
    await ada.screenshot(screenshotPath('approval-approved'));

    const mailboxAfterFirstClick = env.bot.services.store.mailboxByEmail('cody@contoso.com');
    expect(mailboxAfterFirstClick?.emailRouterAccessApproval).toBe(EmailApprovalStatus.Approved);

    // The second click on the same card, exactly as the UI sent the first (a retried invoke, a stale copy).
    expect(invokes).toHaveLength(1);
    const answer = await fetch(`${playground.url}/_conversation/v1/invoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(invokes[0]),
    });
    expect(answer.status).toBe(200);
    const answeredCard = JSON.stringify(z.object({ value: z.unknown() }).parse(await answer.json()).value);
    expect(answeredCard).toMatch(/Approved by Ada Admin/);
    expect(await ada.waitUntilShows(card, /Approved by Ada Admin/)).toBe(decided);
    expect(env.bot.services.store.mailboxByEmail('cody@contoso.com')?.version).toBe(mailboxAfterFirstClick?.version);
  });
});

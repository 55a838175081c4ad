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

  /** A wait that, when it fails, also names the messages the bot could not deliver (and why). */
  const explained = async <T>(waiting: Promise<T>): Promise<T> => {
    try {
      return await waiting;
    } catch (error) {
      const deadLetters = env.deadLetters();
      if (deadLetters.length === 0 || !(error instanceof Error)) throw error;
      throw new Error(`${error.message}\nMessages the bot could not deliver:\n${deadLetters.map((line) => `  ${line}`).join('\n')}`, { cause: error });
    }
  };

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
    await ada.screenshot(screenshotPath('help'), { from: ada.sentMessage('help') });

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
    await ada.screenshot(screenshotPath('verify-profile'), { from: ada.sentMessage('verify profile') });
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
    await sam.chat.screenshot(screenshotPath('refusal'), { from: sam.chat.sentMessage('approve mailbox pia@contoso.com') });
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
    const card = await explained(ada.waitForReply(before, { showing: /^Email address approval\s+Pending approval[\s\S]*cody@contoso\.com/ }));
    const approve = ada.button(card, /^Approve$/);
    await expect(approve.count()).resolves.toBe(1);
    await approve.click();
    await ada.waitUntilShows(card, /Approved by Ada Admin/);
    const decided = await ada.cardText(card);
    expect(decided).toMatch(/Approved by Ada Admin at \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
    await expect(ada.button(card, /^(Approve|Reject)$/).count()).resolves.toBe(0);
    await ada.screenshot(screenshotPath('approval-approved'), { from: ada.sentMessage('request approval cody@contoso.com') });

    const mailboxAfterFirstClick = env.bot.services.store.mailboxByEmail('cody@contoso.com');
    expect(mailboxAfterFirstClick?.emailRouterAccessApproval).toBe(EmailApprovalStatus.Approved);

    // The decided card has no buttons left, so the second click is the first one again, exactly as the UI
    // sent it: what Teams does when it retries an invoke, or a click on a stale copy of the card.
    expect(invokes).toHaveLength(1);
    const answer = await fetch(`${playground.url}/_conversation/v1/invoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(invokes[0]),
    });
    expect(answer.status).toBe(200);
    const answeredCard = JSON.stringify(z.object({ value: z.unknown() }).parse(await answer.json()).value);
    expect(answeredCard).toMatch(/Approved by Ada Admin/);
    // Give any in-place card update the bot might (wrongly) send time to arrive before comparing.
    await ada.page.waitForTimeout(1500);
    expect(await ada.cardText(card)).toBe(decided);
    expect(env.bot.services.store.mailboxByEmail('cody@contoso.com')?.version).toBe(mailboxAfterFirstClick?.version);
  });

  /** Sam's message count when the Test & Enable job started, so the next scenario reads only what came after. */
  let samMessagesBeforeTheJob: number | undefined;

  it('runs Test & Enable for the Microsoft Exchange Online profile behind a progress card that ends in a summary', async () => {
    const { ada } = env;
    // Sam Sysadmin owns the Support queue, whose address Exchange does not know (examples/contoso.json). He
    // has talked to the bot in his own playground (previous scenario), so the bot can reach him.
    const sam = await env.signInAs('user-sam');
    samMessagesBeforeTheJob = await sam.chat.botMessageCount();

    const command = 'test mailboxes for profile Microsoft Exchange Online';
    const before = await ada.botMessageCount();
    await ada.send(command);
    // Every mailbox of a profile is several records: the bot previews the count and tests on Confirm (docs/confirmations.md).
    const confirmation = await explained(ada.waitForReply(before, { showing: /Confirm: test mailboxes for profile "?Microsoft Exchange Online/ }));
    await ada.button(confirmation, /^Confirm$/).click();
    const progress = await explained(ada.waitForReply(before, { showing: /Test & Enable mailboxes of profile Microsoft Exchange Online[\s\S]*mailboxes tested/ }));
    expect(await ada.cardText(progress)).toMatch(/Requested by\s+Ada Admin/);
    await ada.screenshot(screenshotPath('test-and-enable-progress'), { from: ada.sentMessage(command) });

    // The bot edits the same card as the job advances, until it is done.
    const summary = await explained(ada.waitUntilShows(progress, /Done[\s\S]*(\d+) of \1 mailboxes tested \(100%\)/, 60_000));
    expect(summary).toMatch(/Succeeded\s+[1-9]\d*/);
    expect(summary).toMatch(/Failed\s+[1-9]\d*/);
    await ada.screenshot(screenshotPath('test-and-enable-summary'), { from: ada.sentMessage(command) });
  });

  it("sends the failing mailbox's alert to its owner's chat: Sam Sysadmin hears that Exchange cannot find the Support queue", async () => {
    if (samMessagesBeforeTheJob === undefined) throw new Error('The Test & Enable scenario did not start a job, so there is no alert to look for');
    const sam = await env.signInAs('user-sam');
    const alert = await explained(sam.chat.waitForReply(samMessagesBeforeTheJob, { showing: /Support \(support@contoso\.com\)/ }));
    const alertText = await sam.chat.cardText(alert);
    expect(alertText).toMatch(/Your mailbox could not be connected to Dynamics 365/);
    expect(alertText).toMatch(/mailbox location could not be determined/);
    expect(alertText).toMatch(/Level\s+Error/);
    expect(alertText).toMatch(/What to do/);
    await sam.chat.screenshot(screenshotPath('owner-alert'), { from: alert });
  });

  it('asks Ada for a reason before rejecting; every copy of the card then shows who rejected the address and why', async () => {
    const { ada } = env;
    // Gus Global's address has never been requested (the organization file gives him no mailbox, so he has an
    // Empty one). This runs last, so the Test & Enable scenarios above see the demo organization unchanged.
    const before = await ada.botMessageCount();
    await ada.send('request approval gus@contoso.com');
    const card = await explained(ada.waitForReply(before, { showing: /^Email address approval\s+Pending approval[\s\S]*gus@contoso\.com/ }));
    // Approve is the primary, leftmost action; Reject only opens a reason box.
    const titles = await card.getByRole('button').allInnerTexts();
    expect(titles.map((title) => title.trim()).slice(0, 2)).toEqual(['Approve', 'Reject…']);
    await ada.button(card, /^Reject…$/).click();
    const reason = card.getByRole('textbox', { name: /Why do you reject this address/ });
    await expect(reason.count()).resolves.toBe(1);
    // Without a reason nothing is sent: the card says a reason is needed, and the address stays pending.
    await ada.button(card, /^Reject$/).click();
    await ada.waitUntilShows(card, /Give a reason/);
    expect(env.bot.services.store.mailboxByEmail('gus@contoso.com')?.emailRouterAccessApproval).toBe(EmailApprovalStatus.PendingApproval);
    await ada.screenshot(screenshotPath('reject-asks-for-a-reason'), { from: card.getByText('Why approval is needed') });

    await reason.fill('Gus is leaving Contoso at the end of the month.');
    await ada.button(card, /^Reject$/).click();
    await ada.waitUntilShows(card, /Rejected by Ada Admin/);
    expect(await ada.cardText(card)).toMatch(/Gus is leaving Contoso at the end of the month\./);
    expect(env.bot.services.store.mailboxByEmail('gus@contoso.com')?.emailRouterAccessApproval).toBe(EmailApprovalStatus.Rejected);
    await ada.screenshot(screenshotPath('rejected-with-reason'), { from: card.getByText('Why approval is needed') });
  });
});

// The mailbox card's Reject, over HTTP: never the leftmost button, and a click asks for a reason instead of
// rejecting. A request after a rejection shows the rejection on the new approval card and keeps the address
// Rejected until an approver decides.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CardVerb } from '../../src/cards/index.js';
import { EmailApprovalStatus } from '../../src/domain/options.js';
import { textOf, type TestBot } from '../support/bot-harness.js';
import { buttonsIn, domainSnapshot } from '../bot/handlers/support.js';
import {
  answeredCard,
  approvalCardsSentTo,
  buttonVerbs,
  cardTextOf,
  currentApprovalCard,
  decisionDataOf,
  greet,
  rejectDataOf,
  startApprovalBot,
  textsSentTo,
  waitForApprovalCards,
} from './support.js';

describe('Reject on the mailbox card', () => {
  let t: TestBot;
  beforeEach(async () => {
    t = await startApprovalBot();
  });
  afterEach(async () => {
    await t.stop();
  });

  it('is never the leftmost button, and a click asks for a reason and rejects nothing', async () => {
    const ada = t.user('ada');
    const [shown] = await t.say(ada, 'mailbox otto@contoso.com');
    const buttons = buttonsIn(shown);
    expect(buttons.map((button) => button.title)).toContain('Reject');
    expect(buttons[0]?.title).not.toBe('Reject');
    expect(buttons.at(-1)?.command).toBe('reject mailbox otto@contoso.com');

    const before = domainSnapshot(t.bot.services.store);
    const answer = await t.invoke(ada, { verb: CardVerb.Command, data: { command: 'reject mailbox otto@contoso.com' } }, { replyToId: shown?.activityId ?? 'card' });
    expect(answer.status).toBe(200);
    expect(textsSentTo(t, ada).join('\n')).toContain('Why do you reject the email address of otto@contoso.com? Nothing was rejected');
    expect(domainSnapshot(t.bot.services.store)).toBe(before);
    expect(t.bot.services.store.mailboxByEmail('otto@contoso.com')?.emailRouterAccessApproval).toBe(EmailApprovalStatus.Approved);
  });
});

describe('a rejection stays a rejection', () => {
  let t: TestBot;
  beforeEach(async () => {
    t = await startApprovalBot();
  });
  afterEach(async () => {
    await t.stop();
  });

  it('starts a new request that shows who rejected, when and why, and keeps the address Rejected until an approver decides', async () => {
    const [ada, evan, cody] = [t.user('ada'), t.user('evan'), t.user('cody')];
    await greet(t, ada, evan, cody);
    const asked = await t.say(cody, 'request approval cody@contoso.com');
    expect(textOf(asked[0])).toMatch(/Approval requested for Cody/);
    const [, evanCard] = await waitForApprovalCards(t, [ada, evan]);
    if (evanCard === undefined) throw new Error('card missing');
    const reason = 'The address still points at the old tenant.';
    answeredCard((await t.invoke(evan, { verb: CardVerb.RejectEmail, data: rejectDataOf(evanCard.card, reason) }, { replyToId: evanCard.activityId })).body);
    expect(t.bot.services.store.mailboxByEmail('cody@contoso.com')?.emailRouterAccessApproval).toBe(EmailApprovalStatus.Rejected);

    const again = await t.say(cody, 'request approval cody@contoso.com');
    // The first request's delivery report to Cody may arrive in between: the answer is among the replies.
    expect(again.map((reply) => textOf(reply)).join('\n')).toMatch(/Approval requested again for Cody[\s\S]*stays Rejected until an approver decides/);
    expect(t.bot.services.store.mailboxByEmail('cody@contoso.com')?.emailRouterAccessApproval).toBe(EmailApprovalStatus.Rejected);
    const [adaSecond, evanSecond] = await waitForApprovalCards(t, [ada, evan], 2);
    if (adaSecond === undefined || evanSecond === undefined) throw new Error('second cards missing');
    const requests = t.bot.services.store.document().approvalRequests ?? [];
    expect(requests.map((request) => request.status)).toEqual(['rejected', 'pending']);
    expect(requests[1]?.previousRejection).toMatchObject({ decidedById: evan.id, reason });
    for (const sent of [adaSecond, evanSecond]) {
      expect(cardTextOf(sent.card)).toMatch(new RegExp(`Rejected before by Evan Exchange at .* UTC \\(reason: ${reason.replace(/\./g, '\\.')}\\)`));
      expect(buttonVerbs(sent.card)).toEqual([CardVerb.ApproveEmail, CardVerb.RejectEmail]);
    }
    // The first request's cards still say it was rejected, with the reason.
    await t.connector.waitFor(() => cardTextOf(currentApprovalCard(t, evanCard)).includes(`Reason: ${reason}`), 5_000, 'the first card updated with the reason');

    const decided = answeredCard((await t.invoke(ada, { verb: CardVerb.ApproveEmail, data: decisionDataOf(adaSecond.card) }, { replyToId: adaSecond.activityId })).body);
    expect(cardTextOf(decided)).toMatch(/Approved by Ada Admin/);
    expect(t.bot.services.store.mailboxByEmail('cody@contoso.com')?.emailRouterAccessApproval).toBe(EmailApprovalStatus.Approved);
    expect(approvalCardsSentTo(t, ada)).toHaveLength(2);
  });
});

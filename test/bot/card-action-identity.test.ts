// Card actions from someone the organization does not know (another tenant, an unknown person, no Entra
// identity) get the refusal and nothing else, for every verb the bot handles, by invoke and by Action.Submit.
// Before, a refresh of an approval card from another tenant was answered with the read-only approval card.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CARD_VERBS, CardVerb, type CardVerb as Verb } from '../../src/cards/index.js';
import type { User } from '../../src/domain/model.js';
import { cardOf, textOf, type ActivityOptions, type TestBot } from '../support/bot-harness.js';
import { askForApproval, decisionDataOf, greet, startApprovalBot, waitForApprovalCards } from '../approvals/support.js';
import { organizationRecords } from './support/records.js';

const OTHER_TENANT = '99999999-0000-4000-8000-000000000000';
const MESSAGE_INVOKE_TYPE = 'application/vnd.microsoft.activity.message';

describe('card actions from strangers', () => {
  let t: TestBot;
  let actionData: Readonly<Record<Verb, Record<string, unknown>>>;
  /** What an approval card for Cody shows; none of it may reach a stranger. */
  const LEAKS = /cody|Cody Customizer|Ada Admin|Exchange Online|Email address approval/i;

  beforeAll(async () => {
    t = await startApprovalBot();
    const ada = t.user('ada');
    const evan = t.user('evan');
    await greet(t, ada, evan);
    await askForApproval(t, ada, 'cody@contoso.com');
    const [adaCard] = await waitForApprovalCards(t, [ada]);
    if (adaCard === undefined) throw new Error('no approval card');
    // The outbox finishes the request's bookkeeping in the background; let it settle before comparing records.
    await t.connector.waitFor(
      () => (t.bot.services.store.document().approvalRequests ?? []).every((request) => request.requesterReportedAt !== null && request.copies.every((copy) => copy.delivery === 'sent')),
      5_000,
      'the approval request to be delivered and reported',
    );
    const decision = decisionDataOf(adaCard.card);
    actionData = {
      [CardVerb.ApproveEmail]: decision,
      [CardVerb.RejectEmail]: decision,
      [CardVerb.RefreshApproval]: { requestId: decision.requestId },
      [CardVerb.Command]: { command: 'approve mailbox cody@contoso.com' },
      // Ids a stranger may have copied from someone else's card: the identity gate answers before any lookup.
      [CardVerb.ConfirmWrite]: { confirmationId: 'C-0000000001' },
      [CardVerb.CancelWrite]: { confirmationId: 'C-0000000001' },
      [CardVerb.ChooseSuggestion]: { suggestionId: 'S-0000000001' },
    };
  });
  afterAll(async () => {
    await t.stop();
  });

  const strangers: readonly (readonly [string, () => User, ActivityOptions, RegExp])[] = [
    ['another tenant', () => t.user('ada'), { tenantId: OTHER_TENANT, conversationId: 'a:foreign-chat' }, /tenant 99999999/],
    ['an unknown person', () => ({ ...t.user('ada'), aadObjectId: '12345678-0000-4000-8000-000000000000', fullName: 'Stranger' }), {}, /not a user of the Dynamics 365 organization/],
    ['a person without an Entra identity', () => t.user('ada'), { withoutEntraId: true, conversationId: 'a:guest-chat' }, /Entra identity/],
  ];

  it('has data for every verb the bot handles', () => {
    expect(Object.keys(actionData).sort()).toEqual([...CARD_VERBS].sort());
  });

  describe.each(strangers)('from %s', (_who, stranger, options, refusal) => {
    it.each(CARD_VERBS.map((verb) => [verb]))('answers an invoke of %s with the refusal message only', async (verb) => {
      const before = organizationRecords(t.bot.services.store);
      const user = stranger();
      const conversationId = options.conversationId ?? t.personalChatOf(user);
      const sentBefore = t.connector.activitiesSentTo(conversationId).length;
      const trigger = verb === CardVerb.RefreshApproval ? 'automatic' : 'manual';
      const answer = await t.invoke(user, { verb, data: actionData[verb] }, { ...options, trigger, replyToId: 'approval-card-1' });
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ statusCode: 200, type: MESSAGE_INVOKE_TYPE });
      expect(JSON.stringify(answer.body)).toMatch(refusal);
      expect(JSON.stringify(answer.body)).not.toMatch(LEAKS);
      expect(t.connector.activitiesSentTo(conversationId)).toHaveLength(sentBefore);
      expect(organizationRecords(t.bot.services.store)).toBe(before);
    });

    it.each(CARD_VERBS.map((verb) => [verb]))('answers an Action.Submit of %s with one refusal message and no card', async (verb) => {
      const before = organizationRecords(t.bot.services.store);
      const user = stranger();
      const conversationId = options.conversationId ?? t.personalChatOf(user);
      const sentBefore = t.connector.activitiesSentTo(conversationId).length;
      const answer = await t.post(t.activityFrom(user, { type: 'message', value: { verb, ...actionData[verb] } }, options));
      expect(answer.status).toBe(200);
      const replies = t.connector.activitiesSentTo(conversationId).slice(sentBefore);
      expect(replies).toHaveLength(1);
      expect(cardOf(replies[0])).toBeUndefined();
      expect(textOf(replies[0])).toMatch(refusal);
      expect(textOf(replies[0])).not.toMatch(LEAKS);
      expect(organizationRecords(t.bot.services.store)).toBe(before);
    });

    it('refuses a malformed card action too, without describing the verbs', async () => {
      const user = stranger();
      const answer = await t.invoke(user, { verb: 'launch.missiles', data: { requestId: 7 } }, options);
      expect(answer.body).toMatchObject({ statusCode: 200, type: MESSAGE_INVOKE_TYPE });
      expect(JSON.stringify(answer.body)).toMatch(refusal);
      expect(JSON.stringify(answer.body)).not.toMatch(/approval\.approve|requestId/);
    });
  });

  it('still lets an approver refresh the card (the gate is not a blanket refusal)', async () => {
    const answer = await t.invoke(t.user('ada'), { verb: CardVerb.RefreshApproval, data: actionData[CardVerb.RefreshApproval] }, { trigger: 'automatic' });
    expect(answer.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
    expect(JSON.stringify(answer.body)).toMatch(/cody@contoso\.com/);
  });
});

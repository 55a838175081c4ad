// Deciding on an approval card over HTTP with the fake Bot Connector: approve, reject, repeated and concurrent
// clicks, stale cards, forged data, ineligible clickers, malformed payloads, the Action.Submit fallback, and what
// follows a decision (every sent card updated in place, the owner told, Test & Enable started or offered).
import { afterEach, describe, expect, it } from 'vitest';
import type { AppEvent } from '../../src/app/events.js';
import { changeEmailAddress } from '../../src/app/change-email-address.js';
import { approveEmail } from '../../src/app/email-approval.js';
import { CardVerb } from '../../src/cards/index.js';
import { EmailApprovalStatus } from '../../src/domain/options.js';
import { canApproveEmail } from '../../src/domain/permissions.js';
import type { User } from '../../src/domain/model.js';
import { textOf, type TestBot } from '../support/bot-harness.js';
import {
  answeredCard,
  approvalCardsSentTo,
  askForApproval,
  buttonVerbs,
  cardTextOf,
  currentApprovalCard,
  decisionAudit,
  decisionDataOf,
  editedOrganizationFile,
  greet,
  invokeBodySchema,
  mailboxOf,
  rejectDataOf,
  setEmailSetting,
  startApprovalBot,
  textsSentTo,
  waitForApprovalCards,
  type SentApprovalCard,
} from './support.js';

const DECIDED_AT = /at \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/;

interface Scene {
  readonly t: TestBot;
  readonly ada: User;
  readonly evan: User;
  readonly cody: User;
  readonly adaCard: SentApprovalCard;
  readonly evanCard: SentApprovalCard;
  readonly mailboxId: string;
}

describe('deciding on an approval card', () => {
  let t: TestBot | undefined;
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await t?.stop();
    t = undefined;
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  /** Contoso (2019 table): Ada asks for approval of Cody's mailbox; Ada and Evan get the card. */
  async function scene(options: { orgFile?: string; mailbox?: string } = {}): Promise<Scene> {
    t = await startApprovalBot(options.orgFile === undefined ? {} : { orgFile: options.orgFile });
    const [ada, evan, cody, sam, otto, erin] = ['ada', 'evan', 'cody', 'sam', 'otto', 'erin'].map((name) => t!.user(name));
    if (ada === undefined || evan === undefined || cody === undefined || sam === undefined || otto === undefined || erin === undefined) throw new Error('demo users missing');
    await greet(t, ada, evan, cody, sam, otto, erin);
    const address = options.mailbox ?? 'cody@contoso.com';
    await askForApproval(t, ada, address);
    const [adaCard, evanCard] = await waitForApprovalCards(t, [ada, evan]);
    if (adaCard === undefined || evanCard === undefined) throw new Error('cards missing');
    const mailbox = t.bot.services.store.mailboxByEmail(address);
    if (mailbox === undefined) throw new Error(`no mailbox ${address}`);
    return { t, ada, evan, cody, adaCard, evanCard, mailboxId: mailbox.id };
  }

  const click = (s: Scene, user: User, sent: SentApprovalCard, verb: string = CardVerb.ApproveEmail, data: unknown = decisionDataOf(sent.card)) =>
    s.t.invoke(user, { verb, data }, { replyToId: sent.activityId });

  const approvalOf = (s: Scene) => s.t.bot.services.store.mailboxById(s.mailboxId)?.emailRouterAccessApproval;

  const waitForCopiesToRead = async (s: Scene, pattern: RegExp, copies: readonly SentApprovalCard[]) =>
    s.t.connector.waitFor(() => copies.every((sent) => pattern.test(cardTextOf(currentApprovalCard(s.t, sent)))), 5_000, `every copy to read ${pattern}`);

  it('approves with one click: the invoke answers the decided card, every copy is updated, the owner is told and the audit names the rule', async () => {
    const s = await scene();
    const answer = await click(s, s.ada, s.adaCard);

    expect(answer.status).toBe(200);
    const body = invokeBodySchema.parse(answer.body);
    expect(body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
    const card = answeredCard(answer.body);
    expect(cardTextOf(card)).toMatch(new RegExp(`Approved by Ada Admin ${DECIDED_AT.source}`));
    expect(buttonVerbs(card)).toEqual([]);
    expect(card.refresh).toBeUndefined();
    expect(approvalOf(s)).toBe(EmailApprovalStatus.Approved);

    const audit = decisionAudit(s.t, s.mailboxId);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actorId: s.ada.id,
      actorName: 'Ada Admin',
      action: 'mailbox.approveEmail',
      rule: 'seed2019:ce-online/exchange-online:global-admin+system-admin',
      details: expect.stringContaining('Pending Approval → Approved') as unknown,
    });

    await waitForCopiesToRead(s, /Approved by Ada Admin/, [s.adaCard, s.evanCard]);
    for (const sent of [s.adaCard, s.evanCard]) {
      const updates = s.t.connector.requestsTo(sent.conversationId).filter((request) => request.operation === 'update');
      expect(updates.map((request) => request.activityId)).toEqual([sent.activityId]);
      expect(buttonVerbs(currentApprovalCard(s.t, sent) ?? sent.card)).toEqual([]);
    }
    await s.t.connector.waitFor(() => textsSentTo(s.t, s.cody).some((text) => /approved/.test(text)), 5_000, 'the owner notice');
    expect(textsSentTo(s.t, s.cody).join('\n')).toMatch(new RegExp(`The email address cody@contoso\\.com of your mailbox was approved by Ada Admin ${DECIDED_AT.source}`));

    const saved = s.t.bot.services.store.document().approvalRequests?.[0];
    expect(saved).toMatchObject({
      status: 'approved',
      decision: { outcome: 'approved', decidedById: s.ada.id, via: { kind: 'card', channel: 'invoke', conversationId: s.adaCard.conversationId, activityId: s.adaCard.activityId } },
    });
  });

  it('rejects with a reason: the reason is on every copy, in the audit and in the owner notice', async () => {
    const s = await scene();
    const reason = 'Cody left the sales team; this address is retired.';
    const card = answeredCard((await click(s, s.evan, s.evanCard, CardVerb.RejectEmail, rejectDataOf(s.evanCard.card, `  ${reason} `))).body);

    expect(cardTextOf(card)).toMatch(new RegExp(`Rejected by Evan Exchange ${DECIDED_AT.source}`));
    expect(cardTextOf(card)).toContain(`Reason: ${reason}`);
    expect(approvalOf(s)).toBe(EmailApprovalStatus.Rejected);
    expect(decisionAudit(s.t, s.mailboxId).map((entry) => [entry.action, entry.actorName, entry.rule, entry.details])).toEqual([
      ['mailbox.rejectEmail', 'Evan Exchange', 'seed2019:ce-online/exchange-online:exchange-admin+system-admin', `Email Address Status: Pending Approval → Rejected; Reason: ${reason}`],
    ]);
    await waitForCopiesToRead(s, /Rejected by Evan Exchange/, [s.adaCard, s.evanCard]);
    for (const sent of [s.adaCard, s.evanCard]) expect(cardTextOf(currentApprovalCard(s.t, sent))).toContain(`Reason: ${reason}`);
    await s.t.connector.waitFor(() => textsSentTo(s.t, s.cody).some((text) => /rejected/.test(text)), 5_000, 'the owner notice');
    expect(textsSentTo(s.t, s.cody).join('\n')).toMatch(/cody@contoso\.com of your mailbox was rejected by Evan Exchange at .*\. Reason: Cody left the sales team; this address is retired\./);
  });

  it.each([
    ['no reason at all', undefined],
    ['an empty reason', ''],
    ['a reason of spaces only', '   \n  '],
  ])('asks again, with a clear message, for a Reject with %s, and rejects nothing', async (_case, reason) => {
    const s = await scene();
    const data = reason === undefined ? decisionDataOf(s.evanCard.card, CardVerb.RejectEmail) : rejectDataOf(s.evanCard.card, reason);
    const card = answeredCard((await click(s, s.evan, s.evanCard, CardVerb.RejectEmail, data)).body);

    expect(cardTextOf(card)).toMatch(/Nothing was rejected\. Say why you reject this address/);
    expect(buttonVerbs(card)).toEqual([CardVerb.ApproveEmail, CardVerb.RejectEmail]);
    expect(approvalOf(s)).toBe(EmailApprovalStatus.PendingApproval);
    expect(decisionAudit(s.t, s.mailboxId)).toEqual([]);
    expect(s.t.bot.services.store.document().approvalRequests?.[0]?.status).toBe('pending');
  });

  it('keeps an approver\'s optional comment in the audit and shows it on the decided card', async () => {
    const s = await scene();
    const card = answeredCard((await click(s, s.ada, s.adaCard, CardVerb.ApproveEmail, { ...decisionDataOf(s.adaCard.card), approveComment: 'Checked with Cody.' })).body);

    expect(cardTextOf(card)).toContain('Comment: Checked with Cody.');
    const details = decisionAudit(s.t, s.mailboxId).map((entry) => entry.details);
    expect(details).toHaveLength(1);
    expect(details[0]).toMatch(/^Email Address Status: Pending Approval → Approved; .*Comment: Checked with Cody\.$/);
  });


  it('answers a second click and a retried invoke with the current card, deciding nothing again', async () => {
    const s = await scene();
    await click(s, s.ada, s.adaCard);
    const decidedVersion = s.t.bot.services.store.mailboxById(s.mailboxId)?.version;

    const again = answeredCard((await click(s, s.ada, s.adaCard)).body);
    const rejectAfterwards = answeredCard((await click(s, s.evan, s.evanCard, CardVerb.RejectEmail, rejectDataOf(s.evanCard.card, 'Not ours.'))).body);

    expect(cardTextOf(again)).toMatch(/Approved by Ada Admin/);
    expect(cardTextOf(rejectAfterwards)).toMatch(/Approved by Ada Admin/);
    expect(decisionAudit(s.t, s.mailboxId)).toHaveLength(1);
    expect(s.t.bot.services.store.mailboxById(s.mailboxId)?.version).toBe(decidedVersion);
    expect(approvalOf(s)).toBe(EmailApprovalStatus.Approved);
  });

  it('records exactly one decision when two approvers click at the same moment; the other sees who decided', async () => {
    const s = await scene();
    const [adaAnswer, evanAnswer] = await Promise.all([
      click(s, s.ada, s.adaCard, CardVerb.ApproveEmail),
      click(s, s.evan, s.evanCard, CardVerb.RejectEmail, rejectDataOf(s.evanCard.card, 'Not ours.')),
    ]);

    const audit = decisionAudit(s.t, s.mailboxId);
    expect(audit).toHaveLength(1);
    const winner = audit[0]?.action === 'mailbox.approveEmail' ? 'Approved by Ada Admin' : 'Rejected by Evan Exchange';
    expect(cardTextOf(answeredCard(adaAnswer.body))).toContain(winner);
    expect(cardTextOf(answeredCard(evanAnswer.body))).toContain(winner);
    expect(approvalOf(s)).toBe(winner.startsWith('Approved') ? EmailApprovalStatus.Approved : EmailApprovalStatus.Rejected);
    await waitForCopiesToRead(s, new RegExp(winner), [s.adaCard, s.evanCard]);
  });

  it('answers a click on a stale card with the current state and decides nothing', async () => {
    const s = await scene();
    const store = s.t.bot.services.store;
    const before = store.mailboxById(s.mailboxId);
    if (before === undefined) throw new Error('mailbox missing');
    // Someone edits the mailbox after the card went out: its version moves on.
    expect(await store.commit({ mailboxes: [{ ...before, orgMarkedAsPrimaryForExchangeSync: true }] })).toEqual({ ok: true });
    const seen = decisionDataOf(s.adaCard.card).version;

    const stale = answeredCard((await click(s, s.ada, s.adaCard)).body);
    expect(cardTextOf(stale)).toMatch(new RegExp(`This card showed version ${seen} of the mailbox, but it has changed since \\(it is version ${seen + 1} now\\)\\. Nothing was decided`));
    expect(decisionDataOf(stale).version).toBe(seen + 1);
    expect(approvalOf(s)).toBe(EmailApprovalStatus.PendingApproval);
    expect(decisionAudit(s.t, s.mailboxId)).toEqual([]);

    const fresh = answeredCard((await s.t.invoke(s.ada, { verb: CardVerb.ApproveEmail, data: decisionDataOf(stale) }, { replyToId: s.adaCard.activityId })).body);
    expect(cardTextOf(fresh)).toMatch(/Approved by Ada Admin/);
    expect(approvalOf(s)).toBe(EmailApprovalStatus.Approved);
  });

  it('takes identity from the activity, never from forged card data naming another user', async () => {
    const s = await scene();
    const otto = s.t.user('otto');
    const forged = { ...decisionDataOf(s.adaCard.card), approverId: s.ada.id, aadObjectId: s.ada.aadObjectId, decidedBy: 'Ada Admin', from: { aadObjectId: s.ada.aadObjectId } };

    const card = answeredCard((await s.t.invoke(otto, { verb: CardVerb.ApproveEmail, data: forged }, { replyToId: s.adaCard.activityId })).body);

    const mailbox = s.t.bot.services.store.mailboxById(s.mailboxId);
    if (mailbox === undefined) throw new Error('mailbox missing');
    const ottosOwn = canApproveEmail(otto, mailbox, s.t.bot.services.store);
    expect(ottosOwn.allowed).toBe(false);
    expect(cardTextOf(card)).toContain(`You cannot approve or reject this address: ${ottosOwn.reason}`);
    expect(cardTextOf(card)).not.toMatch(/Approved by/);
    expect(buttonVerbs(card)).toEqual([]);
    expect(approvalOf(s)).toBe(EmailApprovalStatus.PendingApproval);
    expect(decisionAudit(s.t, s.mailboxId)).toEqual([]);
  });

  it('shows an ineligible clicker the read-only card with the permission model\'s reason', async () => {
    const s = await scene();
    const sam = s.t.user('sam');
    const mailbox = s.t.bot.services.store.mailboxById(s.mailboxId);
    if (mailbox === undefined) throw new Error('mailbox missing');
    const expected = canApproveEmail(sam, mailbox, s.t.bot.services.store);
    expect(expected.allowed).toBe(false);

    const card = answeredCard((await s.t.invoke(sam, { verb: CardVerb.ApproveEmail, data: decisionDataOf(s.adaCard.card) })).body);

    const text = cardTextOf(card);
    expect(text).toContain(`You cannot approve or reject this address: ${expected.reason} (rule ${expected.rule})`);
    expect(text).toMatch(/Dynamics 365 System Administrator alone cannot approve email addresses for Customer Engagement \(online\) with Exchange Online/);
    expect(text).toContain('Pending approval');
    expect(buttonVerbs(card)).toEqual([]);
    expect(approvalOf(s)).toBe(EmailApprovalStatus.PendingApproval);
  });

  it('answers a malformed or unknown payload with a 400 invoke error and changes nothing', async () => {
    const s = await scene();
    const before = JSON.stringify({ mailboxes: s.t.bot.services.store.mailboxes(), requests: s.t.bot.services.store.document().approvalRequests });
    const { requestId } = decisionDataOf(s.adaCard.card);

    const answers = await Promise.all([
      s.t.invoke(s.ada, { verb: CardVerb.ApproveEmail, data: { requestId, version: 'two' } }),
      s.t.invoke(s.ada, { verb: CardVerb.ApproveEmail, data: { requestId } }),
      s.t.invoke(s.ada, { verb: CardVerb.RejectEmail, data: { requestId: '', version: 1 } }),
      s.t.invoke(s.ada, { verb: 'approval.approveAll', data: { requestId, version: 1 } }),
    ]);

    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(invokeBodySchema.parse(answer.body)).toMatchObject({ statusCode: 400, type: 'application/vnd.microsoft.error', value: { code: 'BadRequest' } });
    }
    expect(JSON.stringify(invokeBodySchema.parse(answers[0]?.body).value)).toMatch(/version must be a number/);
    expect(JSON.stringify({ mailboxes: s.t.bot.services.store.mailboxes(), requests: s.t.bot.services.store.document().approvalRequests })).toBe(before);
  });

  it('answers an unknown request id with a message and changes nothing', async () => {
    const s = await scene();
    const answer = await s.t.invoke(s.ada, { verb: CardVerb.ApproveEmail, data: { requestId: 'approval-from-elsewhere', version: 1 } });
    expect(invokeBodySchema.parse(answer.body)).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.activity.message' });
    expect(String(invokeBodySchema.parse(answer.body).value)).toMatch(/approval request I do not know \(approval-from-elsewhere\).*Nothing was changed/);
    expect(approvalOf(s)).toBe(EmailApprovalStatus.PendingApproval);
  });

  it('refreshes into the approver view for an approver, the read-only view for others, and the decided view afterwards', async () => {
    const s = await scene();
    const { requestId } = decisionDataOf(s.evanCard.card);
    const refresh = (user: User) => s.t.invoke(user, { verb: CardVerb.RefreshApproval, data: { requestId } }, { trigger: 'automatic', replyToId: s.evanCard.activityId });

    expect(buttonVerbs(answeredCard((await refresh(s.evan)).body))).toEqual([CardVerb.ApproveEmail, CardVerb.RejectEmail]);
    const otto = answeredCard((await refresh(s.t.user('otto'))).body);
    expect(buttonVerbs(otto)).toEqual([]);
    expect(cardTextOf(otto)).toMatch(/You cannot approve or reject this address/);

    await click(s, s.ada, s.adaCard);
    const afterwards = answeredCard((await refresh(s.evan)).body);
    expect(cardTextOf(afterwards)).toMatch(/Approved by Ada Admin/);
    expect(buttonVerbs(afterwards)).toEqual([]);
  });

  it('never decides on an automatic invoke, even one carrying an Approve verb', async () => {
    const s = await scene();
    const card = answeredCard((await s.t.invoke(s.ada, { verb: CardVerb.ApproveEmail, data: decisionDataOf(s.adaCard.card) }, { trigger: 'automatic' })).body);
    expect(buttonVerbs(card)).toEqual([CardVerb.ApproveEmail, CardVerb.RejectEmail]);
    expect(approvalOf(s)).toBe(EmailApprovalStatus.PendingApproval);
  });

  it('works through the Action.Submit fallback for clients without Universal Actions', async () => {
    const s = await scene();
    const data = decisionDataOf(s.evanCard.card);
    const before = s.t.connector.messagesSentTo(s.evanCard.conversationId).length;

    const posted = await s.t.post(s.t.activityFrom(s.evan, { type: 'message', value: { verb: CardVerb.ApproveEmail, ...data } }, { replyToId: s.evanCard.activityId }));

    expect(posted.status).toBeLessThan(300);
    const reply = s.t.connector.messagesSentTo(s.evanCard.conversationId).slice(before);
    expect(reply).toHaveLength(1);
    expect(cardTextOf(approvalCardsSentTo(s.t, s.evan).at(-1)?.card)).toMatch(/Approved by Evan Exchange/);
    expect(approvalOf(s)).toBe(EmailApprovalStatus.Approved);
    expect(s.t.bot.services.store.document().approvalRequests?.[0]?.decision?.via).toEqual({
      kind: 'card',
      channel: 'submit',
      conversationId: s.evanCard.conversationId,
      activityId: s.evanCard.activityId,
    });
    await waitForCopiesToRead(s, /Approved by Evan Exchange/, [s.adaCard, s.evanCard]);
  });

  it('closes the cards when the mailbox is decided by a chat command instead', async () => {
    const s = await scene();
    const result = await approveEmail(s.t.bot.services.useCases, s.evan, { mailboxes: ['cody@contoso.com'] });
    expect(result.ok).toBe(true);

    await waitForCopiesToRead(s, /Approved by Evan Exchange/, [s.adaCard, s.evanCard]);
    expect(s.t.bot.services.store.document().approvalRequests?.[0]?.decision).toMatchObject({ decidedById: s.evan.id, via: { kind: 'elsewhere' } });
    const late = answeredCard((await click(s, s.ada, s.adaCard)).body);
    expect(cardTextOf(late)).toMatch(/Approved by Evan Exchange/);
    expect(decisionAudit(s.t, s.mailboxId)).toHaveLength(1);
  });

  it('replaces the cards of an earlier request when the address changes again, and a click on the old card decides nothing', async () => {
    const s = await scene();
    const changed = await changeEmailAddress(s.t.bot.services.useCases, s.ada, { who: 'Cody Customizer', newAddress: 'cody.customizer@contoso.com' });
    expect(changed.ok).toBe(true);
    const [adaSecond] = await waitForApprovalCards(s.t, [s.ada], 2);
    await waitForCopiesToRead(s, /Replaced by a newer request/, [s.adaCard, s.evanCard]);

    const old = answeredCard((await click(s, s.ada, s.adaCard)).body);
    expect(cardTextOf(old)).toMatch(/That card was for an earlier request.*Nothing was decided/);
    expect(cardTextOf(old)).toContain('cody.customizer@contoso.com');
    expect(decisionDataOf(old).requestId).toBe(decisionDataOf(adaSecond?.card ?? old).requestId);
    expect(approvalOf(s)).toBe(EmailApprovalStatus.PendingApproval);
    expect(decisionAudit(s.t, s.mailboxId)).toEqual([]);
  });

  it('runs end to end from chat: request approval, a click, and the audit command shows who decided, when, and by which rule', async () => {
    t = await startApprovalBot();
    const [ada, evan] = [t.user('ada'), t.user('evan')];
    await greet(t, ada, evan);
    const asked = await t.say(ada, 'request approval cody@contoso.com');
    expect(textOf(asked[0])).toMatch(/Approval requested for Cody Customizer/);
    const [, evanCard] = await waitForApprovalCards(t, [ada, evan]);
    if (evanCard === undefined) throw new Error('card missing');

    await t.invoke(evan, { verb: CardVerb.ApproveEmail, data: decisionDataOf(evanCard.card) }, { replyToId: evanCard.activityId });
    const audit = textOf((await t.say(ada, 'audit 5'))[0]);

    expect(audit).toMatch(/\*\*Evan Exchange\*\* · mailbox\.approveEmail · Cody Customizer \(mailbox\)\n\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC · rule: seed2019:ce-online\/exchange-online:exchange-admin\+system-admin\nEmail Address Status: Pending Approval → Approved/);
  });

  describe('what follows an approval that was all the mailbox was waiting for', () => {
    it('offers the approver a Test & Enable button when the organization does not run it by itself', async () => {
      const file = await editedOrganizationFile('contoso.json', (organization) => setEmailSetting(organization, 'testAndEnableAfterApproval', false));
      cleanups.push(file.remove);
      const s = await scene({ orgFile: file.path, mailbox: 'erin@contoso.com' });

      const card = answeredCard((await click(s, s.ada, s.adaCard)).body);

      expect(cardTextOf(card)).toMatch(/Test & Enable it now/);
      const { refresh: _refresh, ...content } = card;
      expect(JSON.stringify(content)).toContain('"verb":"command","data":{"command":"test mailbox erin@contoso.com"}');
      await waitForCopiesToRead(s, /Approved by Ada Admin/, [s.adaCard, s.evanCard]);
      expect(buttonVerbs(currentApprovalCard(s.t, s.adaCard) ?? s.adaCard.card)).toEqual([CardVerb.Command]);
      expect(buttonVerbs(currentApprovalCard(s.t, s.evanCard) ?? s.evanCard.card)).toEqual([]);
    });

    it('says Test & Enable was started when the organization runs it after approval', async () => {
      const events: AppEvent[] = [];
      const s = await scene({ mailbox: 'erin@contoso.com' });
      const unsubscribe = s.t.bot.services.events.subscribe((event) => void events.push(event));

      const card = answeredCard((await click(s, s.ada, s.adaCard)).body);
      await s.t.connector.waitFor(() => events.some((event) => event.type === 'testAndEnableRequested'), 5_000, 'the Test & Enable request from the event outbox');
      unsubscribe();

      expect(cardTextOf(card)).toMatch(/so Test & Enable was started for it/);
      expect(buttonVerbs(card)).toEqual([]);
      expect(events).toContainEqual({ type: 'testAndEnableRequested', mailboxIds: [mailboxOf(s.t, s.t.user('erin')).id], requestedById: s.ada.id, origin: 'approval' });
      await s.t.connector.waitFor(() => textsSentTo(s.t, s.t.user('erin')).some((text) => /approved/.test(text)), 5_000, 'the owner notice');
      expect(textsSentTo(s.t, s.t.user('erin')).join('\n')).toMatch(/Test & Enable was started for it/);
    });
  });
});

// Approval cards across a restart and at Teams' refresh limit, over HTTP with the fake Bot Connector.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CardVerb } from '../../src/cards/index.js';
import { EmailApprovalStatus } from '../../src/domain/options.js';
import type { TestBot } from '../support/bot-harness.js';
import {
  answeredCard,
  approvalCardsSentTo,
  askForApproval,
  cardTextOf,
  decisionDataOf,
  editedOrganizationFile,
  greet,
  startApprovalBot,
  textsSentTo,
  waitForApprovalCards,
} from './support.js';

describe('approval cards are durable and bounded', () => {
  const running: TestBot[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const bot of running.splice(0)) await bot.stop();
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('updates every copy sent before a restart, using the message ids kept on the request', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'approval-restart-'));
    cleanups.push(() => rm(directory, { recursive: true, force: true }));
    const dataFile = join(directory, 'db.json');

    const first = await startApprovalBot({ dataFile });
    running.push(first);
    const [ada, evan, cody] = [first.user('ada'), first.user('evan'), first.user('cody')];
    await greet(first, ada, evan, cody);
    await askForApproval(first, ada, 'cody@contoso.com');
    const [adaCard, evanCard] = await waitForApprovalCards(first, [ada, evan]);
    if (adaCard === undefined || evanCard === undefined) throw new Error('cards missing');
    const copiesKnown = () => (first.bot.services.store.document().approvalRequests?.[0]?.copies ?? []).every((copy) => copy.activityId !== null);
    await first.connector.waitFor(copiesKnown, 5_000, 'the message ids on the request');
    await first.stop();
    running.splice(running.indexOf(first), 1);

    const second = await startApprovalBot({ dataFile });
    running.push(second);
    // A new fake connector has a new service URL; talking to the bot again refreshes the references.
    await greet(second, ada, evan, cody);
    const answer = await second.invoke(ada, { verb: CardVerb.ApproveEmail, data: decisionDataOf(adaCard.card) }, { replyToId: adaCard.activityId });

    expect(cardTextOf(answeredCard(answer.body))).toMatch(/Approved by Ada Admin/);
    expect(second.bot.services.store.mailboxByEmail('cody@contoso.com')?.emailRouterAccessApproval).toBe(EmailApprovalStatus.Approved);
    const updatedIds = () =>
      [adaCard, evanCard].map((sent) =>
        second.connector
          .requestsTo(sent.conversationId)
          .filter((request) => request.operation === 'update' && request.status === 200)
          .map((request) => request.activityId),
      );
    await second.connector.waitFor(() => updatedIds().every((ids) => ids.length > 0), 5_000, 'updates of the cards sent before the restart');
    expect(updatedIds()).toEqual([[adaCard.activityId], [evanCard.activityId]]);
    const update = second.connector.requestsTo(evanCard.conversationId).find((request) => request.operation === 'update');
    expect(JSON.stringify(update?.body)).toContain('Approved by Ada Admin');
  });

  it('sends to the first 60 approvers by name and tells the requester who was left out', async () => {
    const extraApprovers = Array.from({ length: 62 }, (_, index) => {
      const number = String(index + 1).padStart(2, '0');
      return {
        id: `user-approver-${number}`,
        aadObjectId: `00000000-0000-4000-8000-0000000010${number}`,
        fullName: `Approver ${number}`,
        primaryEmail: `approver${number}@contoso.com`,
        office365Roles: ['GlobalAdministrator'],
        securityRoleIds: ['role-system-administrator'],
      };
    });
    const file = await editedOrganizationFile('contoso.json', (organization) => {
      organization.users = [...z.array(z.unknown()).parse(organization.users), ...extraApprovers];
      const exchange = z.looseObject({ mailboxes: z.array(z.unknown()) }).parse(organization.exchange);
      organization.exchange = { ...exchange, mailboxes: [...exchange.mailboxes, ...extraApprovers.map((approver) => ({ emailAddress: approver.primaryEmail }))] };
    });
    cleanups.push(file.remove);
    const t = await startApprovalBot({ orgFile: file.path, outbox: { backoff: { baseMs: 10, maxMs: 50 }, globalLimits: [{ limit: 1_000, windowMs: 1_000 }] } });
    running.push(t);
    const eligible = t.bot.services.store.users().filter((user) => user.fullName.startsWith('Approver') || ['Ada Admin', 'Evan Exchange'].includes(user.fullName));
    expect(eligible).toHaveLength(64);
    await greet(t, ...eligible);
    const ada = t.user('ada');
    await askForApproval(t, ada, 'cody@contoso.com');

    await t.connector.waitFor(() => textsSentTo(t, ada).length > 0, 10_000, 'the requester report');
    const receivers = eligible.filter((user) => approvalCardsSentTo(t, user).length > 0).map((user) => user.fullName);
    const byName = eligible.map((user) => user.fullName).sort((a, b) => a.localeCompare(b, 'en'));
    expect(receivers.sort((a, b) => a.localeCompare(b, 'en'))).toEqual(byName.slice(0, 60));
    const card = approvalCardsSentTo(t, ada)[0]?.card;
    expect(card?.refresh?.userIds).toHaveLength(60);
    expect(textsSentTo(t, ada).join('\n')).toMatch(
      /4 more approvers were not asked, because a card can show Approve and Reject to at most 60 people \(the first 60 by name were\): Approver 60, Approver 61, Approver 62 and Evan Exchange\./,
    );
  });
});

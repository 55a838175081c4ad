// A crash between an approval decision and its follow-ups (every copy of the card updated, Test & Enable started),
// over HTTP with the fake Bot Connector and one data file across three runs of the bot. The first run decides and
// then "dies": its event outbox dispatches nothing after the decision's commit, exactly as if the process had
// stopped right after that write. The second run must do every follow-up once; the third must do none again.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../src/app/event-outbox.js';
import { CardVerb } from '../../src/cards/index.js';
import { EmailApprovalStatus } from '../../src/domain/options.js';
import type { TestBot } from '../support/bot-harness.js';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector.js';
import { answeredCard, askForApproval, cardTextOf, decisionDataOf, greet, startApprovalBot, waitForApprovalCards, type SentApprovalCard } from './support.js';

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a crash between an approval decision and its follow-ups', () => {
  const running: TestBot[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const bot of running.splice(0)) await bot.stop();
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  const start = async (dataFile: string, botConnector: FakeConnector, holdEvent?: (stored: StoredEvent) => boolean): Promise<TestBot> => {
    const bot = await startApprovalBot({ dataFile, botConnector, ...(holdEvent === undefined ? {} : { holdEvent }) });
    running.push(bot);
    return bot;
  };
  const stop = async (bot: TestBot): Promise<void> => {
    running.splice(running.indexOf(bot), 1);
    await bot.stop();
  };

  /** In-place updates of a sent card that the connector accepted. */
  const updatesOf = (connector: FakeConnector, sent: SentApprovalCard) =>
    connector.requestsTo(sent.conversationId).filter((request) => request.operation === 'update' && request.activityId === sent.activityId && request.status === 200);

  /** Test & Enable jobs that include the mailbox, in the data file. */
  const jobsFor = (bot: TestBot, mailboxId: string) => (bot.bot.services.store.document().jobs ?? []).filter((job) => job.mailboxes.some((mailbox) => mailbox.id === mailboxId));

  it('updates every copy once and starts Test & Enable once after the restart, and never again', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'approval-crash-'));
    cleanups.push(() => rm(directory, { recursive: true, force: true }));
    const dataFile = join(directory, 'db.json');
    const connector = await startFakeConnector();
    cleanups.push(() => connector.close());

    // Run 1: Erin's address (Rejected in Contoso) is asked for again; Ada and Evan get the card.
    let crashed = false;
    const first = await start(dataFile, connector, () => crashed);
    const [ada, evan, erin] = [first.user('ada'), first.user('evan'), first.user('erin')];
    await greet(first, ada, evan, erin);
    await askForApproval(first, ada, 'erin@contoso.com');
    const [adaCard, evanCard] = await waitForApprovalCards(first, [ada, evan]);
    if (adaCard === undefined || evanCard === undefined) throw new Error('cards missing');
    const store = () => first.bot.services.store;
    const copiesKnown = () => (store().document().approvalRequests?.[0]?.copies ?? []).every((copy) => copy.activityId !== null);
    await connector.waitFor(copiesKnown, 5_000, 'the message ids on the request');
    const erinMailbox = store().mailboxByEmail('erin@contoso.com');
    if (erinMailbox === undefined) throw new Error('no mailbox for Erin');

    // From here on, run 1 dispatches nothing: the decision is committed, its follow-ups are not done.
    crashed = true;
    const answer = await first.invoke(ada, { verb: CardVerb.ApproveEmail, data: decisionDataOf(adaCard.card) }, { replyToId: adaCard.activityId });
    expect(cardTextOf(answeredCard(answer.body))).toMatch(/Approved by Ada Admin/);
    expect(store().mailboxById(erinMailbox.id)?.emailRouterAccessApproval).toBe(EmailApprovalStatus.Approved);
    expect(store().document().approvalRequests?.[0]).toMatchObject({ status: 'approved', closedOutAt: null });
    const undispatched = (store().document().eventOutbox?.events ?? []).map((stored) => stored.event.type);
    expect(undispatched).toEqual(['emailAddressDecided', 'testAndEnableRequested']);
    await settle(300);
    expect(jobsFor(first, erinMailbox.id)).toEqual([]);
    expect([updatesOf(connector, adaCard), updatesOf(connector, evanCard)]).toEqual([[], []]);
    await stop(first);

    // Run 2 on the same data file: the follow-ups happen, each once.
    const second = await start(dataFile, connector);
    await connector.waitFor(() => updatesOf(connector, adaCard).length > 0 && updatesOf(connector, evanCard).length > 0, 10_000, 'both copies updated');
    await connector.waitFor(() => jobsFor(second, erinMailbox.id).length > 0, 10_000, 'the Test & Enable job');
    await settle(500);
    expect([updatesOf(connector, adaCard).length, updatesOf(connector, evanCard).length]).toEqual([1, 1]);
    expect(JSON.stringify(updatesOf(connector, evanCard)[0]?.body)).toContain('Approved by Ada Admin');
    expect(jobsFor(second, erinMailbox.id).map((job) => [job.origin, job.requestedById])).toEqual([['approval', ada.id]]);
    const outbox = second.bot.services.store.document().eventOutbox;
    expect(outbox?.events).toEqual([]);
    expect(new Set(outbox?.consumers.map((consumer) => consumer.dispatchedThrough))).toEqual(new Set([outbox?.lastSequence]));
    await stop(second);

    // Run 3: nothing is left to follow up.
    const third = await start(dataFile, connector);
    await settle(500);
    expect([updatesOf(connector, adaCard).length, updatesOf(connector, evanCard).length]).toEqual([1, 1]);
    expect(jobsFor(third, erinMailbox.id)).toHaveLength(1);
  }, 40_000);
});

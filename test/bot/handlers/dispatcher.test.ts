// The dispatcher with recording Test & Enable and subscription services over the real store of a running
// bot: which service calls a command makes, with which requester and ids, and what is sent back.
import { InProcessPendingChoiceRepository } from '../../../src/store/pending-choices.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCommandDispatch } from '../../../src/bot/handlers/index.js';
import type { AlertSubscriptions, ProgressMessage, TestAndEnableJobs } from '../../../src/bot/services.js';
import type { CommandRequest, Reply } from '../../../src/bot/turn-handler.js';
import { parseCommand } from '../../../src/bot/commands/parser.js';
import type { ConversationScope } from '../../../src/bot/commands/registry.js';
import type { JobProgressView } from '../../../src/cards/index.js';
import { domainError, type DomainError } from '../../../src/domain/errors.js';
import type { User } from '../../../src/domain/model.js';
import { err, ok, type Result } from '../../../src/domain/result.js';
import { startTestBot, type TestBot } from '../../support/bot-harness.js';
import { cardText } from '../../cards/card-inspection.js';
import { buttonsOf, choicesOf, confirmationIdOf, expectWellFormed } from './support.js';

type StartInput = Parameters<TestAndEnableJobs['startJob']>[0];
type SubscriptionInput = Parameters<AlertSubscriptions['subscribe']>[0];

const jobView = (jobId: string, overrides: Partial<JobProgressView> = {}): JobProgressView => ({
  jobId,
  title: 'Test & Enable',
  status: 'queued',
  total: 1,
  tested: 0,
  succeeded: 0,
  failed: 0,
  requestedBy: 'Ada Admin',
  startedAt: null,
  completedAt: null,
  failures: [],
  ...overrides,
});

class RecordingJobs implements TestAndEnableJobs {
  readonly started: StartInput[] = [];
  readonly reported: { jobId: string; message: ProgressMessage }[] = [];
  startResult: (input: StartInput) => Result<JobProgressView, DomainError> = (input) => ok(jobView('J-1', { title: input.title, total: input.mailboxIds.length }));
  readonly jobs = new Map<string, JobProgressView>();
  latest: JobProgressView | undefined;

  startJob(input: StartInput): Promise<Result<JobProgressView, DomainError>> {
    this.started.push(input);
    return Promise.resolve(this.startResult(input));
  }
  reportProgressTo(jobId: string, message: ProgressMessage): Promise<void> {
    this.reported.push({ jobId, message });
    return Promise.resolve();
  }
  job(jobId: string): JobProgressView | undefined {
    return this.jobs.get(jobId);
  }
  latestJobOf(): JobProgressView | undefined {
    return this.latest;
  }
  start(): Promise<void> {
    return Promise.resolve();
  }
  stop(): Promise<void> {
    return Promise.resolve();
  }
}

class RecordingSubscriptions implements AlertSubscriptions {
  readonly calls: { kind: 'subscribe' | 'unsubscribe'; input: SubscriptionInput }[] = [];
  subscribe(input: SubscriptionInput): Promise<Result<{ profileName: string; changed: boolean }, DomainError>> {
    this.calls.push({ kind: 'subscribe', input });
    return Promise.resolve(ok({ profileName: 'Microsoft Exchange Online', changed: true }));
  }
  unsubscribe(input: SubscriptionInput): Promise<Result<{ profileName: string; changed: boolean }, DomainError>> {
    this.calls.push({ kind: 'unsubscribe', input });
    return Promise.resolve(ok({ profileName: 'Microsoft Exchange Online', changed: false }));
  }
}

describe('the command dispatcher with recording services', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot();
  });
  afterAll(async () => {
    await t.stop();
  });

  function setUp(scope: ConversationScope = 'personal') {
    const jobs = new RecordingJobs();
    const subscriptions = new RecordingSubscriptions();
    const { dispatchCommand: dispatch, handleChoice } = createCommandDispatch({ ...t.bot.services, jobs, subscriptions, pendingChoices: new InProcessPendingChoiceRepository() });
    const sent: Reply[] = [];
    const requestOf = (user: User): CommandRequest => ({
        requester: user,
        tenantId: t.bot.services.store.organization.tenantId,
        conversation: { id: `conversation-${scope}`, type: scope === 'team' ? 'channel' : scope, scope, fromId: `29:${user.aadObjectId}` },
        respond: {
          send: (reply) => {
            sent.push(reply);
            return Promise.resolve(`message-${sent.length}`);
          },
        },
      });
    const run = async (user: User, text: string): Promise<Reply[]> => {
      const command = parseCommand(text, { scope });
      if (command.kind !== 'command') throw new Error(`"${text}" is not a command: ${JSON.stringify(command)}`);
      const before = sent.length;
      await dispatch(command, requestOf(user));
      return sent.slice(before);
    };
    /** Types a write the rules hold back: expects its confirmation card, confirms it, returns what follows. */
    const runConfirmed = async (user: User, text: string): Promise<Reply[]> => {
      const [preview] = await run(user, text);
      const card = cardOfReply(preview);
      const before = sent.length;
      const answer = await handleChoice({ verb: 'confirmation.confirm', data: { confirmationId: confirmationIdOf(card) } }, requestOf(user));
      expect('card' in answer && cardText(answer.card)).toContain('Confirmed');
      return sent.slice(before);
    };
    return { jobs, subscriptions, run, runConfirmed };
  }

  const cardOfReply = (reply: Reply | undefined) => {
    if (reply?.card === undefined) throw new Error('the reply has no card');
    expectWellFormed(reply.card);
    return reply.card;
  };

  it('starts one job for the named mailboxes as the requester, sends its card and hands that message to the jobs service', async () => {
    const { jobs, runConfirmed } = setUp();
    const ada = t.user('ada');
    const replies = await runConfirmed(ada, 'test mailbox pia@contoso.com, "Sales Inbox"');
    expect(jobs.started).toHaveLength(1);
    expect(jobs.started[0]).toMatchObject({ requester: { id: 'user-ada' }, mailboxIds: ['mailbox-user-pia', 'mailbox-queue-sales'], origin: 'command', title: 'Test & Enable 2 mailboxes' });
    expect(replies).toHaveLength(1);
    expect(cardText(cardOfReply(replies[0]))).toContain('Test & Enable 2 mailboxes');
    expect(buttonsOf(cardOfReply(replies[0]))).toEqual([{ title: 'Refresh', command: 'job J-1' }]);
    expect(jobs.reported).toEqual([{ jobId: 'J-1', message: { conversationId: 'conversation-personal', activityId: 'message-2' } }]);
  });

  it('tests every mailbox of a profile with the profile origin', async () => {
    const { jobs, runConfirmed } = setUp();
    await runConfirmed(t.user('sam'), 'test mailboxes for profile "Microsoft Exchange Online"');
    const expected = t.bot.services.store.mailboxes().filter((mailbox) => mailbox.emailServerProfileId === 'profile-exchange-online').map((mailbox) => mailbox.id);
    expect(expected.length).toBeGreaterThan(5);
    expect(jobs.started).toMatchObject([{ requester: { id: 'user-sam' }, origin: 'profile', title: 'Test & Enable mailboxes of profile Microsoft Exchange Online' }]);
    expect([...(jobs.started[0]?.mailboxIds ?? [])].sort()).toEqual([...expected].sort());
  });

  it('answers a job the service refuses with the refusal card and reports nothing', async () => {
    const { jobs, run } = setUp();
    jobs.startResult = () =>
      err(
        domainError('PermissionDenied', 'Test & Enable was refused', {
          decision: { allowed: false, edition: 'seed2019', rule: 'test-and-enable:admin-or-owner', reason: 'Pia Pending cannot test and enable mailbox sales@contoso.com.' },
        }),
      );
    const replies = await run(t.user('pia'), 'test mailbox "Sales Inbox"');
    const text = cardText(cardOfReply(replies[0]));
    expect(text).toContain('Test & Enable Sales Inbox');
    expect(text).toContain('test-and-enable:admin-or-owner');
    expect(text).toContain('The mailbox owner with Write Mailbox');
    expect(jobs.reported).toEqual([]);
  });

  it('starts no job when a mailbox name is unknown', async () => {
    const { jobs, run } = setUp();
    const replies = await run(t.user('ada'), 'test mailbox pia@contso.com');
    expect(jobs.started).toEqual([]);
    // The correction is a choice the bot keeps: a click previews the test, it never starts one.
    expect(buttonsOf(cardOfReply(replies[0]))).toEqual([]);
    expect(choicesOf(cardOfReply(replies[0]))[0]?.title).toBe('test mailbox pia@contoso.com');
  });

  it('does not start a job itself when apply default settings requests Test & Enable, since the jobs service reacts to the event', async () => {
    const { jobs, runConfirmed } = setUp();
    // Sid Service's own methods differ from the defaults, so the command is confirmed first.
    const replies = await runConfirmed(t.user('ada'), 'apply default settings to "Sid Service"');
    expect(jobs.started).toEqual([]);
    expect(replies.map((reply) => reply.text)).toEqual([undefined, 'Test & Enable was requested for 1 mailbox and runs in the background; I post its progress in our personal chat.']);
  });

  it('shows the latest job without an id, a named job with one, and a running job with a refresh button', async () => {
    const { jobs, run } = setUp();
    jobs.latest = jobView('J-7', { status: 'done', total: 2, tested: 2, succeeded: 1, failed: 1, failures: [{ mailboxName: 'Support', emailAddress: 'support@contoso.com', reason: 'Mailbox not found' }] });
    jobs.jobs.set('J-8', jobView('J-8', { status: 'running', total: 3, tested: 1, succeeded: 1 }));
    const latest = cardOfReply((await run(t.user('ada'), 'job'))[0]);
    expect(cardText(latest)).toContain('Mailbox not found');
    expect(buttonsOf(latest)).toEqual([]);
    const named = cardOfReply((await run(t.user('ada'), 'job J-8'))[0]);
    expect(cardText(named)).toContain('1 of 3 mailboxes tested');
    expect(buttonsOf(named)).toEqual([{ title: 'Refresh', command: 'job J-8' }]);
    const missing = cardOfReply((await run(t.user('ada'), 'job J-9'))[0]);
    expect(cardText(missing)).toContain('There is no job J-9');
  });

  it('subscribes the conversation the command came from, as the requester', async () => {
    const { subscriptions, run } = setUp('team');
    const replies = await run(t.user('sam'), 'subscribe alerts for profile "Microsoft Exchange Online"');
    expect(subscriptions.calls).toMatchObject([{ kind: 'subscribe', input: { requester: { id: 'user-sam' }, profileName: 'Microsoft Exchange Online', conversationId: 'conversation-team' } }]);
    const card = cardOfReply(replies[0]);
    expect(cardText(card)).toContain('Alerts of the profile “Microsoft Exchange Online” will be posted here');
    expect(buttonsOf(card).map((button) => button.command)).toEqual(['alerts profile "Microsoft Exchange Online"', 'unsubscribe alerts for profile "Microsoft Exchange Online"']);
    const unsubscribed = cardOfReply((await run(t.user('sam'), 'unsubscribe alerts for profile "Microsoft Exchange Online"'))[0]);
    expect(cardText(unsubscribed)).toContain('This conversation was not receiving the alerts of “Microsoft Exchange Online”');
  });

  it('answers a service that throws with a card instead of silence', async () => {
    const { jobs, run } = setUp();
    jobs.startResult = () => {
      throw new Error('disk full');
    };
    const replies = await run(t.user('ada'), 'test mailbox pia@contoso.com');
    expect(cardText(cardOfReply(replies[0]))).toContain('Something went wrong while running test mailbox');
  });
});

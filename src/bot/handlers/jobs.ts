// Test & Enable as background jobs: start one, show its card, and have the jobs service update that card
// in place as the job progresses.
import { selectMailboxes } from '../../app/index.js';
import { findProfile } from '../../app/lookup.js';
import { renderJobProgressCard, type JobProgressView } from '../../cards/index.js';
import type { Mailbox } from '../../domain/model.js';
import { jobCardView, noJobNotice, renderNoticeCard } from '../views/index.js';
import { describeSelection, mailboxSelector, type HandlerEnvironment } from './environment.js';
import type { CommandHandlers } from './types.js';

/** Sends the job card, then hands the message that shows it to the jobs service for in-place updates. */
export async function sendJobCard(env: HandlerEnvironment, job: JobProgressView): Promise<void> {
  const activityId = await env.send({ card: renderJobProgressCard(jobCardView(job)) });
  if (activityId === undefined) {
    env.deps.logger.warn('the job card was sent without a message id; its progress cannot be shown in place', { jobId: job.jobId });
    return;
  }
  await env.deps.jobs.reportProgressTo(job.jobId, { conversationId: env.request.conversation.id, activityId });
}

/**
 * After a use case that published testAndEnableRequested: the jobs service, subscribed to the events, starts
 * that job and posts its card in the requester's personal chat. Starting one here would test twice, so the
 * answer only says where the progress will show.
 */
export async function tellTestAndEnableFollows(env: HandlerEnvironment, requestedCount: number): Promise<void> {
  if (requestedCount === 0) return;
  const mailboxes = requestedCount === 1 ? '1 mailbox' : `${requestedCount} mailboxes`;
  await env.send({ text: `Test & Enable was requested for ${mailboxes} and runs in the background; I post its progress in our personal chat.` });
}

function selectionTitle(mailboxes: readonly Mailbox[], keyword: 'all' | undefined): string {
  const [only] = mailboxes;
  if (keyword === 'all') return `Test & Enable all ${mailboxes.length} active mailboxes`;
  if (mailboxes.length === 1 && only !== undefined) return `Test & Enable ${only.name} (${only.emailAddress})`;
  return `Test & Enable ${mailboxes.length} mailboxes`;
}

export const jobHandlers: Pick<CommandHandlers, 'testMailbox' | 'testProfileMailboxes' | 'job'> = {
  testMailbox: async (args, env) => {
    const attempted = `Test & Enable ${describeSelection(args.mailboxes)}`;
    const selected = selectMailboxes(env.deps.store, mailboxSelector(args.mailboxes));
    if (!selected.ok) return env.fail(selected.error, attempted);
    const started = await env.deps.jobs.startJob({
      requester: env.requester,
      mailboxIds: selected.value.map((mailbox) => mailbox.id),
      origin: 'command',
      title: selectionTitle(selected.value, args.mailboxes.kind === 'keyword' ? 'all' : undefined),
    });
    if (!started.ok) return env.fail(started.error, attempted);
    await sendJobCard(env, started.value);
  },

  testProfileMailboxes: async (args, env) => {
    const attempted = `Test & Enable the mailboxes of the profile “${args.profile}”`;
    const { store } = env.deps;
    const profile = findProfile(store, args.profile);
    if (!profile.ok) return env.fail(profile.error, attempted);
    const { name, id } = profile.value;
    const mailboxIds = store.queryMailboxes({ profileId: id, activeOnly: true }, 0, Math.max(1, store.mailboxes().length)).items.map((mailbox) => mailbox.id);
    if (mailboxIds.length === 0) {
      await env.sendCard(
        renderNoticeCard({
          title: `No active mailbox uses the profile “${name}”`,
          tone: 'neutral',
          lines: ['There is nothing to test. Link mailboxes to the profile with apply default settings or edit mailboxes.'],
          actions: [{ title: 'Help: apply default settings', command: 'help apply default settings to' }],
        }),
      );
      return;
    }
    const started = await env.deps.jobs.startJob({ requester: env.requester, mailboxIds, origin: 'profile', title: `Test & Enable mailboxes of profile ${name}` });
    if (!started.ok) return env.fail(started.error, attempted);
    await sendJobCard(env, started.value);
  },

  job: async (args, env) => {
    const job = args.jobId === undefined ? env.deps.jobs.latestJobOf(env.requester.id) : env.deps.jobs.job(args.jobId);
    if (job === undefined) {
      await env.sendCard(renderNoticeCard(noJobNotice(args.jobId)));
      return;
    }
    await env.sendCard(renderJobProgressCard(jobCardView(job)));
  },
};

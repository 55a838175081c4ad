// The job card of Test & Enable: send it and have the jobs service update it in place as the job progresses,
// or say where the progress of a job the events start will show.
import { renderJobProgressCard, type JobProgressView } from '../../cards/index.js';
import { jobCardView } from '../views/index.js';
import type { HandlerEnvironment } from './environment.js';

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

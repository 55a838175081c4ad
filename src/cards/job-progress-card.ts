import { toButtonSet, type ButtonSetData } from './buttons.js';
import type { AdaptiveCardJson } from './card-json.js';
import { fact, type FactData } from './facts.js';
import { countOf, escapeMarkdown, formatCount, formatUtcOrDash } from './format.js';
import type { TextColor } from './labels.js';
import { outcomeListData, type OutcomeListData } from './mailbox-outcomes.js';
import { loadCardTemplate } from './template-store.js';
import type { JobProgressView, JobStatus, MailboxOutcome } from './view-models.js';

interface JobProgressCardData extends ButtonSetData, OutcomeListData {
  readonly fallbackText: string;
  readonly title: string;
  readonly statusText: string;
  readonly statusColor: TextColor;
  readonly progressText: string;
  readonly facts: readonly FactData[];
  readonly isDone: boolean;
  readonly summary: string;
  readonly summaryColor: TextColor;
  readonly hasHiddenRows: boolean;
  readonly hiddenRowsText: string;
}

const template = loadCardTemplate<JobProgressCardData>('job-progress');

const statusLabel: Readonly<Record<JobStatus, string>> = { queued: 'Queued', running: 'Running', done: 'Done' };

/** Counts that do not add up would make the card lie; they are a bug in the caller. */
function checkCounts(view: JobProgressView): void {
  const { total, tested, succeeded, failed } = view;
  for (const [name, value] of Object.entries({ total, tested, succeeded, failed })) {
    if (!Number.isInteger(value) || value < 0) throw new RangeError(`Job ${name} must be a whole number ≥ 0; got ${value}`);
  }
  if (tested > total) throw new RangeError(`Job tested ${tested} of only ${total} mailboxes`);
  if (succeeded + failed !== tested) throw new RangeError(`Job succeeded (${succeeded}) + failed (${failed}) must equal tested (${tested})`);
  if (view.failures.length > failed) throw new RangeError(`Job lists ${view.failures.length} failures but counts ${failed}`);
  if (view.status === 'done' && view.failures.length !== failed) {
    throw new RangeError(`A finished job must list every failure: it lists ${view.failures.length} of ${failed}`);
  }
}

function statusColorOf(view: JobProgressView): TextColor {
  if (view.status !== 'done') return 'Accent';
  return view.failures.some((failure) => failure.willRetry !== true && failure.notApproved !== true) ? 'Attention' : 'Default';
}

/** A Test & Enable job: queued, running or done, with counts; when done, the failed mailboxes and why. */
export function renderJobProgressCard(view: JobProgressView): AdaptiveCardJson {
  checkCounts(view);
  const percent = view.total === 0 ? 100 : Math.floor((view.tested / view.total) * 100);
  const progressText = `${formatCount(view.tested)} of ${countOf(view.total, 'mailbox', 'mailboxes')} tested (${percent}%)`;
  const outcomeOf = (failure: JobProgressView['failures'][number]): MailboxOutcome => (failure.willRetry === true ? 'retrying' : failure.notApproved === true ? 'notApproved' : 'failed');
  const list = outcomeListData(view.failures.map((failure) => ({ ...failure, outcome: outcomeOf(failure) })));
  const hiddenCount = list.hiddenCount;
  const untested = view.total - view.tested;
  // A mailbox Test & Enable tries again by itself is not a failure yet: it is counted apart.
  const willRetry = view.failures.filter((failure) => outcomeOf(failure) === 'retrying').length;
  const notApproved = view.failures.filter((failure) => outcomeOf(failure) === 'notApproved').length;
  const failed = view.failed - willRetry - notApproved;
  const summary =
    `${formatCount(view.succeeded)} succeeded, ` +
    (willRetry > 0 ? `${formatCount(willRetry)} will try again, ` : '') +
    (notApproved > 0 ? `${formatCount(notApproved)} not approved, ` : '') +
    `${formatCount(failed)} failed` +
    (untested > 0 ? `, ${formatCount(untested)} not tested.` : '.');
  const howToSeeAll =
    view.seeAllFailuresCommand === undefined
      ? 'Their alerts are on each mailbox’s Alerts wall.'
      : `To list them, type **${escapeMarkdown(view.seeAllFailuresCommand.command)}**.`;
  const buttons = [...(view.seeAllFailuresCommand === undefined ? [] : [view.seeAllFailuresCommand]), ...(view.actions ?? [])];
  const failedForFallback = view.failures.filter((failure) => failure.willRetry !== true && failure.notApproved !== true).slice(0, 5).map((failure) => `${failure.mailboxName} (${failure.reason})`);
  return template.expand({
    fallbackText:
      `${view.title}: ${statusLabel[view.status]}. ${progressText}.` +
      (view.status === 'done' ? ` ${summary}${failedForFallback.length > 0 ? ` Failed: ${failedForFallback.join('; ')}${failed > failedForFallback.length ? '; …' : ''}` : ''}` : ''),
    title: escapeMarkdown(view.title),
    statusText: statusLabel[view.status],
    statusColor: statusColorOf(view),
    progressText,
    facts: [
      fact('Tested', `${formatCount(view.tested)} of ${formatCount(view.total)}`),
      fact('Succeeded', formatCount(view.succeeded)),
      ...(willRetry > 0 ? [fact('Will try again', formatCount(willRetry))] : []),
      ...(notApproved > 0 ? [fact('Not approved', formatCount(notApproved))] : []),
      fact('Failed', formatCount(failed)),
      fact('Requested by', view.requestedBy),
      fact('Started', view.startedAt === null ? 'Not yet' : formatUtcOrDash(view.startedAt)),
      ...(view.status === 'done' ? [fact('Completed', formatUtcOrDash(view.completedAt))] : []),
      fact('Job', view.jobId),
    ],
    isDone: view.status === 'done',
    summary,
    summaryColor: failed > 0 ? 'Attention' : 'Default',
    ...list,
    hasHiddenRows: hiddenCount > 0,
    hiddenRowsText: `${countOf(hiddenCount, 'failed mailbox is', 'failed mailboxes are')} not shown. ${howToSeeAll}`,
    ...toButtonSet(buttons, 'job progress'),
  });
}

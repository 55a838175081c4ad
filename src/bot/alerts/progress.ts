// The job card, kept up to date in place through the outbox: at most one update per interval (2 s by default),
// each keyed by the progress it shows (`job:<id>:progress:<decided>`), so a restart never repeats one. When the
// job is done: the summary (`job:<id>:done`), then, once its alerts are delivered or given up on, who could
// not be reached (`job:<id>:delivered`) if that changes what the card says.
// A job started by a command updates the card the command answered with; a job started by an event (Apply
// Default Email Settings, an approval) first posts its card to the requester's personal chat (`job:<id>:card`).
import type { JobRecord, UnreachableRecipient } from '../../app/jobs/job-records.js';
import type { JobTimers } from '../../app/jobs/ports.js';
import type { Clock, OrganizationRecords } from '../../app/ports.js';
import type { Logger } from '../../shared/logger.js';
import type { DeliveryTarget, MessagesReport, OutboundActivity, ProactiveMessages } from '../../app/proactive-messages.js';
import { recipientKey, recipientName, type ReferenceLookup } from './notifications.js';
import { deadLetterExplanation, deliveryText, jobCardActivity, type DeliverySummary } from './views.js';

export interface JobProgressReporterDependencies {
  readonly outbox: Pick<ProactiveMessages, 'enqueue' | 'get' | 'deliveryReport' | 'whenSettled'>;
  readonly records: Pick<OrganizationRecords, 'userByAadObjectId'>;
  readonly references: ReferenceLookup;
  readonly jobs: {
    job(jobId: string): JobRecord | undefined;
    markDeliveryReported(jobId: string): Promise<unknown>;
  };
  readonly clock: Clock;
  readonly timers: JobTimers;
  /** Least time between two updates of one card. */
  readonly intervalMs: number;
  /**
   * How long a job started by an event waits before posting its card to the requester's personal chat. The
   * command handler that caused the event may show the job in its own conversation meanwhile (it then attaches
   * that card and no second card is posted).
   */
  readonly personalCardDelayMs: number;
  /** Longest wait for a job's alerts to be delivered before the summary says some are still on their way. */
  readonly deliveryTimeoutMs: number;
  readonly logger: Pick<Logger, 'warn' | 'error'>;
}

interface CardState {
  lastSentAt: number;
  timer: { cancel(): void } | undefined;
  /** The last progress update, so a new one waits while it is still queued (a throttled chat gets no backlog). */
  lastKey: string | undefined;
  finishing: boolean;
}

type CardLocation = { readonly kind: 'ready'; readonly conversationId: string; readonly activityId: string } | { readonly kind: 'waiting' } | { readonly kind: 'lost' };

export const jobCardKey = (jobId: string): string => `job:${jobId}:card`;

export class JobProgressReporter {
  private readonly cards = new Map<string, CardState>();
  private readonly cancelWaits = new Set<() => void>();
  private stopped = false;

  constructor(private readonly deps: JobProgressReporterDependencies) {}

  jobChanged(job: JobRecord): void {
    if (this.stopped || job.report.kind === 'none') return;
    if (job.status === 'done' && job.deliveryReported) return;
    const state = this.cardOf(job);
    this.schedule(job.id, state);
  }

  stop(): void {
    this.stopped = true;
    for (const state of this.cards.values()) state.timer?.cancel();
    for (const cancel of [...this.cancelWaits]) cancel();
  }

  /** The requester's view of the alerts so far. */
  async deliverySummary(job: JobRecord): Promise<DeliverySummary> {
    const report: MessagesReport = this.deps.outbox.deliveryReport(job.notificationKeys);
    const unreachable: UnreachableRecipient[] = [...job.unreachable];
    const known = new Set(unreachable.map((entry) => entry.recipient));
    let total = job.unreachableCount;
    for (const failed of report.failed) {
      const recipient = recipientKey(failed.target);
      if (known.has(recipient)) continue;
      known.add(recipient);
      total += 1;
      unreachable.push({ recipient, name: await recipientName(failed.target, this.deps.records, this.deps.references), reason: deadLetterExplanation[failed.reason] });
    }
    return { delivered: report.sent.length, pending: report.pending.length, unreachable, unreachableTotal: total };
  }

  private cardOf(job: JobRecord): CardState {
    let state = this.cards.get(job.id);
    if (state === undefined) {
      // A command's card was just posted: the first update waits a full interval. A personal-chat card is
      // posted after a grace period, in which the command that caused the event may show the job itself.
      const firstLookIn = job.report.kind === 'personalChat' && this.deps.outbox.get(jobCardKey(job.id)) === undefined ? this.deps.personalCardDelayMs : this.deps.intervalMs;
      state = { lastSentAt: this.now() - this.deps.intervalMs + firstLookIn, timer: undefined, lastKey: undefined, finishing: false };
      this.cards.set(job.id, state);
    }
    return state;
  }

  /**
   * The earliest time the next update may go: an interval after the last one was queued and, once Teams
   * has it, after it was delivered (a throttled update must not be followed at once by the next one).
   */
  private nextUpdateAt(state: CardState): number {
    const previous = state.lastKey === undefined ? undefined : this.deps.outbox.get(state.lastKey);
    const deliveredAt = previous?.sentAt === null || previous?.sentAt === undefined ? Number.NEGATIVE_INFINITY : Date.parse(previous.sentAt);
    return Math.max(state.lastSentAt, deliveredAt) + this.deps.intervalMs;
  }

  private schedule(jobId: string, state: CardState, extraWaitMs = 0): void {
    if (state.timer !== undefined || state.finishing || this.stopped) return;
    const wait = Math.max(extraWaitMs, this.nextUpdateAt(state) - this.now());
    state.timer = this.deps.timers.setTimeout(() => {
      state.timer = undefined;
      void this.update(jobId, state).catch((error: unknown) => this.deps.logger.error('could not update a job card', { job: jobId, error }));
    }, wait);
  }

  private async update(jobId: string, state: CardState): Promise<void> {
    const job = this.deps.jobs.job(jobId);
    if (job === undefined || this.stopped) return;
    const location = this.locate(job);
    if (location.kind === 'waiting') {
      this.schedule(jobId, state, this.deps.intervalMs);
      return;
    }
    if (job.status === 'done') {
      const previous = state.lastKey === undefined ? undefined : this.deps.outbox.get(state.lastKey);
      if (previous?.state === 'pending' || this.nextUpdateAt(state) > this.now()) {
        this.schedule(jobId, state, previous?.state === 'pending' ? this.deps.intervalMs : 0);
        return;
      }
      await this.finish(job, state, location);
      return;
    }
    if (location.kind === 'lost') return;
    const previous = state.lastKey === undefined ? undefined : this.deps.outbox.get(state.lastKey);
    // The card was deleted: no more progress updates; the summary is posted as a new message when the job ends.
    if (previous?.deadLetter?.reason === 'ActivityNotFound') return;
    if (previous?.state === 'pending' || this.nextUpdateAt(state) > this.now()) {
      this.schedule(jobId, state, previous?.state === 'pending' ? this.deps.intervalMs : 0);
      return;
    }
    const key = `job:${job.id}:progress:${job.results.length}`;
    state.lastKey = key;
    state.lastSentAt = this.now();
    this.sendUpdate(key, location, jobCardActivity(job));
  }

  private async finish(job: JobRecord, state: CardState, location: CardLocation): Promise<void> {
    if (state.finishing) return;
    state.finishing = true;
    const doneKey = `job:${job.id}:done`;
    if (location.kind === 'ready') {
      state.lastSentAt = this.now();
      state.lastKey = doneKey;
      this.sendUpdate(doneKey, location, jobCardActivity(job, deliveryText(await this.deliverySummary(job))));
    }
    const settled = await this.waitUntilSettled([...job.notificationKeys, doneKey]);
    if (!settled && this.stopped) return;
    const finalText = deliveryText(await this.deliverySummary(job));
    const shown = this.deps.outbox.get(doneKey);
    if (location.kind === 'ready' && shown !== undefined) {
      if (shown.state === 'dead' && shown.deadLetter?.reason === 'ActivityNotFound') {
        // The card was deleted: post the summary as a new message instead.
        this.send(`job:${job.id}:summary`, { kind: 'conversation', conversationId: location.conversationId }, jobCardActivity(job, finalText));
      } else if (JSON.stringify(shown.activity) !== JSON.stringify(jobCardActivity(job, finalText))) {
        await this.sleep(Math.max(0, this.nextUpdateAt(state) - this.now()));
        if (this.stopped) return;
        this.sendUpdate(`job:${job.id}:delivered`, location, jobCardActivity(job, finalText));
      }
    }
    await this.deps.jobs.markDeliveryReported(job.id);
    this.cards.delete(job.id);
  }

  /** Where the card is. A personal-chat card is usable once the outbox has posted it. */
  private locate(job: JobRecord): CardLocation {
    if (job.report.kind === 'message') return { kind: 'ready', conversationId: job.report.conversationId, activityId: job.report.activityId };
    if (job.report.kind === 'none') return { kind: 'lost' };
    const card = this.deps.outbox.get(jobCardKey(job.id));
    if (card === undefined) {
      this.send(jobCardKey(job.id), { kind: 'user', tenantId: job.report.tenantId, aadObjectId: job.report.aadObjectId }, jobCardActivity(job));
      return { kind: 'waiting' };
    }
    if (card.state === 'pending') return { kind: 'waiting' };
    if (card.state === 'sent' && card.sentActivityId !== null && card.conversationId !== null) {
      return { kind: 'ready', conversationId: card.conversationId, activityId: card.sentActivityId };
    }
    return { kind: 'lost' };
  }

  private sendUpdate(key: string, location: Extract<CardLocation, { kind: 'ready' }>, activity: OutboundActivity): void {
    this.send(key, { kind: 'conversation', conversationId: location.conversationId }, activity, { activityId: location.activityId });
  }

  private send(key: string, target: DeliveryTarget, activity: OutboundActivity, update?: { activityId: string }): void {
    this.deps.outbox
      .enqueue({ idempotencyKey: key, target, activity, ...(update === undefined ? {} : { update }) })
      .catch((error: unknown) => this.deps.logger.error('could not queue a job card message', { key, error }));
  }

  /** True when every key settled; false on timeout or stop. */
  private async waitUntilSettled(keys: readonly string[]): Promise<boolean> {
    let cancel: (() => void) | undefined;
    const giveUp = new Promise<false>((resolve) => {
      const timer = this.deps.timers.setTimeout(() => resolve(false), this.deps.deliveryTimeoutMs);
      cancel = () => {
        timer.cancel();
        resolve(false);
      };
    });
    if (cancel !== undefined) this.cancelWaits.add(cancel);
    try {
      return await Promise.race([this.deps.outbox.whenSettled(keys).then(() => true), giveUp]);
    } finally {
      if (cancel !== undefined) {
        this.cancelWaits.delete(cancel);
        cancel();
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = this.deps.timers.setTimeout(() => {
        this.cancelWaits.delete(stopWaiting);
        resolve();
      }, ms);
      const stopWaiting = (): void => {
        timer.cancel();
        resolve();
      };
      this.cancelWaits.add(stopWaiting);
    });
  }

  private now(): number {
    return this.deps.clock.now().getTime();
  }
}

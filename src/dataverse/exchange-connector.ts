// Test & Enable observed, not simulated: the ExchangeConnector over Dynamics 365. Scheduling is the platform's
// own: PATCH `mailboxes(id)` with `testemailconfigurationscheduled: true` (and `orgmarkedasprimaryforexchangesync`
// for "sync items with Exchange from this org only"), If-Match on each, coalesced into $batch change sets.
// Server-side synchronization then tests the mailbox when it gets to it. The outcome is observed by polling:
// one paged query for the mailboxes whose test completed, one for the trace logs written since, about every
// 30 s while tests wait (never one request per mailbox). Each completed test is reported per part, the
// platform's status columns deciding success or failure and its trace log the condition, mapped through the
// alert catalog where the text is one the catalog knows, otherwise verbatim (code and text).
import type { ExchangeConnector, ObservedOutcomes, ReportedTestOutcome, ScheduledTest } from '../app/exchange-connector.js';
import type { PermanentExchangeCondition } from '../domain/alert-catalog.js';
import type { MailboxPart } from '../domain/alert-catalog.js';
import type { Alert, Mailbox } from '../domain/model.js';
import { AlertLevel, TestStatus } from '../domain/options.js';
import type { ConnectorTestResult, PartOutcome } from '../domain/test-and-enable.js';
import type { BatchOperation } from './batch.js';
import type { DataverseClient } from './client.js';
import { odataGuid } from './client.js';
import { MAILBOX_COLUMNS, TRACE_COLUMNS, alertFromRow, etagOfVersion, mailboxFromRow } from './rows.js';

/** What the connector knows of a mailbox before scheduling it. */
export interface MailboxBeforeTest {
  readonly version: number;
  readonly testEmailConfigurationScheduled: boolean;
  readonly testMailboxAccessCompletedOn: string | null;
}

export interface DataverseExchangeConnectorOptions {
  readonly client: DataverseClient;
  /** Between two polls while tests wait (default 30 s). */
  readonly pollIntervalMs?: number;
  /** How long schedule() calls are gathered into one $batch (default 200 ms). */
  readonly coalesceMs?: number;
  /**
   * The mailboxes as last read (the records cache), for their ETags; a mailbox missing here, or whose ETag no
   * longer matches, is re-read. Default: re-read every one (one query per 25 mailboxes).
   */
  readonly current?: (mailboxIds: readonly string[]) => Promise<ReadonlyMap<string, MailboxBeforeTest>>;
  /**
   * A test the records already scheduled (the `scheduleTestAndEnable` intent PATCHes the same column): watched
   * from the completion time it had before, not scheduled a second time.
   */
  readonly scheduledElsewhere?: (mailboxId: string) => { readonly completedBefore: string | null } | undefined;
  /** Told about every mailbox row the polls read (the records cache stays fresh without its own query). */
  readonly onMailboxRead?: (mailboxes: readonly Mailbox[]) => void;
  readonly now?: () => number;
}

/** Trace texts the product writes, recognised by their wording (trace codes are not documented). */
const KNOWN_TEXTS: readonly (readonly [RegExp, PermanentExchangeCondition])[] = [
  [/approval by an Office 365 administrator|approved by (an )?(Office|Microsoft) 365 admin/i, 'NotApprovedByO365Admin'],
  [/credentials specified in the associated email server profile|\(401\) Unauthorized/i, 'Unauthorized'],
  [/secure connection/i, 'SecureConnectionFailure'],
  [/mailbox location .* could not be determined|could not be determined/i, 'MailboxNotFound'],
  [/configured with another organization/i, 'ActConfiguredWithAnotherOrganization'],
];
export const conditionOfTrace = (text: string): PermanentExchangeCondition => KNOWN_TEXTS.find(([pattern]) => pattern.test(text))?.[1] ?? 'ReportedByPlatform';

const STATUS_COLUMN: Readonly<Record<MailboxPart, (mailbox: Mailbox) => number>> = {
  incoming: (mailbox) => mailbox.incomingEmailStatus,
  outgoing: (mailbox) => mailbox.outgoingEmailStatus,
  act: (mailbox) => mailbox.actStatus,
};
const PART_WORDS: Readonly<Record<MailboxPart, RegExp>> = {
  incoming: /receiv|incoming/i,
  outgoing: /sen[dt]|outgoing/i,
  act: /appointments|contacts|tasks/i,
};

/** The per-part result of a completed test, from the mailbox's status columns and the traces regarding it. */
export function resultOfCompletedTest(mailbox: Mailbox, parts: readonly MailboxPart[], traces: readonly Alert[]): ConnectorTestResult {
  const errors = traces.filter((trace) => trace.level === AlertLevel.Error);
  const success = traces.find((trace) => trace.level === AlertLevel.Information);
  const outcomes: Partial<Record<MailboxPart, PartOutcome>> = {};
  for (const part of parts) {
    const status = STATUS_COLUMN[part](mailbox);
    const failed = status === TestStatus.Failure || (status !== TestStatus.Success && mailbox.mailboxStatus === TestStatus.Failure);
    if (!failed) {
      outcomes[part] = { status: 'success', code: success?.code ?? 'Success', message: success?.text ?? 'Dynamics 365 tested the mailbox and enabled it.' };
      continue;
    }
    // The trace that names this part, else the first error, else the mailbox status alone.
    const trace = errors.find((candidate) => PART_WORDS[part].test(candidate.text)) ?? errors[0];
    outcomes[part] =
      trace === undefined
        ? { status: 'permanent', condition: 'ReportedByPlatform', code: 'NoTraceLog', message: 'Dynamics 365 marked the test as failed without an alert (alerts for errors may be turned off in System Settings).' }
        : { status: 'permanent', condition: conditionOfTrace(trace.text), code: trace.code, message: trace.text };
  }
  return { parts: outcomes };
}

interface Waiting {
  readonly testId: string;
  readonly mailboxId: string;
  readonly parts: readonly MailboxPart[];
  /** `testmailboxaccesscompletedon` before scheduling: a different value means this test completed. */
  readonly completedBefore: string | null;
  readonly scheduledAt: number;
}

/**
 * Not scheduled now, and its last test completed at or after `since` (ISO times), to the second: Dynamics 365 keeps
 * whole seconds, so a test completed in the second the job began counts.
 */
const completedSince = (mailbox: MailboxBeforeTest, since: string | undefined): boolean =>
  since !== undefined && !mailbox.testEmailConfigurationScheduled && mailbox.testMailboxAccessCompletedOn !== null && Date.parse(mailbox.testMailboxAccessCompletedOn) >= Math.floor(Date.parse(since) / 1000) * 1000;

/** Margin for the difference between our clock and the platform's in the polls' time filters. */
const CLOCK_MARGIN_MS = 10 * 60_000;
const ID_CHUNK = 100;

export class DataverseExchangeConnector implements ExchangeConnector {
  readonly #client: DataverseClient;
  readonly #pollIntervalMs: number;
  readonly #coalesceMs: number;
  readonly #now: () => number;
  readonly #options: DataverseExchangeConnectorOptions;
  readonly #waiting = new Map<string, Waiting>();
  readonly #outcomes: ReportedTestOutcome[] = [];
  readonly #seenTraces = new Set<string>();
  #gathered: { tests: ScheduledTest[]; done: Promise<void> } | undefined;
  #listeners = new Set<() => void>();
  #polling: Promise<void> | undefined;

  constructor(options: DataverseExchangeConnectorOptions) {
    this.#client = options.client;
    this.#options = options;
    this.#pollIntervalMs = options.pollIntervalMs ?? 30_000;
    this.#coalesceMs = options.coalesceMs ?? 200;
    this.#now = options.now ?? Date.now;
  }

  /** Tests waiting for their outcome. */
  get waitingCount(): number {
    return this.#waiting.size;
  }

  schedule(tests: readonly ScheduledTest[]): Promise<void> {
    if (tests.length === 0) return Promise.resolve();
    if (this.#gathered === undefined) {
      const gathered: { tests: ScheduledTest[]; done: Promise<void> } = { tests: [], done: Promise.resolve() };
      gathered.done = new Promise<void>((resolve) => setTimeout(resolve, this.#coalesceMs)).then(() => {
        this.#gathered = undefined;
        return this.#scheduleNow(gathered.tests);
      });
      this.#gathered = gathered;
    }
    this.#gathered.tests.push(...tests);
    return this.#gathered.done;
  }

  async #current(mailboxIds: readonly string[]): Promise<ReadonlyMap<string, MailboxBeforeTest>> {
    const known = this.#options.current === undefined ? new Map<string, MailboxBeforeTest>() : new Map(await this.#options.current(mailboxIds));
    const missing = mailboxIds.filter((id) => !known.has(id));
    for (const mailbox of await this.#read(missing)) known.set(mailbox.id, mailbox);
    return known;
  }

  async #read(mailboxIds: readonly string[]): Promise<Mailbox[]> {
    const read: Mailbox[] = [];
    for (let start = 0; start < mailboxIds.length; start += ID_CHUNK) {
      const filter = mailboxIds.slice(start, start + ID_CHUNK).map((id) => `mailboxid eq ${odataGuid(id)}`).join(' or ');
      for await (const row of this.#client.rows('mailboxes', { select: MAILBOX_COLUMNS, filter }, { formattedValues: true })) read.push(mailboxFromRow(row));
    }
    this.#options.onMailboxRead?.(read);
    return read;
  }

  /** PATCHes the gathered tests' mailboxes; a mailbox that changed meanwhile is re-read and sent again (twice at most). */
  async #scheduleNow(tests: readonly ScheduledTest[]): Promise<void> {
    const byMailbox = new Map<string, ScheduledTest>();
    for (const test of tests) {
      const mailboxId = test.request.mailbox.id.toLowerCase();
      const scheduled = this.#options.scheduledElsewhere?.(mailboxId);
      if (scheduled === undefined) byMailbox.set(mailboxId, test);
      else this.#wait(test, { testMailboxAccessCompletedOn: scheduled.completedBefore });
    }
    let pending = [...byMailbox.keys()];
    if (pending.length === 0) return;
    let current = await this.#current(pending);
    for (let attempt = 0; attempt < 3 && pending.length > 0; attempt++) {
      const operations: BatchOperation[] = [];
      const sent: string[] = [];
      for (const mailboxId of pending) {
        const test = byMailbox.get(mailboxId);
        const mailbox = current.get(mailboxId);
        if (test === undefined) continue;
        if (mailbox === undefined) throw new Error(`The mailbox ${test.request.mailbox.emailAddress} no longer exists in Dynamics 365.`);
        // Completed since its job began (a job taken over from an instance that died, or resumed after a restart):
        // that outcome is this test's (the job scheduled it, "from this org only" included, when it began); the next
        // poll reports it, nothing is scheduled a second time.
        if (completedSince(mailbox, test.request.scheduledSince)) {
          this.#wait(test, { testMailboxAccessCompletedOn: null }, Date.parse(mailbox.testMailboxAccessCompletedOn ?? ''));
          continue;
        }
        this.#wait(test, mailbox);
        // Already scheduled (a job resumed after a restart): watch it, do not schedule it twice.
        if (mailbox.testEmailConfigurationScheduled && !test.request.makePrimarySyncOrganization) continue;
        operations.push({
          method: 'PATCH',
          path: `mailboxes(${odataGuid(mailboxId)})`,
          body: { testemailconfigurationscheduled: true, ...(test.request.makePrimarySyncOrganization ? { orgmarkedasprimaryforexchangesync: true } : {}) },
          etag: etagOfVersion(mailbox.version),
        });
        sent.push(mailboxId);
      }
      if (operations.length === 0) return;
      const results = await this.#client.batch(operations);
      const failed = results.find((result) => result.outcome === 'failed');
      if (failed?.outcome === 'failed') throw failed.error;
      // Conflicted and rolled-back ones go again with their current ETags.
      pending = sent.filter((_, index) => results[index]?.outcome !== 'done');
      current = new Map((await this.#read(pending)).map((mailbox) => [mailbox.id, mailbox]));
    }
    if (pending.length > 0) throw new Error(`Dynamics 365 kept changing ${pending.length} mailbox(es) while Test & Enable was being scheduled; they were not scheduled.`);
  }

  #wait(test: ScheduledTest, mailbox: Pick<MailboxBeforeTest, 'testMailboxAccessCompletedOn'>, scheduledAt = this.#now()): void {
    this.#waiting.set(test.testId, {
      testId: test.testId,
      mailboxId: test.request.mailbox.id.toLowerCase(),
      parts: test.request.parts,
      // A test already scheduled before (resumed job) completes with whatever value comes next.
      completedBefore: mailbox.testMailboxAccessCompletedOn,
      // The polls look back from the earliest of these: far enough for a test that completed before it was watched.
      scheduledAt: Math.min(scheduledAt, this.#now()),
    });
    this.#ensurePolling();
  }

  observe(cursor: string | undefined, signal: AbortSignal): Promise<ObservedOutcomes> {
    const from = cursor === undefined ? this.#outcomes.length : Number(cursor);
    const start = Number.isInteger(from) && from >= 0 && from <= this.#outcomes.length ? from : this.#outcomes.length;
    const answer = (): ObservedOutcomes => ({ outcomes: this.#outcomes.slice(start), cursor: String(this.#outcomes.length) });
    if (this.#outcomes.length > start || signal.aborted) return Promise.resolve(answer());
    return new Promise((resolve) => {
      const listener = (): void => {
        if (this.#outcomes.length <= start && !signal.aborted) return;
        this.#listeners.delete(listener);
        signal.removeEventListener('abort', listener);
        resolve(answer());
      };
      this.#listeners.add(listener);
      signal.addEventListener('abort', listener);
    });
  }

  #ensurePolling(): void {
    if (this.#polling !== undefined) return;
    this.#polling = this.#pollWhileWaiting().finally(() => {
      this.#polling = undefined;
      if (this.#waiting.size > 0) this.#ensurePolling();
    });
  }

  async #pollWhileWaiting(): Promise<void> {
    while (this.#waiting.size > 0) {
      await new Promise((resolve) => setTimeout(resolve, this.#pollIntervalMs));
      try {
        await this.pollOnce();
      } catch {
        // A failed poll is tried again at the next interval (the client already retried and paused for 429s);
        // a test that never completes ends with the runner's time-out.
      }
    }
  }

  /** One poll: the completed mailboxes (one paged query) and the new trace logs (one paged query). */
  async pollOnce(): Promise<number> {
    if (this.#waiting.size === 0) return 0;
    const since = new Date(Math.min(...[...this.#waiting.values()].map((waiting) => waiting.scheduledAt)) - CLOCK_MARGIN_MS).toISOString();
    const completed: Mailbox[] = [];
    for await (const row of this.#client.rows('mailboxes', { select: MAILBOX_COLUMNS, filter: `testemailconfigurationscheduled eq false and testmailboxaccesscompletedon ge ${since}` }, { formattedValues: true })) completed.push(mailboxFromRow(row));
    this.#options.onMailboxRead?.(completed);
    const byId = new Map(completed.map((mailbox) => [mailbox.id, mailbox]));
    const done = [...this.#waiting.values()].filter((waiting) => {
      const mailbox = byId.get(waiting.mailboxId);
      return mailbox !== undefined && mailbox.testMailboxAccessCompletedOn !== waiting.completedBefore;
    });
    if (done.length === 0) return 0;
    const traces = new Map<string, Alert[]>();
    for await (const row of this.#client.rows('tracelogs', { select: TRACE_COLUMNS, filter: `createdon ge ${since}`, orderBy: 'createdon asc' }, { formattedValues: true })) {
      const trace = alertFromRow(row);
      if (this.#seenTraces.has(trace.id) || trace.regarding.type !== 'mailbox') continue;
      traces.set(trace.regarding.id, [...(traces.get(trace.regarding.id) ?? []), trace]);
    }
    for (const waiting of done) {
      const mailbox = byId.get(waiting.mailboxId);
      if (mailbox === undefined) continue;
      const regarding = traces.get(waiting.mailboxId) ?? [];
      regarding.forEach((trace) => this.#seenTraces.add(trace.id));
      this.#waiting.delete(waiting.testId);
      this.#outcomes.push({ testId: waiting.testId, result: resultOfCompletedTest(mailbox, waiting.parts, regarding) });
    }
    for (const listener of [...this.#listeners]) listener();
    return done.length;
  }
}

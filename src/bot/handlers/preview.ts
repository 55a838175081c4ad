// What a write would change, found by running the command's own handler against the current state with
// every way out replaced: the store records the change set instead of committing it, events and Test & Enable
// jobs are recorded instead of started, replies are dropped. So the preview can never disagree with what the
// command does, and a new command needs no preview code of its own.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { AppEvent, AppEvents } from '../../app/events.js';
import type { ChangeSet, IdGenerator, IntentBatch, IntentOutcome, OrganizationRecords } from '../../app/ports.js';
import type { Directory } from '../../domain/directory.js';
import type { JobProgressView } from '../../cards/index.js';
import type { DomainError } from '../../domain/errors.js';
import type { Mailbox } from '../../domain/model.js';
import { actMethodLabel, approvalStatusLabel, incomingMethodLabel, outgoingMethodLabel, testStatusLabel } from '../../domain/options.js';
import { ok, type Result } from '../../domain/result.js';
import type { AlertSubscriptions, TestAndEnableJobs } from '../services.js';
import type { CommandRequest } from '../requests.js';
import type { CommandDispatcherDependencies, HandlerEnvironment } from './environment.js';

export interface FieldChange {
  readonly field: string;
  readonly from: string;
  readonly to: string;
}

export type PreviewRecordType = 'mailbox' | 'organization' | 'user' | 'queue' | 'profile' | 'securityRole';

export interface PreviewRecord {
  readonly type: PreviewRecordType;
  /** How the record is named on the card: "Sales Inbox (sales@contoso.com)", "Organization settings". */
  readonly name: string;
  readonly changes: readonly FieldChange[];
}

export interface WritePreview {
  /** Every record the write changes, with each field's old and new value. */
  readonly records: readonly PreviewRecord[];
  /** Changed values that were different from the new ones before (what the write overwrites). */
  readonly overwrittenValues: number;
  /** Mailboxes a Test & Enable would run on, right away or after the change. */
  readonly testedMailboxes: readonly string[];
  /** Alert subscriptions the write would change. */
  readonly subscriptions: readonly string[];
  /** The versions (or contents) of everything previewed: equal fingerprints mean nothing changed since. */
  readonly fingerprint: string;
}

/** The handler's answer was a failure (unknown name, refusal, nothing to do): nothing to preview. */
export type PreviewOutcome = { readonly kind: 'preview'; readonly preview: WritePreview } | { readonly kind: 'nothingChanges' };

const yesNo = (value: unknown): string => (value === true ? 'Yes' : value === false ? 'No' : String(value));
const clipValue = (text: string): string => (text.length <= 80 ? text : `${text.slice(0, 79)}…`);

function plainValue(value: unknown): string {
  if (value === null || value === undefined) return '(none)';
  if (typeof value === 'string') return value === '' ? '(empty)' : value;
  if (typeof value === 'number' || typeof value === 'boolean') return yesNo(value);
  return clipValue(JSON.stringify(value));
}

/** "defaultIncomingEmailDeliveryMethod" → "Default incoming email delivery method" for fields without a label. */
const wordsOf = (key: string): string => {
  const spaced = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
};

type Labeller = (value: unknown) => string;
const fromTable =
  (table: Readonly<Record<number, string>>): Labeller =>
  (value) =>
    typeof value === 'number' ? (table[value] ?? String(value)) : plainValue(value);

/** Mailbox and organization fields as the product's forms name them; others by their field name. */
function fieldLabels(directory: Directory): ReadonlyMap<string, { readonly label: string; readonly value: Labeller }> {
  const profile: Labeller = (value) => (typeof value === 'string' ? (directory.profileById(value)?.name ?? value) : '(none)');
  return new Map([
    ['emailServerProfileId', { label: 'Server Profile', value: profile }],
    ['incomingEmailDeliveryMethod', { label: 'Incoming Email', value: fromTable(incomingMethodLabel) }],
    ['outgoingEmailDeliveryMethod', { label: 'Outgoing Email', value: fromTable(outgoingMethodLabel) }],
    ['actDeliveryMethod', { label: 'Appointments, Contacts, and Tasks', value: fromTable(actMethodLabel) }],
    ['emailRouterAccessApproval', { label: 'Email Address Status', value: fromTable(approvalStatusLabel) }],
    ['mailboxStatus', { label: 'Mailbox Status', value: fromTable(testStatusLabel) }],
    ['isEmailAddressApprovedByO365Admin', { label: 'Approved by a Microsoft 365 admin', value: yesNo }],
    ['orgMarkedAsPrimaryForExchangeSync', { label: 'Sync items with Exchange from this org only', value: yesNo }],
    ['emailAddress', { label: 'Email Address', value: plainValue }],
    ['defaultEmailServerProfileId', { label: 'Default Server Profile', value: profile }],
    ['defaultIncomingEmailDeliveryMethod', { label: 'Default Incoming Email', value: fromTable(incomingMethodLabel) }],
    ['defaultOutgoingEmailDeliveryMethod', { label: 'Default Outgoing Email', value: fromTable(outgoingMethodLabel) }],
    ['defaultActDeliveryMethod', { label: 'Default Appointments, Contacts, and Tasks', value: fromTable(actMethodLabel) }],
  ]);
}

/** Bookkeeping that every write touches and nobody set: left out of the card, still in the fingerprint. */
const bookkeeping = new Set(['version', 'modifiedOn', 'testEmailConfigurationScheduled', 'testEmailConfigurationRetryCount', 'postponeTestEmailConfigurationUntil']);

function fieldChanges(before: object | undefined, after: object, labels: ReturnType<typeof fieldLabels>): FieldChange[] {
  const old = new Map(Object.entries(plainRecord.parse(before ?? {})));
  const changes: FieldChange[] = [];
  for (const [key, value] of Object.entries(plainRecord.parse(after))) {
    if (bookkeeping.has(key)) continue;
    const previous = old.get(key);
    if (JSON.stringify(previous) === JSON.stringify(value)) continue;
    if (key === 'settings' && typeof previous === 'object' && previous !== null && typeof value === 'object' && value !== null) {
      changes.push(...fieldChanges(previous, value, labels));
      continue;
    }
    const known = labels.get(key);
    const format = known?.value ?? plainValue;
    changes.push({ field: known?.label ?? wordsOf(key), from: before === undefined ? '(new)' : format(previous), to: format(value) });
  }
  return changes;
}

/** A record's fields by name (records are plain JSON data; this reads them without a cast). */
const plainRecord = z.record(z.string(), z.unknown());

const mailboxName = (mailbox: Pick<Mailbox, 'name' | 'emailAddress'>): string => `${mailbox.name} (${mailbox.emailAddress})`;

interface Recorded {
  readonly changeSets: ChangeSet[];
  readonly events: AppEvent[];
  readonly jobs: string[][];
  readonly subscriptions: string[];
  failure: DomainError | undefined;
}

/** The records as they are, except that a write only records the whole records it would write. */
function recordingRecords(records: OrganizationRecords, recorded: Recorded): OrganizationRecords {
  return new Proxy(records, {
    get(target, property) {
      if (property === 'apply') {
        return async (batch: IntentBatch): Promise<IntentOutcome> => {
          const planned = await target.changesOf(batch);
          if (!planned.ok) return planned;
          recorded.changeSets.push(planned.changes);
          return { ok: true, mailboxes: planned.changes.mailboxes ?? [] };
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      // Methods run on the real adapter, whose private fields a proxy receiver could not reach.
      return typeof value === 'function' ? (...args: unknown[]): unknown => Reflect.apply(value, target, args) : value;
    },
  });
}

function recordingJobs(jobs: TestAndEnableJobs, recorded: Recorded): TestAndEnableJobs {
  return {
    startJob: (input) => {
      recorded.jobs.push([...input.mailboxIds]);
      const view: JobProgressView = {
        jobId: 'preview',
        title: input.title,
        status: 'queued',
        total: input.mailboxIds.length,
        tested: 0,
        succeeded: 0,
        failed: 0,
        requestedBy: input.requester.fullName,
        startedAt: null,
        completedAt: null,
        failures: [],
      };
      return Promise.resolve(ok(view));
    },
    reportProgressTo: () => Promise.resolve(),
    job: (jobId) => jobs.job(jobId),
    latestJobOf: (userId) => jobs.latestJobOf(userId),
  };
}

function recordingSubscriptions(recorded: Recorded): AlertSubscriptions {
  const record = (input: { readonly profileName: string }): Promise<Result<{ readonly profileName: string; readonly changed: boolean }, DomainError>> => {
    recorded.subscriptions.push(input.profileName);
    return Promise.resolve(ok({ profileName: input.profileName, changed: true }));
  };
  return { subscribe: record, unsubscribe: record };
}

/** Ids a dry run takes are its own, so previews leave no gaps in the real audit and job numbering. */
function previewIds(): IdGenerator {
  let next = 0;
  return { next: (prefix) => `${prefix}-preview-${(next += 1)}` };
}

export interface DryRun {
  readonly deps: CommandDispatcherDependencies;
  readonly request: CommandRequest;
  readonly recorded: Recorded;
}

/** Dependencies and a request through which a handler can read everything and change nothing. */
export function dryRunOf(deps: CommandDispatcherDependencies, request: CommandRequest): DryRun {
  const recorded: Recorded = { changeSets: [], events: [], jobs: [], subscriptions: [], failure: undefined };
  const events: AppEvents = { publish: (event) => recorded.events.push(event) };
  const dryDeps: CommandDispatcherDependencies = {
    ...deps,
    useCases: { ...deps.useCases, records: recordingRecords(deps.useCases.records, recorded), events, ids: previewIds() },
    jobs: recordingJobs(deps.jobs, recorded),
    subscriptions: recordingSubscriptions(recorded),
  };
  // Replies of the dry run are dropped: the person sees the preview, not a result that did not happen.
  const dryRequest: CommandRequest = { ...request, respond: { send: () => Promise.resolve(undefined) } };
  return { deps: dryDeps, request: dryRequest, recorded };
}

/** Remembers the failure a handler answers with, instead of sending it. */
export function failureRecorder(recorded: Recorded): (error: DomainError) => Promise<void> {
  return (error) => {
    recorded.failure = error;
    return Promise.resolve();
  };
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** The preview of what the dry run recorded, against the records as they are (a dry run changes none). */
export async function previewOf(records: OrganizationRecords, recorded: Recorded): Promise<PreviewOutcome> {
  const directory = await records.directory();
  const labels = fieldLabels(directory);
  const { organization } = directory;
  const previews: PreviewRecord[] = [];
  const seen: unknown[] = [];
  let overwrittenValues = 0;
  const add = (type: PreviewRecordType, name: string, before: object | undefined, after: object, identity: unknown): void => {
    const changes = fieldChanges(before, after, labels);
    seen.push(identity);
    if (changes.length === 0) return;
    previews.push({ type, name, changes });
    overwrittenValues += changes.filter((change) => change.from !== change.to && before !== undefined).length;
  };
  for (const changes of recorded.changeSets) {
    for (const after of changes.mailboxes ?? []) {
      const before = await records.mailbox(after.id);
      add('mailbox', mailboxName(before ?? after), before, after, ['mailbox', after.id, before?.version ?? null]);
    }
    if (changes.organization !== undefined) add('organization', `Organization settings (${organization.name})`, organization, changes.organization, ['organization', organization]);
    for (const after of changes.users ?? []) {
      const before = directory.userById(after.id);
      add('user', after.fullName, before, after, ['user', before ?? null]);
    }
    for (const after of changes.queues ?? []) {
      const before = directory.queueById(after.id);
      add('queue', `Queue ${after.name}`, before, after, ['queue', before ?? null]);
    }
    for (const after of changes.profiles ?? []) {
      const before = directory.profileById(after.id);
      add('profile', `Profile ${after.name}`, before, after, ['profile', before ?? null]);
    }
    for (const after of changes.securityRoles ?? []) {
      const before = directory.roleById(after.id);
      add('securityRole', `Security role ${after.name}`, before, after, ['role', before ?? null]);
    }
  }
  const testedIds = [
    ...recorded.jobs.flat(),
    ...recorded.events.flatMap((event) => (event.type === 'testAndEnableRequested' ? event.mailboxIds : [])),
  ];
  const tested: Mailbox[] = [];
  for (const id of new Set(testedIds)) {
    const mailbox = await records.mailbox(id);
    if (mailbox !== undefined) tested.push(mailbox);
  }
  for (const mailbox of tested) seen.push(['tested', mailbox.id, mailbox.version]);
  const testedMailboxes = tested.map((mailbox) => mailboxName(mailbox));
  if (previews.length === 0 && testedMailboxes.length === 0 && recorded.subscriptions.length === 0) return { kind: 'nothingChanges' };
  return {
    kind: 'preview',
    preview: {
      records: previews,
      overwrittenValues,
      testedMailboxes,
      subscriptions: recorded.subscriptions,
      fingerprint: sha256(JSON.stringify([seen, recorded.subscriptions])),
    },
  };
}

/** Builds the command's handler environment over the given services and request (the dispatcher's own builder). */
export type EnvironmentFactory = (deps: CommandDispatcherDependencies, request: CommandRequest) => HandlerEnvironment;

/**
 * Runs `handle` as a dry run and previews what it would change; a failure previews as nothing changing.
 * `environmentFor` builds the command's environment over the dry run's services.
 */
export async function previewWrite(
  deps: CommandDispatcherDependencies,
  request: CommandRequest,
  environmentFor: EnvironmentFactory,
  handle: (env: HandlerEnvironment) => Promise<void>,
): Promise<PreviewOutcome> {
  const dry = dryRunOf(deps, request);
  await handle({ ...environmentFor(dry.deps, dry.request), fail: failureRecorder(dry.recorded) });
  if (dry.recorded.failure !== undefined) return { kind: 'nothingChanges' };
  return previewOf(deps.useCases.records, dry.recorded);
}

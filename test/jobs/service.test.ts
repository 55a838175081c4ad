// The job service in src/app/jobs: jobs started by `testAndEnableRequested` events report to the requester's
// personal chat and are shown to the job cards at once; commands get the job back to show it themselves.
import { EmbeddedOrganizationRecords } from '../../src/store/embedded-records.js';
import { describe, expect, it } from 'vitest';
import { createInProcessEventBus, type AppEvent, type AppEventListener, type EventDelivery } from '../../src/app/events.js';
import type { JobRecord } from '../../src/app/jobs/job-records.js';
import { TestAndEnableJobService } from '../../src/app/jobs/service.js';
import { exampleStore } from '../support/fixtures.js';
import { mailboxByEmail, runnerFor, settle, storedJob } from './support.js';

async function setUp() {
  const store = await exampleStore();
  const { runner } = runnerFor(store);
  const events = createInProcessEventBus((error) => {
    throw error;
  });
  const shown: JobRecord[] = [];
  let cardsStopped = false;
  const warnings: string[] = [];
  const service = new TestAndEnableJobService({
    runner,
    events,
    records: new EmbeddedOrganizationRecords(store),
    cards: { jobChanged: (job) => shown.push(job), stop: () => void (cardsStopped = true) },
    log: { warn: (message) => warnings.push(message), error: (message) => warnings.push(message) },
  });
  await service.start();
  return { store, runner, events, service, shown, warnings, cardsStopped: () => cardsStopped };
}

describe('the Test & Enable job service', () => {
  it('starts a job for a testAndEnableRequested event, reporting to the requester’s personal chat, and shows it to the cards', async () => {
    const { store, runner, events, service, shown } = await setUp();
    const ada = store.userById('user-ada');
    if (ada === undefined) throw new Error('no Ada');
    events.publish({ type: 'testAndEnableRequested', mailboxIds: [mailboxByEmail(store, 'dana@contoso.com').id], requestedById: ada.id, origin: 'approval' });
    await settle(runner);
    const job = storedJob(store, 'J-1');
    expect(job).toMatchObject({
      title: 'Test & Enable after email approval (1 mailbox)',
      origin: 'approval',
      requestedById: 'user-ada',
      status: 'done',
      report: { kind: 'personalChat', tenantId: store.organization.tenantId, aadObjectId: ada.aadObjectId },
    });
    expect(shown[0]?.id).toBe('J-1');
    expect(service.latestJobOf('user-ada')?.id).toBe('J-1');
  });

  it('ignores an event from someone who is not a user, with a warning, and stops listening when stopped', async () => {
    const { store, runner, events, service, warnings, cardsStopped } = await setUp();
    const dana = mailboxByEmail(store, 'dana@contoso.com').id;
    events.publish({ type: 'testAndEnableRequested', mailboxIds: [dana], requestedById: 'user-nobody', origin: 'applyDefaults' });
    await settle(runner);
    expect(warnings).toEqual(['Test & Enable was requested by someone who is not a user; ignored']);
    expect(store.document().jobs ?? []).toEqual([]);

    await service.stop();
    expect(cardsStopped()).toBe(true);
    events.publish({ type: 'testAndEnableRequested', mailboxIds: [dana], requestedById: 'user-ada', origin: 'applyDefaults' });
    await settle(runner);
    expect(store.document().jobs ?? []).toEqual([]);
  });

  it('returns a command’s job for its card, and points later progress at the message that shows it', async () => {
    const { store, runner, service } = await setUp();
    const ada = store.userById('user-ada');
    if (ada === undefined) throw new Error('no Ada');
    const started = await service.startJob({ requester: ada, mailboxIds: [mailboxByEmail(store, 'ada@contoso.com').id], origin: 'command', title: 'Test & Enable Ada' });
    if (!started.ok) throw new Error(started.error.message);
    await service.reportProgressTo(started.value.id, { conversationId: 'a:chat', activityId: 'card-1' });
    await settle(runner);
    expect(storedJob(store, started.value.id).report).toEqual({ kind: 'message', conversationId: 'a:chat', activityId: 'card-1' });
    expect(service.job(started.value.id)?.status).toBe('done');
  });

  it('starts one job per event, even when the event is handed over again after a restart (its offset was not saved)', async () => {
    const store = await exampleStore();
    const ada = store.userById('user-ada');
    if (ada === undefined) throw new Error('no Ada');
    const event: AppEvent = { type: 'testAndEnableRequested', mailboxIds: [mailboxByEmail(store, 'dana@contoso.com').id], requestedById: ada.id, origin: 'approval' };
    const delivery: EventDelivery = { sequence: 7 };
    // A stand-in for the event outbox that hands the same stored event to whoever subscribes.
    const serviceOver = (runner: ReturnType<typeof runnerFor>['runner']) => {
      let listener: AppEventListener | undefined;
      const service = new TestAndEnableJobService({
        runner,
        events: { subscribe: (subscribed) => ((listener = subscribed), () => undefined) },
        records: new EmbeddedOrganizationRecords(store),
        cards: { jobChanged: () => undefined, stop: () => undefined },
        log: { warn: () => undefined, error: () => undefined },
      });
      return { service, deliver: async () => listener?.(event, delivery) };
    };

    const first = runnerFor(store);
    const before = serviceOver(first.runner);
    await before.service.start();
    await before.deliver();
    await before.deliver();
    await settle(first.runner);
    expect((store.document().jobs ?? []).map((job) => [job.id, job.sourceEvent])).toEqual([['J-1', 7]]);
    await before.service.stop();

    // A new process on the same data file: the dispatcher hands event 7 over again.
    const second = runnerFor(store);
    const after = serviceOver(second.runner);
    await after.service.start();
    await after.deliver();
    await settle(second.runner);
    expect((store.document().jobs ?? []).map((job) => job.id)).toEqual(['J-1']);
    await after.service.stop();
  });
});

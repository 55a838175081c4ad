// Issue 16's Test & Enable scenario across processes: two bot processes (`src/main.ts`, BACKEND=dataverse,
// STATE_STORE=postgres) on one PostgreSQL and the fake Dynamics 365, behind one round-robin endpoint. Ada types
// `test mailbox all` for an organization of 5,000 mailboxes and confirms it, over the Bot Framework protocol; once
// the job has recorded some of its mailboxes, the instance holding its lease is SIGKILLed. The other takes the job
// over when the lease lapses and finishes it.
//
// 0 lost: the job ends `done` with one result per mailbox (5,000), each mailbox has one audit entry for the job,
// and every mailbox whose test fails has its owner alert sent. 0 duplicated: the platform scheduled each
// mailbox's test once (the job schedules all of them when it starts; the instance that takes over watches the
// outcomes rather than scheduling again), at most one audit entry per mailbox, and each owner alert sent once
// except those the killed instance may have had in flight (Teams has no idempotency header: docs/scale-out.md).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ConversationReferenceRecord } from '../../src/app/conversation-reference-records.js';
import { PostgresNotifyRepository } from '../../src/postgres/notify-repository.js';
import { generateOrganizationFile } from '../../bench/org-generator.js';
import { cardIn, confirmationIdOf } from '../bot/handlers/support.js';
import { startFakeConnector } from '../support/fake-connector.js';
import { BOT_ID, CONTOSO_TENANT } from '../support/bot-harness.js';
import { startFakeCloud } from '../fakes/fake-cloud.js';
import { adaChat, temporaryDirectory, useMultiInstanceTest } from './support.js';

const MAILBOXES = 5_000;
/** Short, so the survivor takes the job over within seconds of the kill. */
/** pg-boss's shortest heartbeat: a killed instance's run is failed and taken over within about 10 + 10 s. */
const HEARTBEAT_SECONDS = 10;
/** Every FAILING_EVERY-th generated person's mailbox fails its test (MailboxNotFound): their owners get an alert. */
const FAILING_EVERY = 25;
/** Owner alerts the killed process may have had in flight (the outbox's maxConcurrentSends): the most a kill can send twice. */
const IN_FLIGHT_SENDS = 16;

const scene = useMultiInstanceTest();

const until = async (what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
};

/** The generated organization, with the people whose mailboxes fail (and who hear of it in Teams). */
async function organization(path: string): Promise<{ readonly failingOwners: readonly { readonly aadObjectId: string; readonly email: string }[] }> {
  const file = await generateOrganizationFile({ mailboxCount: MAILBOXES, approvalMix: 'allApproved', seed: 16 });
  const generated = (file.users ?? []).filter((user) => user.id.startsWith('user-g'));
  const failing = generated.filter((_, index) => (index + 1) % FAILING_EVERY === 0);
  const failingEmails = new Set(failing.map((user) => user.primaryEmail.toLowerCase()));
  const exchange = { ...file.exchange, mailboxes: (file.exchange.mailboxes ?? []).map((mailbox) => (failingEmails.has(mailbox.emailAddress.toLowerCase()) ? { ...mailbox, behaviour: { permanentFailure: 'MailboxNotFound' as const } } : mailbox)) };
  await writeFile(path, JSON.stringify({ ...file, exchange }));
  return { failingOwners: failing.map((user) => ({ aadObjectId: user.aadObjectId, email: user.primaryEmail.toLowerCase() })) };
}

const ownerReference = (owner: { readonly aadObjectId: string }, serviceUrl: string): ConversationReferenceRecord => ({
  conversationId: `a:owner-${owner.aadObjectId}`,
  conversationType: 'personal',
  channelId: 'msteams',
  serviceUrl,
  tenantId: CONTOSO_TENANT,
  botId: BOT_ID,
  userId: `29:${owner.aadObjectId}`,
  aadObjectId: owner.aadObjectId,
  teamId: null,
  active: true,
  inactiveReason: null,
  firstSeenAt: '2026-01-01T09:00:00.000Z',
  updatedAt: '2026-01-01T09:00:00.000Z',
});

const jobRowSchema = z.object({
  id: z.string(),
  status: z.string(),
  record: z
    .object({
      status: z.string(),
      mailboxes: z.array(z.object({ id: z.string() }).loose()),
      results: z.array(z.object({ mailboxId: z.string(), verdict: z.string() }).loose()),
      owner: z.object({ instance: z.string() }).optional(),
    })
    .loose(),
});

describe('a 5,000-mailbox Test & Enable across two bot processes, one SIGKILLed midway', () => {
  it('is taken over by the other instance and finishes with every mailbox recorded once: 0 lost, 0 duplicated', async () => {
    const directory = await temporaryDirectory();
    scene.onCleanup(directory.remove);
    const orgFile = join(directory.path, 'contoso-5000.json');
    const { failingOwners } = await organization(orgFile);
    const cloud = await startFakeCloud({ orgFile, limits: null });
    scene.onCleanup(() => cloud.close());
    const database = await scene.postgres.migratedDatabase();
    const fake = await startFakeConnector();
    scene.onCleanup(() => fake.close());
    // The failing mailboxes' owners have talked to the bot before: it can reach them.
    await new PostgresNotifyRepository(database.pool, { instanceId: 'seed' }).save({ references: failingOwners.map((owner) => ownerReference(owner, fake.url)) });

    const env = {
      ...cloud.env,
      ORG_FILE: orgFile,
      STATE_STORE: 'postgres',
      DATABASE_URL: database.url,
      JOB_HEARTBEAT_SECONDS: String(HEARTBEAT_SECONDS),
      // Many tests waiting at once, polled often: the job takes seconds, not the hours 8 at a time every 30 s would.
      JOB_CONCURRENCY: '500',
      DATAVERSE_POLL_INTERVAL_MS: '500',
    };
    const { bots, front } = await scene.startTwoBots(env, directory.path);
    const reachable = z.object({ backend: z.object({ reachable: z.boolean() }).optional() });
    for (const bot of bots) {
      await until('Dynamics 365 loaded', 60_000, async () => reachable.parse(await (await fetch(`${bot.url}/healthz`)).json()).backend?.reachable === true);
    }

    const { conversationId, post } = adaChat(front.url, fake.url);

    // Ada asks; the bot previews the bulk write and asks her to confirm; she clicks Confirm. The round-robin sends
    // the click to the other instance, which finds the confirmation in PostgreSQL (no session affinity needed).
    const before = fake.activitiesSentTo(conversationId).length;
    expect((await post({ type: 'message', text: 'test mailbox all' })).status).toBeLessThan(300);
    await fake.waitFor(() => fake.activitiesSentTo(conversationId).length > before, 60_000, 'the confirmation card');
    const confirmationId = confirmationIdOf(cardIn(fake.activitiesSentTo(conversationId).at(-1)));
    const [previewedBy] = front.answeredBy.keys();
    const confirmed = await post({ type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'confirmation.confirm', data: { confirmationId } }, trigger: 'manual' } });
    expect([...front.answeredBy.entries()].filter(([backend]) => backend !== previewedBy).map(([, answered]) => answered)).toEqual([1]);
    expect(confirmed.status).toBe(200);
    expect(confirmed.text).toMatch(/Confirmed/i);

    const jobs = async () => (await database.pool.query<Record<string, unknown>>('SELECT id, status, record FROM jobs ORDER BY number')).rows.map((row) => jobRowSchema.parse(row));
    await until('the job is created', 60_000, async () => (await jobs()).length > 0);
    const [created] = await jobs();
    if (created === undefined) throw new Error('no job');
    expect(created.record.mailboxes).toHaveLength(MAILBOXES);

    // Some of its mailboxes recorded, not all: kill the instance that holds the job's lease.
    await until('some results recorded', 90_000, async () => ((await jobs())[0]?.record.results.length ?? 0) >= MAILBOXES / 10);
    const running = (await jobs())[0];
    if (running === undefined) throw new Error('no job');
    expect(running.status).not.toBe('done');
    const holder = running.record.owner?.instance ?? '';
    const doomed = bots.find((bot) => holder.includes(`-${String(bot.child.process.pid)}-`));
    const survivor = bots.find((bot) => bot !== doomed);
    if (doomed === undefined || survivor === undefined) throw new Error(`no process holds the lease ${holder}`);
    doomed.child.process.kill('SIGKILL');
    expect((await doomed.child.exited).signal).toBe('SIGKILL');
    const recordedAtKill = running.record.results.length;

    await until('the job is done', 120_000, async () => (await jobs())[0]?.status === 'done');
    const all = await jobs();
    const [job] = all;
    if (job === undefined) throw new Error('no job');
    // Taken over by the survivor, and no second job for the same mailboxes.
    expect(job.record.owner?.instance).toContain(`-${String(survivor.child.process.pid)}-`);
    expect(recordedAtKill).toBeLessThan(MAILBOXES);
    expect(new Set(all.map((row) => row.id)).size).toBe(all.length);
    expect(all.filter((row) => row.record.mailboxes.length > 1)).toHaveLength(1);

    // 0 lost, 0 duplicated in the job: one result per mailbox, the counts summing to 5,000.
    const mailboxIds = job.record.mailboxes.map((mailbox) => mailbox.id).sort();
    expect(new Set(mailboxIds).size).toBe(MAILBOXES);
    expect(job.record.results.map((result) => result.mailboxId).sort()).toEqual(mailboxIds);
    const verdicts = new Map<string, number>();
    for (const result of job.record.results) verdicts.set(result.verdict, (verdicts.get(result.verdict) ?? 0) + 1);
    expect([...verdicts.values()].reduce((sum, count) => sum + count, 0)).toBe(MAILBOXES);
    expect(verdicts.get('disabled')).toBeGreaterThanOrEqual(failingOwners.length);

    // On the platform: each mailbox's test scheduled exactly once for this job, and each one completed.
    const scheduled = new Map<string, number>();
    for (const test of cloud.dataverse.testsScheduled) scheduled.set(test.mailboxId, (scheduled.get(test.mailboxId) ?? 0) + 1);
    // A mailbox whose test failed transiently is tested again by a retry job of its own (documented): once per job.
    const jobsOf = (mailboxId: string): number => all.filter((row) => row.record.mailboxes.some((mailbox) => mailbox.id.toLowerCase() === mailboxId)).length;
    const verdictOf = (mailboxId: string): string | undefined => job.record.results.find((result) => result.mailboxId.toLowerCase() === mailboxId)?.verdict;
    expect([...scheduled.entries()].filter(([id, times]) => times > jobsOf(id)).map(([id, times]) => ({ id, times, jobs: jobsOf(id), verdict: verdictOf(id) }))).toEqual([]);
    const testedIds = job.record.results.filter((result) => result.verdict !== 'notTested').map((result) => result.mailboxId.toLowerCase());
    expect(testedIds.filter((id) => (scheduled.get(id) ?? 0) < 1)).toEqual([]);

    // The audit trail: one Test & Enable entry per mailbox for this job.
    const audited = await database.pool.query<{ target: string; n: string }>(
      "SELECT entry->'target'->>'id' AS target, count(*) AS n FROM audit_entries WHERE entry->>'action' = 'mailbox.testAndEnable' AND entry->>'details' LIKE $1 GROUP BY 1",
      [`Job ${job.id},%`],
    );
    expect(audited.rows.filter((row) => Number(row.n) !== 1)).toEqual([]);
    expect(audited.rows.map((row) => row.target).sort()).toEqual(testedIds.map((id) => job.record.mailboxes.find((mailbox) => mailbox.id.toLowerCase() === id)?.id).sort());

    // Owner alerts: one per failing mailbox in the outbox, all sent; sent twice at most for what the kill caught in flight.
    await until('every owner alert sent', 60_000, async () => Number((await database.pool.query<{ n: string }>("SELECT count(*) AS n FROM outbox_messages WHERE state = 'pending'")).rows[0]?.n) === 0);
    const alertRows = await database.pool.query<{ key: string; conversation: string | null; state: string }>(
      "SELECT idempotency_key AS key, conversation_id AS conversation, state FROM outbox_messages WHERE idempotency_key LIKE $1",
      [`alert:${job.id}:%`],
    );
    const ownerConversations = new Set(failingOwners.map((owner) => `a:owner-${owner.aadObjectId}`));
    const alertsByConversation = new Map<string, number>();
    for (const row of alertRows.rows) alertsByConversation.set(row.conversation ?? '', (alertsByConversation.get(row.conversation ?? '') ?? 0) + 1);
    expect([...alertsByConversation.keys()].sort()).toEqual([...ownerConversations].sort());
    expect([...alertsByConversation.values()].filter((count) => count !== 1)).toEqual([]);
    expect(alertRows.rows.filter((row) => row.state !== 'sent')).toEqual([]);
    const delivered = [...ownerConversations].map((conversation) => fake.messagesSentTo(conversation).length);
    expect(delivered.filter((count) => count === 0)).toEqual([]);
    expect(delivered.filter((count) => count > 1).length).toBeLessThanOrEqual(IN_FLIGHT_SENDS);
  }, 240_000);
});

// PostgreSQL lost while the bot runs (issue "Several bot instances on PostgreSQL", "Bad input and faults"): the
// server of these tests is stopped (a fast shutdown, as a failover or a restart does) and started again on the
// same data directory and port. While it is down /healthz answers 503 and commands and card clicks are answered
// "temporarily unavailable" with nothing changed; once it is back the same command and click work without a
// restart, the LISTEN connection is open again, and audit entries and events held meanwhile are written once.
import { describe, expect, it } from 'vitest';
import { appCaller } from '../../src/app/ports/intents.js';
import { StateStoreUnavailableError } from '../../src/app/ports/state-store.js';
import { CardVerb } from '../../src/cards/index.js';
import type { Mailbox } from '../../src/domain/model.js';
import { EmailApprovalStatus } from '../../src/domain/options.js';
import type { IntentBatch, IntentOutcome } from '../../src/app/ports.js';
import { openPostgresBotState } from '../../src/postgres/bot-state.js';
import { openPostgresPool } from '../../src/postgres/connection.js';
import { insertEvents } from '../../src/postgres/event-outbox.js';
import { RecordsWithStateInPostgres } from '../../src/postgres/records-with-state.js';
import { connectionLossReason, reportingUnavailability } from '../../src/postgres/unavailable.js';
import { createInMemoryEmailConfigStore } from '../../src/store/email-config-store.js';
import { EmbeddedOrganizationRecords } from '../../src/store/embedded-records.js';
import { answeredCard, askForApproval, cardTextOf, currentApprovalCard, decisionDataOf, greet, invokeBodySchema, mailboxOf, startApprovalBot, users, waitForApprovalCards } from '../approvals/support.js';
import { cardIn } from '../bot/handlers/support.js';
import type { TestBot } from '../support/bot-harness.js';
import { auditEntry } from '../store/audit-log.contract.js';
import { decided } from '../store/event-outbox.contract.js';
import { documentWithMailboxes } from '../store/documents.js';
import { countRows, type TestPostgres } from '../support/postgres.js';
import { usePostgresForTests } from '../support/postgres-for-tests.js';

const postgres = usePostgresForTests();
let serverDown = false;

const server = (): TestPostgres => postgres.server;

async function stopServer(): Promise<void> {
  serverDown = true;
  await server().stopServer();
}

async function startServer(): Promise<void> {
  await server().startServer();
  serverDown = false;
}

/** Every test leaves the server running for the next one, whatever failed. */
async function restoreServer(): Promise<void> {
  if (serverDown) await startServer();
}

async function waitUntil(condition: () => Promise<boolean> | boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const healthOf = async (t: TestBot): Promise<number> => (await fetch(`${t.bot.url}/healthz`)).status;

describe('the bot while PostgreSQL is lost and when it returns', () => {
  it('answers "temporarily unavailable" with nothing changed, then runs the same command and click once PostgreSQL is back', async () => {
    const url = await server().createDatabase();
    const t = await startApprovalBot({ configEnv: { STATE_STORE: 'postgres', DATABASE_URL: url }, postgres: { healthProbeMs: 100, listenRetryMs: 100, heldWriteRetryMs: 100 } });
    try {
      const [ada, evan, cody] = users(t, 'ada', 'evan', 'cody');
      if (ada === undefined || evan === undefined || cody === undefined) throw new Error('demo users missing');
      await greet(t, ada, evan);
      await askForApproval(t, ada, 'cody@contoso.com');
      const [adaCard, evanCard] = await waitForApprovalCards(t, [ada, evan]);
      if (adaCard === undefined || evanCard === undefined) throw new Error('cards missing');
      expect(await healthOf(t)).toBe(200);
      const auditBefore = await countRows(url, 'SELECT count(*) AS n FROM audit_entries');

      await stopServer();
      await waitUntil(async () => (await healthOf(t)) === 503, '/healthz to report the database gone');
      // A typed command that reads the bot's state: its own card, not "something went wrong".
      const [auditReply] = await t.say(ada, 'audit');
      const auditCardText = cardTextOf(cardIn(auditReply));
      expect(auditCardText).toContain("The bot's state store is temporarily unavailable");
      expect(auditCardText).toContain('Nothing was changed');
      expect(auditCardText).not.toMatch(/something went wrong/i);
      // An Approve click: an invoke answered 200 with a message (the clicked card stays, to be clicked again).
      const click = { verb: CardVerb.ApproveEmail, data: decisionDataOf(adaCard.card) };
      const refused = await t.invoke(ada, click, { replyToId: adaCard.activityId });
      expect(refused.status).toBe(200);
      const refusedBody = invokeBodySchema.parse(refused.body);
      expect(refusedBody.statusCode).toBe(200);
      expect(refusedBody.type).toBe('application/vnd.microsoft.activity.message');
      expect(String(refusedBody.value)).toMatch(/temporarily unavailable.*Nothing was changed/);
      expect(mailboxOf(t, cody).emailRouterAccessApproval).toBe(EmailApprovalStatus.PendingApproval);

      await startServer();
      await waitUntil(async () => (await healthOf(t)) === 200, '/healthz to report the database back');
      // Nothing of the refused click was stored: the request is still pending, undecided.
      expect(await countRows(url, "SELECT count(*) AS n FROM approval_requests WHERE status = 'pending' AND NOT record ? 'deciding'")).toBe(1);
      expect(await countRows(url, 'SELECT count(*) AS n FROM audit_entries')).toBe(auditBefore);
      // The same command and the same click work, without a restart.
      const [auditAgain] = await t.say(ada, 'audit');
      expect(cardTextOf(cardIn(auditAgain))).not.toContain('temporarily unavailable');
      const decidedAnswer = await t.invoke(ada, click, { replyToId: adaCard.activityId });
      expect(cardTextOf(answeredCard(decidedAnswer.body))).toMatch(/Approved by Ada Admin/);
      expect(mailboxOf(t, cody).emailRouterAccessApproval).toBe(EmailApprovalStatus.Approved);
      expect(await countRows(url, "SELECT count(*) AS n FROM audit_entries WHERE entry->>'action' = 'mailbox.approveEmail'")).toBe(1);
      // The decision's event, appended after the return, is dispatched: Evan's copy is updated in place.
      await t.connector.waitFor(() => /Approved by/.test(cardTextOf(currentApprovalCard(t, evanCard))), 10_000, "Evan's copy to show the decision");
    } finally {
      await restoreServer();
      await t.stop();
    }
  });
});

describe('a record write while PostgreSQL is lost', () => {
  const approve = (mailbox: Mailbox, index: number): IntentBatch => ({
    caller: appCaller,
    intents: [{ kind: 'setAddressApproval', owner: mailbox.regarding, status: EmailApprovalStatus.Approved, approvedByO365Admin: true, expectedMailboxVersion: mailbox.version }],
    audit: [auditEntry(index)],
    events: [decided(index)],
  });

  it('changes nothing in the records while PostgreSQL is already gone', async () => {
    const { pool } = await postgres.migratedDatabase();
    const store = createInMemoryEmailConfigStore(documentWithMailboxes(1));
    const records = new RecordsWithStateInPostgres(new EmbeddedOrganizationRecords(store), reportingUnavailability(pool));
    const [mailbox] = store.mailboxes();
    if (mailbox === undefined) throw new Error('no mailbox');
    try {
      await stopServer();
      const failure: unknown = await records.apply(approve(mailbox, 1)).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(StateStoreUnavailableError);
      expect(String(failure)).not.toContain('test-password');
      expect(store.mailboxes()[0]?.emailRouterAccessApproval).toBe(mailbox.emailRouterAccessApproval);
      expect(store.mailboxes()[0]?.version).toBe(mailbox.version);
    } finally {
      await restoreServer();
      records.stop();
    }
  });

  it('holds the audit entries and events of a write made just before the loss, and writes them once when PostgreSQL is back', async () => {
    const { pool } = await postgres.migratedDatabase();
    const store = createInMemoryEmailConfigStore(documentWithMailboxes(1));
    // The records write succeeds, and PostgreSQL goes away right after it, before the audit entries are written.
    class LosingPostgresAfterTheWrite extends EmbeddedOrganizationRecords {
      override async apply(batch: IntentBatch): Promise<IntentOutcome> {
        const outcome = await super.apply(batch);
        await stopServer();
        return outcome;
      }
    }
    const records = new RecordsWithStateInPostgres(new LosingPostgresAfterTheWrite(store), reportingUnavailability(pool), { retryMs: 100 });
    const [mailbox] = store.mailboxes();
    if (mailbox === undefined) throw new Error('no mailbox');
    try {
      const outcome = await records.apply(approve(mailbox, 7));
      // The write was made: the caller is told so, and its audit entry and event wait for the database.
      expect(outcome.ok).toBe(true);
      expect(store.mailboxes()[0]?.emailRouterAccessApproval).toBe(EmailApprovalStatus.Approved);
      expect(records.heldWrites).toBe(1);
      await startServer();
      await waitUntil(() => records.heldWrites === 0, 'the held audit entries and events to be written');
      const { rows: audit } = await pool.query<{ id: string }>('SELECT id FROM audit_entries');
      expect(audit.map((row) => row.id)).toEqual([auditEntry(7).id]);
      const { rows: events } = await pool.query<{ event: unknown }>('SELECT event FROM domain_events');
      expect(events.map((row) => row.event)).toEqual([decided(7)]);
    } finally {
      await restoreServer();
      records.stop();
    }
  });
});

describe('listening for events across a loss of PostgreSQL', () => {
  it('listens again once PostgreSQL is back: an event appended then is dispatched at once, not at the next sweep', async () => {
    const { url, pool } = await postgres.migratedDatabase();
    const state = await openPostgresBotState(url, { healthProbeMs: 100, listenRetryMs: 100 });
    let dispatches = 0;
    const lost: Error[] = [];
    // A sweep far beyond the test: only LISTEN/NOTIFY (and the catch-up after listening again) dispatch here.
    const stopWatching = await state.watchEvents(() => void (dispatches += 1), (error) => void lost.push(error), 600_000);
    try {
      await insertEvents(pool, [decided(1)]);
      await waitUntil(() => dispatches === 1, 'the first event to be dispatched');
      await stopServer();
      await waitUntil(() => lost.length > 0 && !state.healthy(), 'the LISTEN connection to be reported lost');
      await startServer();
      await waitUntil(() => dispatches >= 2 && state.healthy(), 'the catch-up dispatch after listening again');
      const before = dispatches;
      const appender = await openPostgresPool(url);
      postgres.closeAfterAll(appender);
      await insertEvents(appender, [decided(2)]);
      await waitUntil(() => dispatches > before, 'the event appended after the return to be dispatched', 5_000);
    } finally {
      await restoreServer();
      await stopWatching();
      await state.close();
    }
  });
});

describe('what counts as PostgreSQL lost', () => {
  const coded = (code: string, message = 'x'): Error => Object.assign(new Error(message), { code });

  it('names connection-level failures by their code, and nothing else', () => {
    expect(connectionLossReason(coded('ECONNREFUSED'))).toBe('ECONNREFUSED');
    expect(connectionLossReason(coded('57P01', 'terminating connection due to administrator command'))).toBe('57P01');
    expect(connectionLossReason(coded('57P03'))).toBe('57P03');
    expect(connectionLossReason(coded('08006'))).toBe('08006');
    expect(connectionLossReason(new Error('Connection terminated unexpectedly'))).toBe('connection terminated');
    expect(connectionLossReason(new Error('timeout exceeded when trying to connect'))).toBe('connect timeout');
    expect(connectionLossReason(new Error('Connection terminated due to connection timeout', { cause: coded('ETIMEDOUT') }))).toBe('connection terminated');
    expect(connectionLossReason(new AggregateError([coded('ECONNREFUSED')], 'connect failed'))).toBe('ECONNREFUSED');
    // A statement that failed on its own (a unique violation, a syntax error) is not an outage.
    expect(connectionLossReason(coded('23505'))).toBeUndefined();
    expect(connectionLossReason(coded('42601'))).toBeUndefined();
    expect(connectionLossReason(new Error('Job id J-1 is already taken.'))).toBeUndefined();
  });
});

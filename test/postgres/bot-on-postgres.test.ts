// The bot with STATE_STORE=postgres: approval requests, conversation references and the outbox live in
// PostgreSQL (migrated at start-up), 100 concurrent Approve clicks decide once and each gets the current card,
// and a database that cannot be reached stops start-up naming DATABASE_URL without its password.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startBot } from '../../src/main.js';
import { PostgresConnectionError } from '../../src/postgres/connection.js';
import { loadConfig } from '../../src/shared/config.js';
import { CardVerb } from '../../src/cards/index.js';
import { EmailApprovalStatus } from '../../src/domain/options.js';
import { answeredCard, askForApproval, cardTextOf, currentApprovalCard, decisionAudit, decisionDataOf, greet, mailboxOf, startApprovalBot, waitForApprovalCards } from '../approvals/support.js';
import { cardIn, confirmationIdOf } from '../bot/handlers/support.js';
import { CONTOSO_FILE } from '../support/bot-harness.js';
import { countRows } from '../support/postgres.js';
import { usePostgresForTests } from '../support/postgres-for-tests.js';

const postgres = usePostgresForTests();

describe('the bot with its state in PostgreSQL', () => {
  it('keeps approvals, references and the outbox in PostgreSQL, and decides one of 100 concurrent clicks', async () => {
    const url = await postgres.server.createDatabase();
    const t = await startApprovalBot({ configEnv: { STATE_STORE: 'postgres', DATABASE_URL: url } });
    try {
      const [ada, evan, cody] = ['ada', 'evan', 'cody'].map((name) => t.user(name));
      if (ada === undefined || evan === undefined || cody === undefined) throw new Error('demo users missing');
      await greet(t, ada, evan, cody);
      expect(await countRows(url, 'SELECT count(*) AS n FROM conversation_references')).toBeGreaterThanOrEqual(3);
      await askForApproval(t, ada, 'cody@contoso.com');
      const [adaCard, evanCard] = await waitForApprovalCards(t, [ada, evan]);
      if (adaCard === undefined || evanCard === undefined) throw new Error('cards missing');
      expect(await countRows(url, "SELECT count(*) AS n FROM approval_requests WHERE status = 'pending'")).toBe(1);
      expect(await countRows(url, "SELECT count(*) AS n FROM outbox_messages WHERE state = 'sent'")).toBeGreaterThanOrEqual(2);

      const answers = await Promise.all(
        Array.from({ length: 100 }, (_, index) => {
          const [user, card] = index % 2 === 0 ? [ada, adaCard] : [evan, evanCard];
          return t.invoke(user, { verb: CardVerb.ApproveEmail, data: decisionDataOf(card.card) }, { replyToId: card.activityId });
        }),
      );
      const mailbox = mailboxOf(t, cody);
      expect(mailbox.emailRouterAccessApproval).toBe(EmailApprovalStatus.Approved);
      // The decision's audit entry is in PostgreSQL (committed with the decided request), not in the data file.
      expect(await countRows(url, `SELECT count(*) AS n FROM audit_entries WHERE entry->'target'->>'id' = '${mailbox.id}' AND entry->>'action' = 'mailbox.approveEmail'`)).toBe(1);
      expect(decisionAudit(t, mailbox.id)).toHaveLength(0);
      // Its events were dispatched from PostgreSQL: every sent card was updated in place to the decision.
      await t.connector.waitFor(() => [adaCard, evanCard].every((card) => ((shown) => shown !== undefined && /Approved by/.test(cardTextOf(shown)))(currentApprovalCard(t, card))), 10_000, 'the copies to show the decision');
      expect(await countRows(url, "SELECT count(*) AS n FROM approval_requests WHERE status = 'approved'")).toBe(1);
      // Every click is answered with the card as it is now: decided, by whoever won.
      for (const answer of answers) expect(cardTextOf(answeredCard(answer.body))).toMatch(/Approved by (Ada Admin|Evan Exchange)/);
    } finally {
      await t.stop();
    }
  });

  it('runs a Test & Enable job with its state in PostgreSQL', async () => {
    const url = await postgres.server.createDatabase();
    const t = await startApprovalBot({ configEnv: { STATE_STORE: 'postgres', DATABASE_URL: url } });
    try {
      const ada = t.user('ada');
      await greet(t, ada);
      const [preview] = await t.say(ada, 'test mailbox ada@contoso.com, otto@contoso.com');
      const answer = await t.invoke(ada, { verb: 'confirmation.confirm', data: { confirmationId: confirmationIdOf(cardIn(preview)) } });
      expect(answer.status).toBe(200);
      const deadline = Date.now() + 15_000;
      while ((await countRows(url, "SELECT count(*) AS n FROM jobs WHERE status = 'done' AND (record->>'deliveryReported')::boolean")) !== 1) {
        if (Date.now() > deadline) throw new Error('the job did not finish in PostgreSQL');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(await countRows(url, "SELECT jsonb_array_length(record->'results') AS n FROM jobs")).toBe(2);
      // The data file holds no job: the job's state is in PostgreSQL only.
      expect(t.bot.services.store.document().jobs ?? []).toEqual([]);
    } finally {
      await t.stop();
    }
  });

  it('refuses to start when PostgreSQL cannot be reached, naming DATABASE_URL without its password, and frees the data file', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'bot-pg-'));
    try {
      const env = { PORT: '0', DATA_FILE: join(directory, 'db.json'), ORG_FILE: CONTOSO_FILE, PLAYGROUND: '0', LOG_LEVEL: 'silent', STATE_STORE: 'postgres' };
      const failure: unknown = await startBot(loadConfig({ ...env, DATABASE_URL: 'postgres://bot:s3cret-pw@127.0.0.1:1/state' })).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(PostgresConnectionError);
      expect(String(failure)).toContain('DATABASE_URL postgres://bot:***@127.0.0.1:1/state');
      expect(String(failure)).not.toContain('s3cret-pw');
      // Nothing held on to the data file: the same configuration with a reachable database starts.
        const bot = await startBot(loadConfig({ ...env, DATABASE_URL: await postgres.server.createDatabase() }));
      await bot.stop();
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});

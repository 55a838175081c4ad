// Issue 16's approval scenario across processes: two bot processes on one PostgreSQL and the fake Dynamics 365
// (BACKEND=dataverse, STATE_STORE=postgres), behind one round-robin endpoint. 1,000 Approve clicks on 50 approval
// requests at once give exactly 50 decisions and 50 audit entries, and every click is answered with a card.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CardVerb } from '../../src/cards/index.js';
import { DirectoryRoleTemplateIds } from '../../src/dataverse/graph.js';
import { startFakeConnector } from '../support/fake-connector.js';
import { CONTOSO_FILE } from '../support/bot-harness.js';
import { FAKE_SERVICE_PRINCIPAL_ID, startFakeCloud } from '../fakes/fake-cloud.js';
import { adaChat, temporaryDirectory, useMultiInstanceTest } from './support.js';

const REQUESTS = 50;
const CLICKS = 1_000;

const scene = useMultiInstanceTest();

/** Contoso plus 50 people whose addresses were never approved (Empty). */
async function organizationWithFiftyMore(path: string): Promise<void> {
  const contoso = z.object({ users: z.array(z.record(z.string(), z.unknown())), mailboxes: z.array(z.record(z.string(), z.unknown())) }).loose().parse(JSON.parse(await readFile(CONTOSO_FILE, 'utf8')));
  for (let index = 1; index <= REQUESTS; index++) {
    const number = String(index).padStart(3, '0');
    contoso.users.push({ id: `user-bulk-${number}`, aadObjectId: `00000000-0000-4000-8000-000000100${number}`, fullName: `Bulk Person ${number}`, primaryEmail: `bulk${number}@contoso.com`, securityRoleIds: ['role-system-customizer'] });
    contoso.mailboxes.push({ regarding: { type: 'systemuser', id: `user-bulk-${number}` }, emailServerProfileId: null, incomingEmailDeliveryMethod: 1, outgoingEmailDeliveryMethod: 1, actDeliveryMethod: 0 });
  }
  await writeFile(path, JSON.stringify(contoso));
}

describe('approvals across two bot processes on PostgreSQL and Dynamics 365', () => {
  it('turns 1,000 concurrent Approve clicks on 50 requests into exactly 50 decisions and 50 audit entries', async () => {
    const directory = await temporaryDirectory();
    scene.onCleanup(directory.remove);
    const orgFile = join(directory.path, 'contoso-plus-50.json');
    await organizationWithFiftyMore(orgFile);
    const cloud = await startFakeCloud({ orgFile, limits: null });
    scene.onCleanup(() => cloud.close());
    // No single sign-on here: the application user approves, which Dynamics 365 accepts from an Exchange administrator.
    cloud.directory.grant(FAKE_SERVICE_PRINCIPAL_ID, DirectoryRoleTemplateIds.ExchangeAdministrator);
    const database = await scene.postgres.migratedDatabase();
    const fake = await startFakeConnector();
    scene.onCleanup(() => fake.close());
    const env = { ...cloud.env, ORG_FILE: orgFile, STATE_STORE: 'postgres', DATABASE_URL: database.url };
    const { bots, front } = await scene.startTwoBots(env, directory.path);

    const chat = adaChat(front.url, fake.url);
    const post = async (activity: Record<string, unknown>): Promise<{ status: number; body: unknown }> => {
      const { status, text } = await chat.post(activity);
      return { status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
    };

    // Both instances load Dynamics 365 first; then Ada asks for approval of the 50 addresses (cards come to her).
    const reachable = z.object({ backend: z.object({ reachable: z.boolean() }).optional() });
    for (const bot of bots) {
      for (let tries = 0; tries < 400; tries++) {
        if (reachable.parse(await (await fetch(`${bot.url}/healthz`)).json()).backend?.reachable === true) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    for (let index = 1; index <= REQUESTS; index++) {
      const answer = await post({ type: 'message', text: `request approval bulk${String(index).padStart(3, '0')}@contoso.com` });
      expect(answer.status).toBeLessThan(300);
    }
    const pending = async () => (await database.pool.query<{ id: string; record: unknown }>("SELECT id, record FROM approval_requests WHERE status = 'pending'")).rows;
    for (let tries = 0; tries < 200 && (await pending()).length < REQUESTS; tries++) await new Promise((resolve) => setTimeout(resolve, 50));
    const requests = (await pending()).map((row) => z.object({ id: z.string(), mailboxVersion: z.number() }).loose().parse(row.record));
    expect(requests).toHaveLength(REQUESTS);

    const clicks = Array.from({ length: CLICKS }, (_, index) => {
      const request = requests[index % REQUESTS];
      if (request === undefined) throw new Error('no request');
      return post({ type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: CardVerb.ApproveEmail, data: { requestId: request.id, version: request.mailboxVersion } }, trigger: 'manual' } });
    });
    const answers = await Promise.all(clicks);
    const cardAnswers = answers.filter((answer) => answer.status === 200 && z.object({ statusCode: z.literal(200), type: z.literal('application/vnd.microsoft.card.adaptive') }).loose().safeParse(answer.body).success);
    expect(cardAnswers).toHaveLength(CLICKS);
    // Each click is answered with the card as it is now: decided (by whichever click won), never still asking.
    expect(cardAnswers.filter((answer) => !JSON.stringify(answer.body).includes('Approved by Ada Admin'))).toEqual([]);

    const decided = await database.pool.query<{ n: string }>("SELECT count(*) AS n FROM approval_requests WHERE status = 'approved'");
    expect(Number(decided.rows[0]?.n)).toBe(REQUESTS);
    const audit = await database.pool.query<{ n: string }>("SELECT count(*) AS n FROM audit_entries WHERE entry->>'action' = 'mailbox.approveEmail'");
    expect(Number(audit.rows[0]?.n)).toBe(REQUESTS);
    expect([...front.answeredBy.values()].every((count) => count > CLICKS / 4)).toBe(true);
  }, 240_000);
});

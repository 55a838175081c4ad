// Two bot processes on one PostgreSQL behind one round-robin endpoint (the harness of the multi-instance test).
// What it checks now: chat turns land on both instances, each answers; the conversation reference either
// recorded is the one both share; after a SIGKILL of one instance the endpoint carries on with the other.
// The approval and Test & Enable scenarios of issue 16 need the organization's records shared too, from
// Dataverse (BACKEND=dataverse): with the embedded records each process has its own data file (docs/scale-out.md).
import { describe, expect, it } from 'vitest';
import { startFakeConnector } from '../support/fake-connector.js';
import { CONTOSO_FILE as ORG_FILE } from '../support/bot-harness.js';
import { runTypeScript } from '../store/support/child-process.js';
import { adaChat, temporaryDirectory, useMultiInstanceTest } from './support.js';

const scene = useMultiInstanceTest();

// Ada Admin of the Contoso example organization.

describe('two bot processes on one PostgreSQL behind one endpoint', () => {
  it('answers every turn from either instance, shares the conversation reference, and survives a SIGKILL of one', async () => {
    const database = await scene.postgres.migratedDatabase();
    const directory = await temporaryDirectory();
    scene.onCleanup(directory.remove);
    const fake = await startFakeConnector();
    scene.onCleanup(() => fake.close());
    const env = { STATE_STORE: 'postgres', DATABASE_URL: database.url };
    const { bots, front } = await scene.startTwoBots(env, directory.path);

    const { conversationId, post } = adaChat(front.url, fake.url);
    const say = async (text: string): Promise<number> => (await post({ type: 'message', text })).status;

    for (let turn = 0; turn < 4; turn++) expect(await say('whoami')).toBeLessThan(300);
    expect([...front.answeredBy.values()]).toEqual([2, 2]);
    await fake.waitFor(() => fake.messagesSentTo(conversationId).length >= 4, 10_000, 'four answers');
    const { rows } = await database.pool.query<{ n: string }>('SELECT count(*) AS n FROM conversation_references WHERE conversation_id = $1', [conversationId]);
    expect(Number(rows[0]?.n)).toBe(1);

    const [killed] = bots;
    killed?.child.process.kill('SIGKILL');
    await killed?.child.exited;
    for (let turn = 0; turn < 2; turn++) expect(await say('whoami')).toBeLessThan(300);
    await fake.waitFor(() => fake.messagesSentTo(conversationId).length >= 6, 10_000, 'the survivor to answer');
  }, 120_000);

  it('refuses to start (exit 3) when PostgreSQL cannot be reached or was migrated by a newer bot, naming DATABASE_URL without its password', async () => {
    const directory = await temporaryDirectory();
    scene.onCleanup(directory.remove);
    const start = async (databaseUrl: string, name: string) => {
      const child = runTypeScript('src/main.ts', [], {
        env: { PORT: '0', DATA_FILE: `${directory.path}/${name}.json`, ORG_FILE, PLAYGROUND: '0', LOG_LEVEL: 'silent', STATE_STORE: 'postgres', DATABASE_URL: databaseUrl },
      });
      const { code } = await child.exited;
      return { code, stderr: child.stderr() };
    };
    const unreachable = await start('postgres://bot:s3cret-pw@127.0.0.1:1/state', 'unreachable');
    expect(unreachable.code).toBe(3);
    expect(unreachable.stderr).toContain('Cannot start: DATABASE_URL postgres://bot:***@127.0.0.1:1/state: cannot connect to PostgreSQL: nothing is listening there');
    expect(unreachable.stderr).not.toContain('s3cret-pw');

    const database = await scene.postgres.migratedDatabase();
    await database.pool.query("INSERT INTO bot_schema_migrations (version, name) VALUES (999, 'from_the_future')");
    await database.pool.end();
    const newer = await start(database.url, 'newer');
    expect(newer.code).toBe(3);
    expect(newer.stderr).toMatch(/Cannot start: .*version 999, newer than this bot knows.*Refusing to start rather than downgrade/);
  }, 60_000);
});

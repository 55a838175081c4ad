// Stopping the bot: idempotent (Ctrl-C under `npm start` delivers SIGINT and then the launcher's SIGTERM),
// one compaction, no write after the store is closed, no temp file or lock left in the data directory.
// Start-up problems with the data file end the process with a message naming the files, never a stack trace.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/shared/logger.js';
import { openEmailConfigStore } from '../../src/store/email-config-store.js';
import { lockPathOf } from '../../src/store/data-file-lock.js';
import { journalPathOf } from '../../src/store/json-file.js';
import { startTestBot } from '../support/bot-harness.js';
import { documentWithMailboxes, mailboxRecord } from './documents.js';
import { runTypeScript, type RunningChild } from './support/child-process.js';

let directory: string;
let dataPath: string;
const children: RunningChild[] = [];

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'shutdown-'));
  dataPath = join(directory, 'db.json');
});
afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.process.exitCode === null && child.process.signalCode === null) {
      // The launcher runs in its own process group (as in a terminal): take its bot down with it.
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.process.kill('SIGKILL');
      }
    }
    await child.exited;
  }
  await rm(directory, { recursive: true, force: true });
});

/** What a clean stop leaves: the snapshot and a journal holding only its header; no temp file, no lock. */
async function expectCleanDataDirectory(): Promise<void> {
  expect((await readdir(directory)).sort()).toEqual(['db.json', 'db.json.journal']);
  expect((await readFile(journalPathOf(dataPath), 'utf8')).split('\n')).toEqual([expect.stringMatching(/^\{"journalOf":"[0-9a-f-]{36}"\}$/), '']);
}

const freePort = (): Promise<number> =>
  new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });

const botEnvironment = (port = 0): Record<string, string> => ({ DATA_FILE: dataPath, PORT: String(port), PLAYGROUND: '0', LOG_LEVEL: 'info', ORG_FILE: './examples/contoso.json' });

describe('stopping the bot in this process', () => {
  it('runs one shutdown when stop is called twice at once, and leaves no temp file or lock', async () => {
    const lines: string[] = [];
    const t = await startTestBot({ dataFile: dataPath, logger: createLogger('warn', (line) => lines.push(line)) });
    await t.say(t.user('ada'), 'approve mailbox pia@contoso.com');
    const store = t.bot.services.store;
    const snapshotsBefore = store.snapshotsWritten;

    const first = t.bot.stop();
    const second = t.bot.stop();
    // The second call joins the shutdown under way instead of starting another one.
    expect(second).toBe(first);
    await Promise.all([first, second]);
    // One compaction: the second stop waited for the first instead of running again.
    expect(store.snapshotsWritten).toBe(snapshotsBefore + 1);
    expect(lines).toEqual([]);
    await t.stop();
    await expectCleanDataDirectory();
    await expect(store.commit({ mailboxes: [] })).rejects.toThrow('The data file is closed');
  });

  it('lets a commit already queued finish before the store closes, and refuses the ones after', async () => {
    const store = await openEmailConfigStore(dataPath, () => documentWithMailboxes(2));
    const queued = store.commit({ mailboxes: [mailboxRecord(1, { active: false })] });
    const closing = store.close();
    await expect(store.commit({ mailboxes: [mailboxRecord(2, { active: false })] })).rejects.toThrow('The data file is closed');
    await expect(queued).resolves.toEqual({ ok: true });
    await closing;
    await expect(store.close()).resolves.toBeUndefined();
    expect(await readdir(directory)).not.toContain('db.json.lock');
    const reopened = await openEmailConfigStore(dataPath, () => documentWithMailboxes(0));
    expect(reopened.mailboxes().map((mailbox) => mailbox.active)).toEqual([false, true]);
    await reopened.close();
  });
});

describe('stopping the bot process', () => {
  it('src/main.ts: SIGINT and SIGTERM together stop it once, with exit code 0 and a clean data directory', { timeout: 60_000 }, async () => {
    const bot = runTypeScript('src/main.ts', [], { env: botEnvironment() });
    children.push(bot);
    await bot.waitForOutput(/Mailbox Sync Bot listening on/);
    bot.process.kill('SIGINT');
    bot.process.kill('SIGTERM');
    expect(await bot.exited).toEqual({ code: 0, signal: null });
    expect(bot.stderr().match(/"level":"info".*"msg":"stopping"/g)).toHaveLength(1);
    expect(bot.stderr()).not.toMatch(/"level":"(error|warn)"/);
    await expectCleanDataDirectory();
  });

  it('npm start (src/launcher.ts): Ctrl-C reaches the launcher and the bot; the bot stops once and leaves a clean data directory', { timeout: 90_000 }, async () => {
    const launcher = runTypeScript('src/launcher.ts', [], { env: botEnvironment(await freePort()), detached: true });
    children.push(launcher);
    await launcher.waitForOutput(/Bot ready at/, 60_000);
    // Ctrl-C in a terminal: SIGINT to the whole foreground process group. The launcher then sends SIGTERM to the bot too.
    process.kill(-launcher.pid, 'SIGINT');
    expect(await launcher.exited).toEqual({ code: 0, signal: null });
    expect(launcher.stderr().match(/"level":"info".*"msg":"stopping"/g)).toHaveLength(1);
    expect(launcher.stderr()).not.toMatch(/"level":"(error|warn)"|The bot stopped/);
    await expectCleanDataDirectory();
  });
});

describe('a data file the bot cannot use', () => {
  it('ends start-up with exit code 3 and a message naming the journal and the line, without a stack trace, for a line through __proto__', { timeout: 60_000 }, async () => {
    const store = await openEmailConfigStore(dataPath, () => documentWithMailboxes(1));
    await store.close();
    const journal = `${await readFile(journalPathOf(dataPath), 'utf8')}{"changes":[{"path":["__proto__","isAdmin"],"value":true}]}\n`;
    await writeFile(journalPathOf(dataPath), journal);

    const bot = runTypeScript('src/main.ts', [], { env: botEnvironment() });
    children.push(bot);
    expect((await bot.exited).code).toBe(3);
    expect(bot.stderr()).toContain(`Cannot start: ${journalPathOf(dataPath)} is corrupt:\n  - line 2: `);
    expect(bot.stderr()).toContain('"__proto__"');
    expect(bot.stderr()).not.toMatch(/^\s+at /m);
    expect(await readFile(journalPathOf(dataPath), 'utf8')).toBe(journal);
  });

  it('ends start-up with exit code 3 when another process has the data file open', { timeout: 60_000 }, async () => {
    const store = await openEmailConfigStore(dataPath, () => documentWithMailboxes(1));
    const bot = runTypeScript('src/main.ts', [], { env: botEnvironment() });
    children.push(bot);
    expect((await bot.exited).code).toBe(3);
    expect(bot.stderr()).toContain(`Cannot start: ${dataPath} is in use by another process:\n  - process ${process.pid} has it open (see ${lockPathOf(dataPath)})`);
    expect(bot.stderr()).not.toMatch(/^\s+at /m);
    await store.close();
  });
});

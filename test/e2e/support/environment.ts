// One end-to-end environment per test file: the real bot (restify + CloudAdapter, local mode) on a temp
// data file seeded from the Contoso demo organization, the Agents Playground with the pinned config in
// front of it, and headless Chromium showing the playground as Ada Admin. A scenario that needs another
// person opens a second playground in which that mock user is the current user; both talk to the same bot.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig } from '../../../src/shared/config.js';
import { createLogger } from '../../../src/shared/logger.js';
import { startBot, type RunningBot, type StartOptions } from '../../../src/main.js';
import { launchChromium, type HeadlessBrowser } from './browser.js';
import { ChatPage } from './chat-page.js';
import { startPlayground, writeConfigWithCurrentUser, type Playground } from './playground.js';

export const PROJECT_ROOT = resolve(import.meta.dirname, '../../..');
export const PINNED_PLAYGROUND_CONFIG = join(PROJECT_ROOT, '.m365agentsplayground.yml');
export const CONTOSO_ORG_FILE = join(PROJECT_ROOT, 'examples/contoso.json');

export interface UserSession {
  readonly playground: Playground;
  readonly chat: ChatPage;
}

export interface E2eEnvironment {
  readonly bot: RunningBot;
  readonly playground: Playground;
  /** Ada Admin's view of the pinned playground. */
  readonly ada: ChatPage;
  /**
   * A second playground and browser tab in which a mock user of the pinned config is the current user;
   * the same session again when that user already signed in.
   */
  signInAs(userId: string): Promise<UserSession>;
  /** Proactive messages the bot gave up on, with the reason the playground's connector gave: for failure messages. */
  deadLetters(): string[];
  stop(): Promise<void>;
}

export interface E2eOptions {
  /** More settings for the bot (e.g. BACKEND=dataverse and its fakes' URLs). */
  readonly configEnv?: Readonly<Record<string, string>>;
  /** More start options (e.g. faster Dataverse polling). */
  readonly start?: Omit<StartOptions, 'logger'>;
}

export async function startE2eEnvironment(options: E2eOptions = {}): Promise<E2eEnvironment> {
  const directory = await mkdtemp(join(tmpdir(), 'mailbox-e2e-'));
  const cleanups: (() => Promise<void>)[] = [() => rm(directory, { recursive: true, force: true })];
  const stop = async () => {
    // Reverse order: pages and playgrounds first, the bot last, the temp folder at the very end.
    for (const cleanup of cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch (error) {
        process.stderr.write(`e2e cleanup failed: ${String(error)}\n`);
      }
    }
  };

  try {
    const config = loadConfig({
      PORT: '0',
      DATA_FILE: join(directory, 'db.json'),
      ORG_FILE: CONTOSO_ORG_FILE,
      PLAYGROUND: '0',
      LOG_LEVEL: 'warn',
      ...options.configEnv,
    });
    const bot = await startBot(config, { ...options.start, logger: createLogger('warn') });
    cleanups.push(() => bot.stop());
    const botEndpoint = `${bot.url}/api/messages`;

    const playground = await startPlayground({ botEndpoint, configFile: PINNED_PLAYGROUND_CONFIG });
    cleanups.push(() => playground.stop());

    const browser: HeadlessBrowser = await launchChromium();
    cleanups.push(() => browser.close());

    const ada = await ChatPage.open(await browser.newPage(), playground.url);
    await ada.hideLogPanel();

    const sessions = new Map<string, Promise<UserSession>>();
    const openSession = async (userId: string): Promise<UserSession> => {
      const configFile = await writeConfigWithCurrentUser(playground.config, userId, directory);
      const theirs = await startPlayground({ botEndpoint, configFile });
      cleanups.push(() => theirs.stop());
      const chat = await ChatPage.open(await browser.newPage(), theirs.url);
      await chat.hideLogPanel();
      return { playground: theirs, chat };
    };

    return {
      bot,
      playground,
      ada,
      signInAs: (userId) => {
        const session = sessions.get(userId) ?? openSession(userId);
        sessions.set(userId, session);
        return session;
      },
      deadLetters: () =>
        bot.services.store
          .document()
          .notify.outbox.filter((entry) => entry.state === 'dead')
          .map((entry) => `${entry.idempotencyKey}: ${entry.deadLetter?.reason ?? 'unknown'} (${entry.deadLetter?.detail ?? 'no detail'})`),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

// Runs the Microsoft 365 Agents Playground (@microsoft/m365agentsplayground) as a child process for one
// test file, and talks to its HTTP routes. The playground listens on every interface, so it only lives
// as long as the test that started it: stop() ends its whole process group, and an exit hook kills it
// if the test worker dies first.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';

const playgroundUserSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  userPrincipleName: z.string(),
  aadObjectId: z.string(),
  givenName: z.string(),
  surname: z.string(),
  email: z.string(),
});
export type PlaygroundUser = z.infer<typeof playgroundUserSchema>;

/** What GET /_internal/v1/config answers: the config file after the playground validated and expanded it. */
const loadedConfigSchema = z.object({
  config: z.object({
    tenantId: z.string(),
    bot: z.object({ id: z.string(), name: z.string() }),
    currentUser: playgroundUserSchema,
    users: z.array(playgroundUserSchema),
    personalChat: z.object({ id: z.string() }),
    groupChats: z.array(z.object({ id: z.string(), name: z.string(), members: z.array(z.string()) })).min(1),
    teams: z
      .array(
        z.object({
          id: z.string(),
          name: z.string(),
          aadGroupId: z.string(),
          channels: z.array(z.object({ id: z.string(), name: z.string() })),
          members: z.array(z.string()),
        }),
      )
      .min(1),
  }),
});
export type LoadedPlaygroundConfig = z.infer<typeof loadedConfigSchema>['config'];

const messageAnswerSchema = z.object({ messageId: z.string() });
const createdConversationSchema = z.object({ id: z.string().min(1) });

export interface Playground {
  /** Where the web UI is, e.g. http://localhost:41234 */
  readonly url: string;
  readonly config: LoadedPlaygroundConfig;
  /** Everything the playground printed, for failure messages. */
  output(): string;
  /**
   * Sends a chat message as any user of the config (the web UI always types as the current user).
   * In group chats and channels the playground forwards it to the bot only when it @mentions the bot.
   */
  sendAs(userId: string, conversationId: string, text: string, options?: { mentionBot?: boolean }): Promise<string>;
  /** Opens a 1:1 conversation between the bot and a user through the playground's mock Bot Connector. */
  createPersonalConversation(userId: string): Promise<string>;
  stop(): Promise<void>;
}

export interface PlaygroundOptions {
  /** The bot's messaging endpoint, e.g. http://127.0.0.1:3978/api/messages */
  readonly botEndpoint: string;
  /** A .m365agentsplayground.yml file. */
  readonly configFile: string;
  readonly startTimeoutMs?: number;
}

const cliPath = (): string => createRequire(import.meta.url).resolve('@microsoft/m365agentsplayground/cli.js');

/** A port nobody listens on right now (the playground moves to another one itself if it gets taken). */
async function probeFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function stopProcessGroup(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return Promise.resolve();
  const pid = child.pid;
  return new Promise((resolve) => {
    const force = setTimeout(() => {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, graceMs);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      clearTimeout(force);
      resolve();
    }
  });
}

/** Asks for the loaded config until the playground answers (it mounts its routes just after listening) or exits. */
async function firstConfigAnswer(request: (method: 'GET', path: string) => Promise<unknown>, child: ChildProcess): Promise<unknown> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      return await request('GET', '/_internal/v1/config');
    } catch (error) {
      if (child.exitCode !== null || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

export async function startPlayground(options: PlaygroundOptions): Promise<Playground> {
  const workDirectory = await mkdtemp(join(tmpdir(), 'mailbox-e2e-playground-'));
  const requestedPort = await probeFreePort();
  const logFile = join(workDirectory, 'playground.log');
  const child = spawn(
    process.execPath,
    [cliPath(), 'start', '--disable-telemetry', '-p', String(requestedPort), '-e', options.botEndpoint],
    {
      // Its own process group, so stop() also ends anything the CLI spawned.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      // The playground writes devTools/ logs into its working directory: keep them out of the repository.
      cwd: workDirectory,
      env: {
        ...process.env,
        TEAMSAPPTESTER_BROWSER: 'none',
        M365_AGENTS_PLAYGROUND_CONFIG_PATH: options.configFile,
        M365_AGENTS_PLAYGROUND_LOGFILE: logFile,
      },
    },
  );
  const killOnExit = () => {
    if (child.pid !== undefined && child.exitCode === null) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };
  process.once('exit', killOnExit);

  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));

  const stop = async () => {
    await stopProcessGroup(child, 5000);
    process.removeListener('exit', killOnExit);
    await rm(workDirectory, { recursive: true, force: true });
  };

  let port: number;
  try {
    port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`The Agents Playground did not start within ${options.startTimeoutMs ?? 60_000} ms:\n${output}`)),
        options.startTimeoutMs ?? 60_000,
      );
      const check = () => {
        const listening = /Listening on (\d+)/.exec(output);
        if (listening?.[1] !== undefined) {
          clearTimeout(timer);
          resolve(Number(listening[1]));
        }
      };
      child.stdout?.on('data', check);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`The Agents Playground exited (code ${code ?? 'signal'}) before listening:\n${output}`));
      });
    });
  } catch (error) {
    await stop();
    throw error;
  }

  const url = `http://localhost:${port}`;
  const request = async (method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? null : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
    return text === '' ? null : (JSON.parse(text) as unknown);
  };

  let config: LoadedPlaygroundConfig;
  try {
    config = loadedConfigSchema.parse(await firstConfigAnswer(request, child)).config;
  } catch (error) {
    // A config file the playground refuses is reported only in its log file, after "Listening on".
    const log = await readFile(logFile, 'utf8').catch(() => '');
    const reasons = log.split('\n').filter((line) => line.startsWith('error '));
    await stop();
    throw new Error(`The Agents Playground did not serve its config: ${String(error)}\n${reasons.join('\n') || output}`);
  }

  return {
    url,
    config,
    output: () => output,
    sendAs: async (userId, conversationId, text, sendOptions = {}) => {
      const mention = `<at>${config.bot.name}</at>`;
      const body =
        sendOptions.mentionBot === true
          ? { from: { id: userId }, text: `${mention} ${text}`, textFormat: 'plain', mentions: [{ mentioned: { id: config.bot.id, name: config.bot.name }, text: mention }] }
          : { from: { id: userId }, text, textFormat: 'plain' };
      const answer = messageAnswerSchema.parse(await request('POST', `/_conversation/v1/conversations/${encodeURIComponent(conversationId)}/messages`, body));
      return answer.messageId;
    },
    createPersonalConversation: async (userId) => {
      const created = createdConversationSchema.parse(
        await request('POST', '/_connector/v3/conversations', {
          isGroup: false,
          bot: { id: config.bot.id, name: config.bot.name },
          members: [{ id: userId }],
          tenantId: config.tenantId,
        }),
      );
      return created.id;
    },
    stop,
  };
}

/**
 * A config file for a second playground in which `userId` (one of the pinned config's mock users) is the
 * current user, so the web UI types as that person. The pinned Ada takes their place among the mock users,
 * and chat ids get a suffix so the bot keeps the two playgrounds' conversations apart.
 * The file is JSON, which is valid YAML; the playground validates it like the pinned one.
 */
export async function writeConfigWithCurrentUser(pinned: LoadedPlaygroundConfig, userId: string, directory: string): Promise<string> {
  const user = pinned.users.find((candidate) => candidate.id === userId);
  if (user === undefined) throw new Error(`${userId} is not a mock user of the pinned playground config (${pinned.users.map((u) => u.id).join(', ')})`);
  const suffix = `-${userId}`;
  const team = pinned.teams[0];
  const groupChat = pinned.groupChats[0];
  if (team === undefined || groupChat === undefined) throw new Error('The pinned playground config has no team or group chat');
  const file = {
    version: '0.1.1',
    tenantId: pinned.tenantId,
    bot: pinned.bot,
    currentUser: user,
    users: pinned.users.map((candidate) => (candidate.id === userId ? pinned.currentUser : candidate)),
    personalChat: { id: `${pinned.personalChat.id}${suffix}` },
    groupChat: { id: `${groupChat.id}${suffix}`, name: groupChat.name },
    team: {
      id: `${team.id}${suffix}`,
      name: team.name,
      aadGroupId: team.aadGroupId,
      // The playground adds the General channel (id = team id) itself.
      channels: team.channels.filter((channel) => channel.id !== team.id).map((channel) => ({ id: `${channel.id}${suffix}`, name: channel.name })),
    },
  };
  const path = join(directory, `playground-as-${userId}.yml`);
  await writeFile(path, `${JSON.stringify(file, null, 2)}\n`);
  return path;
}

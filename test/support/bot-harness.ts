// Starts the real bot (restify + CloudAdapter in local anonymous mode) on an ephemeral port, with a
// temp data file seeded from an organization file, and a fake Bot Connector as every activity's
// serviceUrl. Tests then POST Teams-shaped activities and read what the bot sent back.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { loadConfig } from '../../src/shared/config.js';
import type { User } from '../../src/domain/model.js';
import { silentLogger } from '../../src/shared/logger.js';
import { startBot, type RunningBot, type StartOptions } from '../../src/main.js';
import { startFakeConnector, type AcceptedActivity, type FakeConnector, type FakeConnectorOptions } from './fake-connector.js';

export const CONTOSO_FILE = resolve(import.meta.dirname, '../../examples/contoso.json');
export const CONTOSO_TENANT = '7a1d2c3b-0000-4000-8000-00000000c0de';
export const BOT_ID = '28:mailbox-sync-bot';

export type ConversationKind = 'personal' | 'groupChat' | 'channel';

export interface ActivityOptions {
  /** Defaults to the user's personal chat. */
  readonly conversationId?: string;
  readonly conversationType?: ConversationKind;
  readonly tenantId?: string;
  /** Leave out `from.aadObjectId` (guests, anonymous users). */
  readonly withoutEntraId?: boolean;
  readonly replyToId?: string;
}

export interface HttpAnswer {
  readonly status: number;
  readonly body: unknown;
}

export interface TestBot {
  readonly bot: RunningBot;
  readonly connector: FakeConnector;
  readonly dataFile: string;
  /** A demo user by first name (case-insensitive), e.g. `user('ada')`. */
  user(firstName: string): User;
  personalChatOf(user: User): string;
  /** Sends a chat message and returns the activities the bot posted to that conversation during the turn. */
  say(user: User, text: string, options?: ActivityOptions): Promise<AcceptedActivity[]>;
  /** Sends an `adaptiveCard/action` invoke; returns the HTTP answer (the invoke response). */
  invoke(user: User, action: { verb: string; data: unknown; type?: string }, options?: ActivityOptions & { trigger?: 'manual' | 'automatic' }): Promise<HttpAnswer>;
  /** POSTs any JSON (or raw text) to /api/messages. */
  post(body: unknown, rawText?: string): Promise<HttpAnswer>;
  /** A Teams-shaped activity from a user, for tests that need to shape it themselves. */
  activityFrom(user: User, fields: Record<string, unknown>, options?: ActivityOptions): Record<string, unknown>;
  stop(): Promise<void>;
}

export interface TestBotOptions extends StartOptions {
  readonly orgFile?: string;
  readonly connectorOptions?: FakeConnectorOptions;
  /** Reuse an existing data file (restart tests); a fresh temp file otherwise. */
  readonly dataFile?: string;
  /**
   * Reuse a running fake connector (restart tests: the stored references keep its service URL). The caller
   * closes it; `stop()` leaves it running.
   */
  readonly botConnector?: FakeConnector;
  /** More configuration variables (e.g. MicrosoftAppId for authenticated mode). */
  readonly configEnv?: Readonly<Record<string, string>>;
  /** Headers for every POST (e.g. an Authorization bearer token). */
  readonly headers?: () => Readonly<Record<string, string>>;
}

let activityCounter = 0;

export async function startTestBot(options: TestBotOptions = {}): Promise<TestBot> {
  const connector = options.botConnector ?? (await startFakeConnector(options.connectorOptions));
  const directory = options.dataFile === undefined ? await mkdtemp(join(tmpdir(), 'mailbox-bot-')) : undefined;
  const dataFile = options.dataFile ?? join(directory ?? '', 'db.json');
  const config = loadConfig({ PORT: '0', DATA_FILE: dataFile, ORG_FILE: options.orgFile ?? CONTOSO_FILE, PLAYGROUND: '0', LOG_LEVEL: 'silent', ...options.configEnv });
  const bot = await startBot(config, { logger: silentLogger, ...options });
  const endpoint = `${bot.url}/api/messages`;
  const store = bot.services.store;

  const personalChatOf = (user: User): string => `a:personal-${user.aadObjectId}`;

  const activityFrom = (user: User, fields: Record<string, unknown>, activityOptions: ActivityOptions = {}): Record<string, unknown> => {
    const tenantId = activityOptions.tenantId ?? store.organization.tenantId;
    const conversationType = activityOptions.conversationType ?? 'personal';
    activityCounter += 1;
    return {
      id: `activity-${activityCounter}`,
      channelId: 'msteams',
      serviceUrl: connector.url,
      timestamp: new Date().toISOString(),
      from: { id: `29:${user.aadObjectId}`, name: user.fullName, ...(activityOptions.withoutEntraId === true ? {} : { aadObjectId: user.aadObjectId }) },
      recipient: { id: BOT_ID, name: 'Mailbox Sync' },
      conversation: {
        id: activityOptions.conversationId ?? personalChatOf(user),
        conversationType,
        tenantId,
        ...(conversationType === 'personal' ? {} : { isGroup: true }),
      },
      channelData: { tenant: { id: tenantId } },
      locale: 'en-US',
      ...(activityOptions.replyToId === undefined ? {} : { replyToId: activityOptions.replyToId }),
      ...fields,
    };
  };

  const post = async (body: unknown, rawText?: string): Promise<HttpAnswer> => {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...options.headers?.() },
      body: rawText ?? JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      // keep the text
    }
    return { status: response.status, body: parsed };
  };

  return {
    bot,
    connector,
    dataFile,
    user: (firstName) => {
      const wanted = firstName.toLowerCase();
      const found = store.users().find((candidate) => candidate.fullName.toLowerCase().split(' ')[0] === wanted);
      if (found === undefined) throw new Error(`No demo user named ${firstName}`);
      return found;
    },
    personalChatOf,
    activityFrom,
    post,
    say: async (user, text, activityOptions = {}) => {
      const conversationId = activityOptions.conversationId ?? personalChatOf(user);
      const before = connector.activitiesSentTo(conversationId).length;
      const answer = await post(activityFrom(user, { type: 'message', text }, activityOptions));
      if (answer.status >= 300) throw new Error(`POST /api/messages answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      return connector.activitiesSentTo(conversationId).slice(before);
    },
    invoke: async (user, action, activityOptions = {}) =>
      post(
        activityFrom(
          user,
          {
            type: 'invoke',
            name: 'adaptiveCard/action',
            value: { action: { type: action.type ?? 'Action.Execute', verb: action.verb, data: action.data }, trigger: activityOptions.trigger ?? 'manual' },
          },
          activityOptions,
        ),
      ),
    stop: async () => {
      await bot.stop();
      if (options.botConnector === undefined) await connector.close();
      if (directory !== undefined) await rm(directory, { recursive: true, force: true });
    },
  };
}

/** The Adaptive Card JSON of a sent activity (its first attachment), or undefined. */
export function cardOf(activity: AcceptedActivity | undefined): Record<string, unknown> | undefined {
  const attachment = activity?.attachments[0];
  if (typeof attachment !== 'object' || attachment === null || !('content' in attachment)) return undefined;
  const content = z.record(z.string(), z.unknown()).safeParse(attachment.content);
  return content.success ? content.data : undefined;
}

/** All the text a card shows (TextBlocks, FactSet facts, button titles), for assertions on what a user reads. */
export function textOf(activity: AcceptedActivity | undefined): string {
  const parts: string[] = [];
  if (activity?.text !== undefined) parts.push(activity.text);
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) walk(item);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    for (const [key, value] of Object.entries(node)) {
      if (typeof value === 'string' && ['text', 'title', 'value', 'altText'].includes(key)) parts.push(value);
      else walk(value);
    }
  };
  walk(cardOf(activity));
  return parts.join('\n');
}

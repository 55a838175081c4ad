// The multi-instance harness: bot processes started from the composition root (`src/main.ts`, as in production)
// on one PostgreSQL, behind one round-robin endpoint that skips an instance that no longer answers, as a load
// balancer does.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BOT_ID, CONTOSO_FILE, CONTOSO_TENANT } from '../support/bot-harness.js';
import { afterAll } from 'vitest';
import { runTypeScript, type RunningChild } from '../store/support/child-process.js';
import { usePostgresForTests, type PostgresForTests } from '../support/postgres-for-tests.js';

export interface BotProcess {
  readonly child: RunningChild;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
}

/** Starts `src/main.ts` in a process of its own; resolves once it listens. Its own data file, unless given one. */
export async function startBotProcess(env: Readonly<Record<string, string>>, directory: string, name: string): Promise<BotProcess> {
  const dataFile = join(directory, `${name}.json`);
  const child = runTypeScript('src/main.ts', [], {
    env: { PORT: '0', HOST: '127.0.0.1', DATA_FILE: dataFile, ORG_FILE: CONTOSO_FILE, PLAYGROUND: '0', LOG_LEVEL: 'info', ...env },
  });
  await child.waitForOutput(/listening on http:\/\/127\.0\.0\.1:\d+\/api\/messages/, 60_000);
  const port = /listening on http:\/\/127\.0\.0\.1:(\d+)\/api\/messages/.exec(`${child.stdout()}${child.stderr()}`)?.[1];
  if (port === undefined) throw new Error(`${name} did not say where it listens`);
  return { child, url: `http://127.0.0.1:${port}` };
}

export interface RoundRobinEndpoint {
  readonly url: string;
  /** How many requests each backend answered, by its URL. */
  readonly answeredBy: ReadonlyMap<string, number>;
  close(): Promise<void>;
}

/** One endpoint in front of `backends`: each request goes to the next one; a backend that refuses the connection is skipped. */
export async function startRoundRobin(backends: readonly string[]): Promise<RoundRobinEndpoint> {
  let next = 0;
  const answeredBy = new Map<string, number>();
  const server: Server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      const tryBackend = (attempt: number): void => {
        if (attempt >= backends.length) {
          outgoing.writeHead(502).end();
          return;
        }
        const backend = backends[next++ % backends.length] ?? '';
        const forwarded = httpRequest(`${backend}${incoming.url ?? '/'}`, { method: incoming.method, headers: { ...incoming.headers, host: new URL(backend).host } }, (answer) => {
          answeredBy.set(backend, (answeredBy.get(backend) ?? 0) + 1);
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        });
        forwarded.on('error', () => tryBackend(attempt + 1));
        forwarded.end(body);
      };
      tryBackend(0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    answeredBy,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export async function temporaryDirectory(): Promise<{ readonly path: string; readonly remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'multi-instance-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}


export interface MultiInstanceTest {
  /** The file's PostgreSQL (started before its tests, stopped after them). */
  readonly postgres: PostgresForTests;
  /** Runs after the file's tests, the latest registered first, once every bot process was SIGKILLed. */
  onCleanup(cleanup: () => Promise<unknown>): void;
  /** Two instances of the bot with `env` (instance-a, instance-b), killed after the file's tests, behind one round-robin endpoint. */
  startTwoBots(env: Readonly<Record<string, string>>, directory: string): Promise<{ readonly bots: readonly [BotProcess, BotProcess]; readonly front: RoundRobinEndpoint }>;
}

/** The hooks of a multi-instance test file: its PostgreSQL, its bot processes and whatever else it started. Call at the top level. */
export function useMultiInstanceTest(): MultiInstanceTest {
  const postgres = usePostgresForTests();
  const bots: BotProcess[] = [];
  const cleanups: (() => Promise<unknown>)[] = [];
  // Registered after the database's hooks, so it runs before them: nothing still talks to PostgreSQL when it stops.
  afterAll(async () => {
    for (const bot of bots) bot.child.process.kill('SIGKILL');
    for (const cleanup of cleanups.reverse()) await cleanup();
  });
  const onCleanup = (cleanup: () => Promise<unknown>): void => {
    cleanups.push(cleanup);
  };
  return {
    postgres,
    onCleanup,
    async startTwoBots(env, directory) {
      const first = await startBotProcess(env, directory, 'instance-a');
      bots.push(first);
      const second = await startBotProcess(env, directory, 'instance-b');
      bots.push(second);
      const front = await startRoundRobin([first.url, second.url]);
      onCleanup(() => front.close());
      return { bots: [first, second], front };
    },
  };
}

/** The admin whose personal chat the multi-instance tests talk through. */
export const ADA = { aadObjectId: '00000000-0000-4000-8000-000000000001', name: 'Ada Admin' } as const;

export interface AdaChat {
  readonly conversationId: string;
  /** Posts a Teams-shaped activity from Ada (its `type`, `text`, `value`... given) to `to` (the front by default). */
  readonly post: (activity: Record<string, unknown>, to?: string) => Promise<{ readonly status: number; readonly text: string }>;
}

/** Ada's personal chat with the bot behind `frontUrl`, whose replies go to the fake Bot Connector at `serviceUrl`. */
export function adaChat(frontUrl: string, serviceUrl: string): AdaChat {
  const conversationId = `a:personal-${ADA.aadObjectId}`;
  let counter = 0;
  return {
    conversationId,
    post: async (activity, to = frontUrl) => {
      counter += 1;
      const response = await fetch(`${to}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          id: `activity-${counter}`,
          channelId: 'msteams',
          serviceUrl,
          timestamp: new Date().toISOString(),
          from: { id: `29:${ADA.aadObjectId}`, name: ADA.name, aadObjectId: ADA.aadObjectId },
          recipient: { id: BOT_ID, name: 'Mailbox Sync' },
          conversation: { id: conversationId, conversationType: 'personal', tenantId: CONTOSO_TENANT },
          channelData: { tenant: { id: CONTOSO_TENANT } },
          locale: 'en-US',
          ...activity,
        }),
      });
      return { status: response.status, text: await response.text() };
    },
  };
}

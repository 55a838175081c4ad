// `npm start`: runs the bot and, unless PLAYGROUND=0, the Microsoft 365 Agents Playground pointed at it.
// Ctrl-C stops both. The bot itself is src/main.ts; this file only supervises processes.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig } from './shared/config.js';
import { botNodeFlags } from './shared/runtime-flags.js';

const here = dirname(fileURLToPath(import.meta.url));
const projectRoot = resolve(here, '..');

/** dist/main.js next to dist/launcher.js; src/main.ts when the launcher itself runs from source (tsx). */
const botEntry = existsSync(join(here, 'main.js')) ? join(here, 'main.js') : join(here, 'main.ts');

function startBot(): ChildProcess {
  // The bot runs under the same Node options as the launcher (a loader such as tsx, when run from source), and its own.
  const flags = botNodeFlags([...process.execArgv, process.env.NODE_OPTIONS ?? '']);
  return spawn(process.execPath, [...process.execArgv, ...flags, '--no-deprecation', botEntry], { stdio: 'inherit', env: process.env });
}

function findPlaygroundCli(): string | undefined {
  try {
    return createRequire(import.meta.url).resolve('@microsoft/m365agentsplayground/cli.js');
  } catch {
    return undefined;
  }
}

async function waitUntilHealthy(url: string, child: ChildProcess, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) return false;
    try {
      const response = await fetch(url);
      if (response.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((resolveWait) => setTimeout(resolveWait, 250));
  }
  return false;
}

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }

  const children: ChildProcess[] = [];
  let stopping = false;
  const stopAll = (code: number) => {
    if (stopping) return;
    stopping = true;
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
    const force = setTimeout(() => {
      for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    }, 5000);
    force.unref();
    void Promise.all(children.map((child) => (child.exitCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', r))))).then(() => {
      clearTimeout(force);
      process.exit(code);
    });
  };
  // Ctrl-C sends SIGINT to the whole process group, so the bot usually has it already; the SIGTERM that
  // stopAll sends each child anyway (a `kill` of the launcher alone reaches nobody else) is harmless,
  // because the bot's shutdown is idempotent (src/main.ts). stopAll itself runs once.
  process.on('SIGINT', () => stopAll(0));
  process.on('SIGTERM', () => stopAll(0));

  const bot = startBot();
  children.push(bot);
  bot.once('exit', (code) => {
    if (!stopping) {
      process.stderr.write(`The bot stopped (exit code ${code ?? 'signal'}).\n`);
      stopAll(code ?? 1);
    }
  });

  const hostForUrl = config.host === '0.0.0.0' ? '127.0.0.1' : config.host.includes(':') ? `[${config.host}]` : config.host;
  const botUrl = `http://${hostForUrl}:${config.port}`;
  if (!(await waitUntilHealthy(`${botUrl}/healthz`, bot, 60_000))) {
    process.stderr.write('The bot did not become healthy; see the messages above.\n');
    stopAll(1);
    return;
  }

  if (!config.playground) {
    process.stdout.write(`\nBot ready at ${botUrl}/api/messages (playground off: PLAYGROUND=0).\n`);
    return;
  }
  const cli = findPlaygroundCli();
  if (cli === undefined) {
    process.stdout.write(`\nBot ready at ${botUrl}/api/messages. The Agents Playground is not installed (npm ci installs it), so it was not started.\n`);
    return;
  }
  const playgroundConfig = join(projectRoot, '.m365agentsplayground.yml');
  const playground = spawn(process.execPath, [cli, 'start', '--disable-telemetry', '-p', String(config.playgroundPort), '-e', `${botUrl}/api/messages`], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...process.env,
      TEAMSAPPTESTER_BROWSER: 'none',
      ...(existsSync(playgroundConfig) ? { M365_AGENTS_PLAYGROUND_CONFIG_PATH: playgroundConfig } : {}),
    },
    cwd: projectRoot,
  });
  children.push(playground);
  playground.stdout?.on('data', (chunk: Buffer) => process.stdout.write(`[playground] ${chunk.toString()}`));
  playground.once('exit', (code) => {
    if (!stopping) {
      process.stderr.write(`The playground stopped (exit code ${code ?? 'signal'}); the bot keeps running. Ctrl-C to stop.\n`);
    }
  });
  const playgroundUrl = `http://localhost:${config.playgroundPort}`;
  if (await waitUntilHealthy(playgroundUrl, playground, 60_000)) {
    process.stdout.write(
      `\nMailbox Sync Bot is running.\n  Open ${playgroundUrl} in your browser to chat with it as Ada Admin (Contoso demo).\n  Try: help, verify profile, mailboxes pending, approve mailbox pia@contoso.com\n  Ctrl-C stops both.\n\n`,
    );
  }
}

void main();

// `npm run demo:dataverse`: the bot with BACKEND=dataverse against the fake Dynamics 365, Entra token endpoint
// and Microsoft Graph (test/fakes), seeded from examples/contoso.json (or ORG_FILE), with the Microsoft 365
// Agents Playground as `npm start` opens it. Nothing leaves the machine: the fakes serve TLS on loopback with a
// test CA the bot trusts through NODE_EXTRA_CA_CERTS. Ctrl-C stops everything.
import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DirectoryRoleTemplateIds } from '../src/dataverse/graph.js';
import { FAKE_SERVICE_PRINCIPAL_ID, startFakeCloud } from '../test/fakes/fake-cloud.js';

const orgFile = process.env.ORG_FILE ?? 'examples/contoso.json';
const cloud = await startFakeCloud({ orgFile, testDelayMs: 3_000 });
// Until people approve with their own sign-in (issue "Approve as yourself"), the bot approves as its application
// user; the platform accepts that only from a Global or Exchange administrator, so the demo's app holds that role.
cloud.directory.grant(FAKE_SERVICE_PRINCIPAL_ID, DirectoryRoleTemplateIds.ExchangeAdministrator);
const dataFile = process.env.DATA_FILE ?? join(await mkdtemp(join(tmpdir(), 'mailbox-bot-dataverse-')), 'db.json');
process.stdout.write(
  [
    `Fake Dynamics 365 at ${cloud.dataverse.url}, Entra at ${cloud.tokenEndpoint.url}, Graph at ${cloud.graph.url} (seeded from ${orgFile}).`,
    `The bot's own state (audit, jobs, notifications) goes to ${dataFile}.`,
    'Approvals are made by the bot\'s application user, which holds the Exchange administrator role in this demo.',
    '',
  ].join('\n'),
);
const bot = spawn(process.execPath, [...process.execArgv, 'src/launcher.ts'], {
  stdio: 'inherit',
  env: { ...process.env, ...cloud.env, ORG_FILE: orgFile, DATA_FILE: dataFile },
});
const stop = (): void => {
  bot.kill('SIGTERM');
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
bot.on('exit', (code) => {
  void cloud.close().then(() => process.exit(code ?? 0));
});

// `npm run package`: builds appPackage/mailbox-sync.zip for one Azure Bot registration.
//   npm run package -- [--bot-id <GUID>] [--out <zip path>]   (bot id defaults to $MicrosoftAppId)
//   npm run package -- --write-manifest                       (regenerates manifest/manifest.json, placeholder bot id)
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ManifestInputError, PLACEHOLDER_BOT_ID, buildManifest, parseSingleSignOn, type SingleSignOnApp } from '../src/manifest/app-manifest.js';
import { AppPackageError, MANIFEST_FILE, createAppPackage, manifestToJson } from '../src/manifest/app-package.js';
import { manifestCommandLists } from '../src/bot/commands/help.js';
import { validateManifest } from '../src/manifest/validate.js';

const REPOSITORY_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const MANIFEST_DIR = join(REPOSITORY_ROOT, 'manifest');
const DEFAULT_OUTPUT = join(REPOSITORY_ROOT, 'appPackage', 'mailbox-sync.zip');

const USAGE = `Usage:
  npm run package -- [--bot-id <GUID>] [--out <zip path>]
      Builds ${relative(REPOSITORY_ROOT, DEFAULT_OUTPUT)}. The bot id is --bot-id, else the MicrosoftAppId environment variable.
      With SSO_APP_ID and SSO_APP_ID_URI set, the manifest gets webApplicationInfo (Teams single sign-on, docs/sso.md).
  npm run package -- --write-manifest
      Rewrites manifest/${MANIFEST_FILE} from code with the placeholder bot id ${PLACEHOLDER_BOT_ID}.`;

const environmentSchema = z.object({ MicrosoftAppId: z.string().optional() });

const argumentsSchema = z.strictObject({
  'bot-id': z.string().optional(),
  out: z.string().min(1, '--out needs a file path').optional(),
  'write-manifest': z.boolean().optional(),
  help: z.boolean().optional(),
});

class UsageError extends Error {
  override readonly name = 'UsageError';
}

function readArguments(argv: readonly string[]): z.infer<typeof argumentsSchema> {
  try {
    const { values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        'bot-id': { type: 'string' },
        out: { type: 'string' },
        'write-manifest': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    return argumentsSchema.parse(values);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

async function writeCommittedManifest(): Promise<void> {
  const manifest = buildManifest(PLACEHOLDER_BOT_ID, manifestCommandLists());
  const errors = await validateManifest(manifest);
  if (errors.length > 0) throw new AppPackageError(errors.map((error) => `${MANIFEST_FILE} schema: ${error}`));
  const target = join(MANIFEST_DIR, MANIFEST_FILE);
  await writeFile(target, manifestToJson(manifest));
  console.log(`wrote ${relative(REPOSITORY_ROOT, target)}`);
}

async function writePackage(botId: string | undefined, output: string, singleSignOn: SingleSignOnApp | undefined): Promise<void> {
  const appPackage = await createAppPackage({ botId, commandLists: manifestCommandLists(), iconsDir: MANIFEST_DIR, ...(singleSignOn === undefined ? {} : { singleSignOn }) });
  await mkdir(dirname(output), { recursive: true });
  await writeFile(output, appPackage.zip);
  const bot = appPackage.manifest.bots[0];
  const sso = appPackage.manifest.webApplicationInfo === undefined ? 'no single sign-on' : `single sign-on app ${appPackage.manifest.webApplicationInfo.id}`;
  console.log(`wrote ${output} (app id ${appPackage.manifest.id}, bot id ${bot?.botId ?? '?'}, version ${appPackage.manifest.version}, ${sso})`);
}

async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  try {
    const args = readArguments(argv);
    if (args.help === true) {
      console.log(USAGE);
      return 0;
    }
    if (args['write-manifest'] === true) {
      if (args['bot-id'] !== undefined || args.out !== undefined) throw new UsageError('--write-manifest takes no --bot-id or --out');
      await writeCommittedManifest();
      return 0;
    }
    const botId = args['bot-id'] ?? environmentSchema.parse(env).MicrosoftAppId;
    await writePackage(botId, resolve(args.out ?? DEFAULT_OUTPUT), parseSingleSignOn(env));
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof ManifestInputError || error instanceof AppPackageError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
}

process.exitCode = await main(process.argv.slice(2), process.env);

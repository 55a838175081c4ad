import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import JSZip from 'jszip';
import { PNG } from 'pngjs';
import { afterEach, describe, expect, it } from 'vitest';
import { ManifestInputError, deriveAppId, mailboxSyncManifestSchema, parseSingleSignOn } from '../../src/manifest/app-manifest.js';
import { APP_PACKAGE_FILES, AppPackageError, createAppPackage } from '../../src/manifest/app-package.js';
import { manifestCommandLists } from '../../src/bot/commands/help.js';
import { validateManifest } from '../../src/manifest/validate.js';
import { CHILD_PROCESS_NETWORK_GUARD, forbidNetworkInEachTest } from './network-guard.js';

const REPOSITORY_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MANIFEST_DIR = join(REPOSITORY_ROOT, 'manifest');
const BOT_ID = '3d0a5f52-8c1e-4b7a-9f2d-6e4c1b0a9d87';
const SSO_APP_ID = '5507b07b-0000-4000-8000-0000000055a0';

const scratchDirs: string[] = [];
async function scratchDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mailbox-sync-package-'));
  scratchDirs.push(dir);
  return dir;
}

async function manifestInside(zip: JSZip) {
  const text = await zip.file('manifest.json')?.async('string');
  if (text === undefined) throw new Error('manifest.json is missing from the zip');
  return mailboxSyncManifestSchema.parse(JSON.parse(text));
}

/** Built once, lazily inside the first test that needs it, so that the network guard is active. */
let sharedPackage: ReturnType<typeof createAppPackage> | undefined;
function packageForBot(): ReturnType<typeof createAppPackage> {
  sharedPackage ??= createAppPackage({ botId: BOT_ID.toUpperCase(), commandLists: manifestCommandLists(), iconsDir: MANIFEST_DIR });
  return sharedPackage;
}

forbidNetworkInEachTest();
afterEach(async () => {
  await Promise.all(scratchDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('the app package', () => {
  it('holds exactly manifest.json, color.png and outline.png, all at the zip root', async () => {
    const { zip } = await packageForBot();
    const entries = Object.values((await JSZip.loadAsync(zip)).files);
    expect(entries.map((entry) => entry.name).sort()).toEqual([...APP_PACKAGE_FILES].sort());
    expect(entries.every((entry) => !entry.dir && !entry.name.includes('/'))).toBe(true);
  });

  it('carries the given bot id (lower-cased) instead of the placeholder, an app id derived from it, and otherwise the committed manifest', async () => {
    const { zip } = await packageForBot();
    const manifest = await manifestInside(await JSZip.loadAsync(zip));
    expect(manifest.bots[0]?.botId).toBe(BOT_ID);
    expect(manifest.id).toBe(deriveAppId(BOT_ID));
    expect(await validateManifest(manifest)).toEqual([]);
    const committed = mailboxSyncManifestSchema.parse(JSON.parse(await readFile(join(MANIFEST_DIR, 'manifest.json'), 'utf8')));
    expect({ ...manifest, id: committed.id, bots: committed.bots.map((bot) => ({ ...bot, botId: committed.bots[0]?.botId })) }).toEqual(committed);
  });

  it('packs the committed icons byte for byte', async () => {
    const zip = await JSZip.loadAsync((await packageForBot()).zip);
    for (const icon of ['color.png', 'outline.png']) {
      const packed = await zip.file(icon)?.async('nodebuffer');
      expect(packed?.equals(await readFile(join(MANIFEST_DIR, icon)))).toBe(true);
    }
  });

  it('is byte-for-byte reproducible from the same inputs', async () => {
    const again = await createAppPackage({ botId: BOT_ID.toUpperCase(), commandLists: manifestCommandLists(), iconsDir: MANIFEST_DIR });
    expect(Buffer.from(again.zip).equals(Buffer.from((await packageForBot()).zip))).toBe(true);
  });

  it('is refused without a bot id', async () => {
    await expect(createAppPackage({ botId: undefined, commandLists: manifestCommandLists(), iconsDir: MANIFEST_DIR })).rejects.toThrow(ManifestInputError);
  });

  it('is refused when an icon breaks the Teams rules, naming the icon', async () => {
    const dir = await scratchDir();
    await copyFile(join(MANIFEST_DIR, 'color.png'), join(dir, 'color.png'));
    const grey = new PNG({ width: 32, height: 32, colorType: 6 });
    grey.data.fill(128);
    await writeFile(join(dir, 'outline.png'), PNG.sync.write(grey));
    const attempt = createAppPackage({ botId: BOT_ID, commandLists: manifestCommandLists(), iconsDir: dir });
    await expect(attempt).rejects.toThrow(AppPackageError);
    await expect(attempt).rejects.toThrow(/outline\.png has 1024 pixel\(s\) that are neither white nor fully transparent/);
  });
});

// Each run starts node with tsx, which takes seconds on a busy machine.
describe('single sign-on in the manifest (webApplicationInfo)', () => {
  it('is written when the single sign-on app is given, and the official schema accepts it', async () => {
    const singleSignOn = { appId: SSO_APP_ID, appIdUri: `api://bot.contoso.example/botid-${BOT_ID}` };
    const { manifest } = await createAppPackage({ botId: BOT_ID, commandLists: manifestCommandLists(), iconsDir: MANIFEST_DIR, singleSignOn });
    expect(manifest.webApplicationInfo).toEqual({ id: SSO_APP_ID, resource: singleSignOn.appIdUri });
    expect(manifest.validDomains).toEqual(['token.botframework.com']);
    expect(await validateManifest(manifest)).toEqual([]);
  });

  it('is absent without it (the committed manifest has none)', async () => {
    const { manifest } = await packageForBot();
    expect(manifest.webApplicationInfo).toBeUndefined();
    expect(manifest.validDomains).toEqual([]);
  });

  it('needs both settings, naming the missing one', () => {
    expect(() => parseSingleSignOn({ SSO_APP_ID: SSO_APP_ID })).toThrow(/SSO_APP_ID_URI is empty/);
    expect(() => parseSingleSignOn({ SSO_APP_ID: 'not-a-guid', SSO_APP_ID_URI: 'api://x' })).toThrow(/"not-a-guid" is not a GUID/);
    expect(parseSingleSignOn({})).toBeUndefined();
  });
});

describe('npm run package (scripts/package-app.ts)', { timeout: 60_000 }, () => {
  const run = promisify(execFile);

  /** Runs the script as npm would (through tsx), with MicrosoftAppId only if given, and the network blocked. */
  async function packageApp(args: readonly string[], env: Record<string, string>) {
    const guard = join(await scratchDir(), 'no-network.mjs');
    await writeFile(guard, CHILD_PROCESS_NETWORK_GUARD);
    const { MicrosoftAppId: _inheritedAppId, SSO_APP_ID: _inheritedSsoAppId, SSO_APP_ID_URI: _inheritedSsoUri, ...inherited } = process.env;
    return run(process.execPath, ['--import', 'tsx', '--import', pathToFileURL(guard).href, 'scripts/package-app.ts', ...args], {
      cwd: REPOSITORY_ROOT,
      env: { ...inherited, ...env },
    });
  }

  it('writes a zip for the bot id in MicrosoftAppId, offline', async () => {
    const output = join(await scratchDir(), 'out', 'mailbox-sync.zip');
    const { stdout } = await packageApp(['--out', output], { MicrosoftAppId: BOT_ID });
    expect(stdout).toContain(`bot id ${BOT_ID}`);
    expect((await manifestInside(await JSZip.loadAsync(await readFile(output)))).bots[0]?.botId).toBe(BOT_ID);
  });

  it('writes webApplicationInfo from SSO_APP_ID and SSO_APP_ID_URI', async () => {
    const output = join(await scratchDir(), 'sso.zip');
    const resource = `api://bot.contoso.example/botid-${BOT_ID}`;
    const { stdout } = await packageApp(['--out', output], { MicrosoftAppId: BOT_ID, SSO_APP_ID: SSO_APP_ID, SSO_APP_ID_URI: resource });
    expect(stdout).toContain(`single sign-on app ${SSO_APP_ID}`);
    expect((await manifestInside(await JSZip.loadAsync(await readFile(output)))).webApplicationInfo).toEqual({ id: SSO_APP_ID, resource });
  });

  it('refuses with a clear message and exit code 1 when no bot id is given, writing nothing', async () => {
    const output = join(await scratchDir(), 'unused.zip');
    const failure: unknown = await packageApp(['--out', output], {}).then(
      () => new Error('the script succeeded without a bot id'),
      (error: unknown) => error,
    );
    expect(failure).toMatchObject({ code: 1, stderr: expect.stringContaining('no bot id: set MicrosoftAppId or pass --bot-id <GUID>') as unknown });
    await expect(readFile(output)).rejects.toThrow(/ENOENT/);
  });
});

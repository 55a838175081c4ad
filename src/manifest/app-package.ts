// Builds the Teams app package: manifest.json plus the two icons at the root of a zip,
// refusing to produce one that Teams would reject for any reason we can check offline.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import JSZip from 'jszip';
import type { CommandListInput, MailboxSyncManifest, SingleSignOnApp } from './app-manifest.js';
import { COLOR_ICON_PATH, OUTLINE_ICON_PATH, buildManifest, parseBotId } from './app-manifest.js';
import { checkIcons } from './icons.js';
import { validateManifest } from './validate.js';

export const MANIFEST_FILE = 'manifest.json';
export const APP_PACKAGE_FILES = [MANIFEST_FILE, COLOR_ICON_PATH, OUTLINE_ICON_PATH] as const;

/** A fixed timestamp for every zip entry so the same inputs give the same bytes. */
const ZIP_ENTRY_DATE = new Date('2025-01-01T00:00:00Z');

export class AppPackageError extends Error {
  override readonly name = 'AppPackageError';
  constructor(readonly problems: readonly string[]) {
    super(`The app package was not built:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

export interface AppPackageInput {
  /** Raw bot id (MicrosoftAppId); refused unless it is a real GUID. */
  readonly botId: string | undefined;
  readonly commandLists: readonly CommandListInput[];
  /** Directory holding color.png and outline.png. */
  readonly iconsDir: string;
  /** Written as webApplicationInfo when given (SSO_APP_ID, SSO_APP_ID_URI). */
  readonly singleSignOn?: SingleSignOnApp;
}

export interface AppPackage {
  readonly manifest: MailboxSyncManifest;
  readonly zip: Uint8Array;
}

export function manifestToJson(manifest: MailboxSyncManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

export async function createAppPackage(input: AppPackageInput): Promise<AppPackage> {
  const manifest = buildManifest(parseBotId(input.botId), input.commandLists, input.singleSignOn);
  const problems = [
    ...(await validateManifest(manifest)).map((error) => `${MANIFEST_FILE} schema: ${error}`),
    ...(await checkIcons(input.iconsDir)),
  ];
  if (problems.length > 0) throw new AppPackageError(problems);

  const zip = new JSZip();
  zip.file(MANIFEST_FILE, manifestToJson(manifest), { date: ZIP_ENTRY_DATE });
  for (const icon of [COLOR_ICON_PATH, OUTLINE_ICON_PATH]) {
    zip.file(icon, await readFile(join(input.iconsDir, icon)), { date: ZIP_ENTRY_DATE });
  }
  const bytes = await zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE', compressionOptions: { level: 9 } });
  return { manifest, zip: bytes };
}
